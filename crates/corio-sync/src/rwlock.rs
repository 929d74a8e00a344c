//! [`RwLock<T>`]: an async reader-writer lock, FIFO fair.

use std::cell::UnsafeCell;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::mutex::fmt_data;
use crate::raw_semaphore::{RawAcquire, RawSemaphore};

/// Readers that may hold the lock at once. A writer takes all of them.
const MAX_READERS: usize = usize::MAX >> 3;

/// An async reader-writer lock guarding a `T`: many readers or one writer.
///
/// Built on the same FIFO hand-off engine as [`Lock`](crate::Lock): the lock
/// holds `MAX_READERS` permits, a reader takes one and a writer takes them
/// all. Requests are served in arrival order, so a waiting writer holds back
/// the readers that come after it (writers do not starve), and readers queued
/// together behind a writer enter together once it leaves. A cancelled
/// request passes on whatever it had been handed.
///
/// # Examples
///
/// ```
/// use corio_sync::RwLock;
///
/// # futures_lite::future::block_on(async {
/// let lock = RwLock::new(1);
/// {
///     let a = lock.read().await;
///     let b = lock.read().await;
///     assert_eq!(*a + *b, 2);
/// }
/// *lock.write().await += 1;
/// assert_eq!(*lock.read().await, 2);
/// # });
/// ```
pub struct RwLock<T: ?Sized> {
    raw: RawSemaphore,
    data: UnsafeCell<T>,
}

// SAFETY: a writer may get `&mut T` on another thread (`T: Send`), and
// readers on several threads share `&T` (`T: Sync`), as for `std::sync::RwLock`.
unsafe impl<T: ?Sized + Send> Send for RwLock<T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLock<T> {}

impl<T> RwLock<T> {
    /// A new, unlocked lock holding `value`.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = corio_sync::RwLock::new(5);
    /// assert_eq!(lock.into_inner(), 5);
    /// ```
    pub fn new(value: T) -> RwLock<T> {
        RwLock {
            raw: RawSemaphore::new(MAX_READERS),
            data: UnsafeCell::new(value),
        }
    }

    /// Consumes the lock and returns the data.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(corio_sync::RwLock::new(1).into_inner(), 1);
    /// ```
    pub fn into_inner(self) -> T {
        self.data.into_inner()
    }
}

impl<T: ?Sized> RwLock<T> {
    /// Waits (FIFO) for shared access.
    ///
    /// # Cancel safety
    ///
    /// Dropping the future gives up the place in the queue and passes on
    /// anything already handed to it.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// let lock = corio_sync::RwLock::new(3);
    /// assert_eq!(*lock.read().await, 3);
    /// # });
    /// ```
    pub fn read(&self) -> RwLockReadFuture<'_, T> {
        RwLockReadFuture {
            lock: self,
            raw: RawAcquire::new(&self.raw, 1),
        }
    }

    /// Waits (FIFO) for exclusive access.
    ///
    /// # Cancel safety
    ///
    /// Dropping the future gives up the place in the queue and passes on the
    /// reader slots already handed to it, so readers behind it proceed.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// let lock = corio_sync::RwLock::new(3);
    /// *lock.write().await = 4;
    /// assert_eq!(*lock.read().await, 4);
    /// # });
    /// ```
    pub fn write(&self) -> RwLockWriteFuture<'_, T> {
        RwLockWriteFuture {
            lock: self,
            raw: RawAcquire::new(&self.raw, MAX_READERS),
        }
    }

    /// Shared access if no writer holds or waits for the lock.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = corio_sync::RwLock::new(0);
    /// let a = lock.try_read().unwrap();
    /// assert!(lock.try_read().is_some());
    /// assert!(lock.try_write().is_none());
    /// # drop(a);
    /// ```
    pub fn try_read(&self) -> Option<RwLockReadGuard<'_, T>> {
        self.raw.try_acquire(1).then(|| RwLockReadGuard::new(self))
    }

    /// Exclusive access if nobody holds or waits for the lock.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = corio_sync::RwLock::new(0);
    /// let w = lock.try_write().unwrap();
    /// assert!(lock.try_read().is_none());
    /// # drop(w);
    /// ```
    pub fn try_write(&self) -> Option<RwLockWriteGuard<'_, T>> {
        self.raw
            .try_acquire(MAX_READERS)
            .then(|| RwLockWriteGuard::new(self))
    }

    /// Mutable access without locking: `&mut self` proves nobody else holds it.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut lock = corio_sync::RwLock::new(1);
    /// *lock.get_mut() = 2;
    /// assert_eq!(lock.into_inner(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        self.data.get_mut()
    }
}

impl<T: Default> Default for RwLock<T> {
    fn default() -> Self {
        RwLock::new(T::default())
    }
}

