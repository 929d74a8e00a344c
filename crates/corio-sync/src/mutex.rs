//! [`Mutex<T>`]: an async mutex that owns its data, FIFO fair.

use std::cell::UnsafeCell;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::raw_lock::{Held, RawLock, RawLockAcquire};

/// An async mutex guarding a `T`, for Rust code: the data-holding sibling of
/// [`Lock`](crate::Lock).
///
/// Same engine as `Lock`: FIFO hand-off (no barging), a cancelled `lock()`
/// that had been handed the mutex passes it on, and the uncontended lock is
/// one compare-and-swap without allocation. Unlike `Lock`, the mutex can only
/// be released by dropping its [`MutexGuard`].
///
/// Use `std::sync::Mutex` instead when the lock is never held across an
/// `.await`: it is cheaper.
///
/// # Examples
///
/// ```
/// use corio_sync::Mutex;
///
/// # futures_lite::future::block_on(async {
/// let counter = Mutex::new(0);
/// *counter.lock().await += 1;
/// assert_eq!(*counter.lock().await, 1);
/// assert_eq!(counter.into_inner(), 1);
/// # });
/// ```
pub struct Mutex<T: ?Sized> {
    raw: RawLock,
    data: UnsafeCell<T>,
}

// SAFETY: the mutex hands out `&mut T` to one guard at a time, possibly on
// another thread, so `T: Send` is needed and enough (as for `std::sync::Mutex`).
unsafe impl<T: ?Sized + Send> Send for Mutex<T> {}
// SAFETY: as above: shared access to the mutex only gives exclusive access to
// `T`, one guard at a time.
unsafe impl<T: ?Sized + Send> Sync for Mutex<T> {}

impl<T> Mutex<T> {
    /// A new, unlocked mutex holding `value`.
    ///
    /// # Examples
    ///
    /// ```
    /// let mutex = corio_sync::Mutex::new(5);
    /// assert_eq!(mutex.into_inner(), 5);
    /// ```
    pub fn new(value: T) -> Mutex<T> {
        Mutex {
            raw: RawLock::new(),
            data: UnsafeCell::new(value),
        }
    }

    /// Consumes the mutex and returns the data.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(corio_sync::Mutex::new("x").into_inner(), "x");
    /// ```
    pub fn into_inner(self) -> T {
        self.data.into_inner()
    }
}

impl<T: ?Sized> Mutex<T> {
    /// Waits for the mutex (FIFO) and returns a guard giving access to the
    /// data.
    ///
    /// # Cancel safety
    ///
    /// Dropping the future gives up the place in the queue; if the mutex had
    /// already been handed to it, it goes to the next waiter.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// let mutex = corio_sync::Mutex::new(vec![1]);
    /// mutex.lock().await.push(2);
    /// assert_eq!(*mutex.lock().await, [1, 2]);
    /// # });
    /// ```
    pub fn lock(&self) -> MutexLockFuture<'_, T> {
        MutexLockFuture {
            mutex: self,
            raw: RawLockAcquire::new(&self.raw, true),
        }
    }

    /// Locks the mutex if it is free and nobody waits.
    ///
    /// # Examples
    ///
    /// ```
    /// let mutex = corio_sync::Mutex::new(1);
    /// let guard = mutex.try_lock().unwrap();
    /// assert!(mutex.try_lock().is_none());
    /// drop(guard);
    /// assert!(mutex.try_lock().is_some());
    /// ```
    pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
        self.raw
            .try_lock(true)
            .map(|held| MutexGuard::new(self, held))
    }

    /// Whether the mutex is held.
    ///
    /// # Examples
    ///
    /// ```
    /// let mutex = corio_sync::Mutex::new(());
    /// let _guard = mutex.try_lock();
    /// assert!(mutex.is_locked());
    /// ```
    pub fn is_locked(&self) -> bool {
        self.raw.locked()
    }

    /// Mutable access without locking: `&mut self` proves nobody else holds it.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut mutex = corio_sync::Mutex::new(1);
    /// *mutex.get_mut() = 2;
    /// assert_eq!(mutex.into_inner(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        self.data.get_mut()
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Self {
        Mutex::new(T::default())
    }
}

impl<T> From<T> for Mutex<T> {
    fn from(value: T) -> Self {
        Mutex::new(value)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_data(f, "Mutex", self.try_lock().as_deref())
    }
}

/// The `Debug` of a lock that owns its data (`Mutex`, `RwLock`): the data if
/// it could be read without waiting, else `<locked>`.
pub(crate) fn fmt_data<T: ?Sized + fmt::Debug>(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    data: Option<&T>,
) -> fmt::Result {
    let mut d = f.debug_struct(name);
    match data {
        Some(data) => d.field("data", &data),
        None => d.field("data", &format_args!("<locked>")),
    };
    d.finish()
}

/// Future of [`Mutex::lock`]; resolves to a [`MutexGuard`].
///
/// # Cancel safety
///
/// Dropping it gives up the place in the queue; a mutex already handed to it
/// goes to the next waiter.
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// let mutex = corio_sync::Mutex::new(0);
/// let fut: corio_sync::MutexLockFuture<'_, i32> = mutex.lock();
/// assert_eq!(*fut.await, 0);
/// # });
/// ```
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct MutexLockFuture<'a, T: ?Sized> {
    mutex: &'a Mutex<T>,
    raw: RawLockAcquire<'a>,
}

impl<'a, T: ?Sized> Future for MutexLockFuture<'a, T> {
    type Output = MutexGuard<'a, T>;

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<MutexGuard<'a, T>> {
        let mutex = self.mutex;
        self.raw.poll(cx).map(|held| MutexGuard::new(mutex, held))
    }
}

impl<T: ?Sized> fmt::Debug for MutexLockFuture<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MutexLockFuture").finish_non_exhaustive()
    }
}

/// Exclusive access to the data of a [`Mutex`]; unlocks it when dropped.
///
/// # Examples
///
/// ```
/// let mutex = corio_sync::Mutex::new(String::from("a"));
/// let mut guard = mutex.try_lock().unwrap();
/// guard.push('b');
/// assert_eq!(&*guard, "ab");
/// ```
#[must_use = "if unused the mutex is unlocked at once"]
pub struct MutexGuard<'a, T: ?Sized> {
    mutex: &'a Mutex<T>,
    /// The holding, as the lock word shows it (a `Mutex` has no release by
    /// hand, so it lasts until this guard drops).
    held: Held,
    /// Makes the guard `Send`/`Sync` only when handing `&mut T` across
    /// threads is sound.
    _marker: PhantomData<&'a mut T>,
}

impl<'a, T: ?Sized> MutexGuard<'a, T> {
    /// Only called once the caller holds the mutex, as `held`.
    #[inline]
    fn new(mutex: &'a Mutex<T>, held: Held) -> Self {
        MutexGuard {
            mutex,
            held,
            _marker: PhantomData,
        }
    }
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: this guard exists only while its holder holds the mutex,
        // so no other reference to the data exists.
        unsafe { &*self.mutex.data.get() }
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`; `&mut self` makes this the only access.
        unsafe { &mut *self.mutex.data.get() }
    }
}

impl<T: ?Sized> Drop for MutexGuard<'_, T> {
    #[inline]
    fn drop(&mut self) {
        // The Release in the unlock or hand-off orders our writes to the
        // data before the next holder's reads.
        self.mutex.raw.release_guard(self.held);
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}