impl<T> From<T> for RwLock<T> {
    fn from(value: T) -> Self {
        RwLock::new(value)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_data(f, "RwLock", self.try_read().as_deref())
    }
}

/// Future of [`RwLock::read`]; resolves to a [`RwLockReadGuard`].
///
/// # Cancel safety
///
/// Dropping it gives up the place in the queue and passes on anything
/// already handed to it.
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// let lock = corio_sync::RwLock::new(0);
/// let fut: corio_sync::RwLockReadFuture<'_, i32> = lock.read();
/// assert_eq!(*fut.await, 0);
/// # });
/// ```
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct RwLockReadFuture<'a, T: ?Sized> {
    lock: &'a RwLock<T>,
    raw: RawAcquire<'a>,
}

impl<'a, T: ?Sized> Future for RwLockReadFuture<'a, T> {
    type Output = RwLockReadGuard<'a, T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<RwLockReadGuard<'a, T>> {
        let lock = self.lock;
        self.raw.poll(cx).map(|()| RwLockReadGuard::new(lock))
    }
}

impl<T: ?Sized> fmt::Debug for RwLockReadFuture<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RwLockReadFuture").finish_non_exhaustive()
    }
}

/// Future of [`RwLock::write`]; resolves to a [`RwLockWriteGuard`].
///
/// # Cancel safety
///
/// Dropping it gives up the place in the queue and passes on the reader
/// slots already handed to it.
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// let lock = corio_sync::RwLock::new(0);
/// let fut: corio_sync::RwLockWriteFuture<'_, i32> = lock.write();
/// *fut.await = 1;
/// # });
/// ```
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct RwLockWriteFuture<'a, T: ?Sized> {
    lock: &'a RwLock<T>,
    raw: RawAcquire<'a>,
}

impl<'a, T: ?Sized> Future for RwLockWriteFuture<'a, T> {
    type Output = RwLockWriteGuard<'a, T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<RwLockWriteGuard<'a, T>> {
        let lock = self.lock;
        self.raw.poll(cx).map(|()| RwLockWriteGuard::new(lock))
    }
}

impl<T: ?Sized> fmt::Debug for RwLockWriteFuture<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RwLockWriteFuture").finish_non_exhaustive()
    }
}

/// Shared access to the data of a [`RwLock`]; released when dropped.
///
/// # Examples
///
/// ```
/// let lock = corio_sync::RwLock::new(7);
/// let guard = lock.try_read().unwrap();
/// assert_eq!(*guard, 7);
/// ```
#[must_use = "if unused the lock is released at once"]
pub struct RwLockReadGuard<'a, T: ?Sized> {
    lock: &'a RwLock<T>,
    /// `Send`/`Sync` only when sharing `&T` across threads is sound.
    _marker: PhantomData<&'a T>,
}

impl<'a, T: ?Sized> RwLockReadGuard<'a, T> {
    /// Only called once one reader permit is held by the caller.
    fn new(lock: &'a RwLock<T>) -> Self {
        RwLockReadGuard {
            lock,
            _marker: PhantomData,
        }
    }
}

impl<T: ?Sized> Deref for RwLockReadGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: a reader permit is held, so no writer (who needs every
        // permit) exists until this guard is dropped; readers only share `&T`.
        unsafe { &*self.lock.data.get() }
    }
}

impl<T: ?Sized> Drop for RwLockReadGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.raw.release(1);
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLockReadGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

/// Exclusive access to the data of a [`RwLock`]; released when dropped.
///
/// # Examples
///
/// ```
/// let lock = corio_sync::RwLock::new(7);
/// let mut guard = lock.try_write().unwrap();
/// *guard += 1;
/// assert_eq!(*guard, 8);
/// ```
#[must_use = "if unused the lock is released at once"]
pub struct RwLockWriteGuard<'a, T: ?Sized> {
    lock: &'a RwLock<T>,
    /// `Send`/`Sync` only when handing `&mut T` across threads is sound.
    _marker: PhantomData<&'a mut T>,
}

impl<'a, T: ?Sized> RwLockWriteGuard<'a, T> {
    /// Only called once every reader permit is held by the caller.
    fn new(lock: &'a RwLock<T>) -> Self {
        RwLockWriteGuard {
            lock,
            _marker: PhantomData,
        }
    }
}

impl<T: ?Sized> Deref for RwLockWriteGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: every permit is held, so no other guard exists.
        unsafe { &*self.lock.data.get() }
    }
}

impl<T: ?Sized> DerefMut for RwLockWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: every permit is held and `&mut self` is unique.
        unsafe { &mut *self.lock.data.get() }
    }
}

impl<T: ?Sized> Drop for RwLockWriteGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.raw.release(MAX_READERS);
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLockWriteGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}
