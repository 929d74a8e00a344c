//! [`Lock`]: asyncio's lock.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::acquire::Acquire;
use crate::error::NotAcquired;
use crate::raw_lock::{Held, RawLock, RawLockAcquire};

/// asyncio's `Lock`: a mutual-exclusion lock that any task (or callback) may
/// release, with FIFO hand-off.
///
/// - [`acquire`](Lock::acquire) / [`release`](Lock::release) are asyncio's
///   pair: the lock is not tied to the task that took it, so another task or
///   a loop callback may release it (`call_later(0.1, unlock)`).
/// - [`lock`](Lock::lock) returns a [`LockGuard`] that releases on drop: the
///   Rust shape of `async with lock:`.
///
/// Fairness is asyncio's: no barging. A task that calls `acquire` while others
/// wait queues behind them, and a release hands the lock straight to the
/// oldest waiter.
///
/// The uncontended acquire is one compare-and-swap and allocates nothing;
/// so is the uncontended release, by hand or by a guard.
///
/// To guard data, prefer [`Mutex<T>`](crate::Mutex).
///
/// # Mixing guards with `release`
///
/// A guard releases only the holding it was created for. If that holding
/// ends by another way first ([`release`](Lock::release) by hand, or a
/// condition's asyncio-form wait), the guard's drop does nothing, so it can
/// never release the lock for whoever took it next.
///
/// # Differences from asyncio
///
/// A release hands the lock to the oldest waiter at once. Between that
/// release and the moment the woken waiter runs, asyncio's `locked()`
/// briefly returns `False` (while still refusing new acquirers) and a second
/// `release()` raises; here the lock already belongs to the woken waiter, so
/// [`locked`](Lock::locked) stays `true` and a second `release()` releases
/// it on that waiter's behalf (passing it to the next waiter), exactly as a
/// stray `release()` does once the waiter runs, in asyncio and here.
///
/// # Examples
///
/// ```
/// use corio_sync::Lock;
///
/// # futures_lite::future::block_on(async {
/// let lock = Lock::new();
/// lock.acquire().await;
/// assert!(lock.locked());
/// lock.release()?; // could be done by any other task or callback
/// assert!(!lock.locked());
///
/// {
///     let _guard = lock.lock().await; // `async with lock:`
///     assert!(lock.locked());
/// }
/// assert!(!lock.locked());
/// # Ok::<(), corio_sync::NotAcquired>(())
/// # }).unwrap();
/// ```
pub struct Lock {
    /// The lock word holds the identity of the current holding too: a
    /// release by hand starts a new generation, so a guard whose holding
    /// ended that way sees a different word and does not release (see
    /// [`LockGuard`]'s drop and `raw_lock`'s module docs).
    raw: RawLock,
}

impl Lock {
    /// A new, unlocked lock.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = corio_sync::Lock::new();
    /// assert!(!lock.locked());
    /// ```
    pub fn new() -> Lock {
        Lock {
            raw: RawLock::new(),
        }
    }

    /// Waits until the lock is free and nobody queued before, then takes it.
    ///
    /// The lock stays taken until [`release`](Lock::release) is called, by
    /// this or any other task. For scoped use, see [`lock`](Lock::lock).
    ///
    /// # Cancel safety
    ///
    /// Dropping the future gives up the place in the queue; if the lock had
    /// already been handed to it, it goes to the next waiter.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_sync::Lock;
    ///
    /// # futures_lite::future::block_on(async {
    /// let lock = Lock::new();
    /// lock.acquire().await;
    /// assert!(lock.locked());
    /// # });
    /// ```
    pub fn acquire(&self) -> Acquire<'_> {
        Acquire::lock(RawLockAcquire::new(&self.raw, false))
    }

    /// Takes the lock if it is free and nobody waits; returns whether it did.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = corio_sync::Lock::new();
    /// assert!(lock.try_acquire());
    /// assert!(!lock.try_acquire());
    /// ```
    pub fn try_acquire(&self) -> bool {
        self.raw.try_lock(false).is_some()
    }

    /// Releases the lock, handing it to the oldest waiter if there is one.
    ///
    /// Any task or callback may call it, not only the one that acquired.
    ///
    /// # Errors
    ///
    /// [`NotAcquired`] if the lock is not locked.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_sync::{Lock, NotAcquired};
    ///
    /// let lock = Lock::new();
    /// assert!(lock.try_acquire());
    /// assert_eq!(lock.release(), Ok(()));
    /// assert_eq!(lock.release(), Err(NotAcquired));
    /// ```
    pub fn release(&self) -> Result<(), NotAcquired> {
        // Whatever holding this ends, its guard (if any) must not release
        // again: the raw release starts a new generation.
        self.raw.release().map_err(|_| NotAcquired)
    }

    /// Whether the current holding belongs to a live guard (as opposed to an
    /// [`acquire`](Lock::acquire) or a free lock).
    pub(crate) fn held_by_guard(&self) -> bool {
        self.raw.held_by_guard()
    }

    /// Whether the lock is held (by anyone, including a waiter it was just
    /// handed to).
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = corio_sync::Lock::new();
    /// assert!(!lock.locked());
    /// lock.try_acquire();
    /// assert!(lock.locked());
    /// ```
    pub fn locked(&self) -> bool {
        self.raw.locked()
    }

    /// Waits for the lock like [`acquire`](Lock::acquire) and returns a
    /// guard that releases it when dropped (`async with lock:`).
    ///
    /// # Cancel safety
    ///
    /// As for [`acquire`](Lock::acquire): a dropped future never keeps nor
    /// loses the lock.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_sync::Lock;
    ///
    /// # futures_lite::future::block_on(async {
    /// let lock = Lock::new();
    /// let guard = lock.lock().await;
    /// assert!(lock.locked());
    /// drop(guard);
    /// assert!(!lock.locked());
    /// # });
    /// ```
    pub fn lock(&self) -> LockFuture<'_> {
        LockFuture {
            lock: self,
            raw: RawLockAcquire::new(&self.raw, true),
        }
    }

    /// Takes the lock and returns its guard if it is free and nobody waits.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = corio_sync::Lock::new();
    /// let guard = lock.try_lock();
    /// assert!(guard.is_some());
    /// assert!(lock.try_lock().is_none());
    /// ```
    pub fn try_lock(&self) -> Option<LockGuard<'_>> {
        self.raw
            .try_lock(true)
            .map(|held| LockGuard { lock: self, held })
    }
}

impl Default for Lock {
    fn default() -> Self {
        Lock::new()
    }
}

impl fmt::Debug for Lock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lock")
            .field("locked", &self.locked())
            .finish()
    }
}

/// Future of [`Lock::lock`]; resolves to a [`LockGuard`].
///
/// # Cancel safety
///
/// Dropping it gives up the place in the queue; a lock already handed to it
/// goes to the next waiter.
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// let lock = corio_sync::Lock::new();
/// let fut: corio_sync::LockFuture<'_> = lock.lock();
/// let _guard = fut.await;
/// # });
/// ```
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct LockFuture<'a> {
    lock: &'a Lock,
    raw: RawLockAcquire<'a>,
}

impl<'a> Future for LockFuture<'a> {
    type Output = LockGuard<'a>;

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<LockGuard<'a>> {
        let lock = self.lock;
        self.raw.poll(cx).map(|held| LockGuard { lock, held })
    }
}

impl fmt::Debug for LockFuture<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LockFuture").finish_non_exhaustive()
    }
}

/// Holds a [`Lock`] and releases it when dropped.
///
/// `std::mem::forget(guard)` keeps the lock locked; a later
/// [`Lock::release`] (from any task) frees it.
///
/// A guard releases only its own holding: once the lock was released by
/// another way ([`Lock::release`] by hand), dropping the guard does nothing,
/// even if another task holds the lock by then.
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// let lock = corio_sync::Lock::new();
/// let guard = lock.lock().await;
/// std::mem::forget(guard);
/// assert!(lock.locked());
/// lock.release()?;
/// # Ok::<(), corio_sync::NotAcquired>(())
/// # }).unwrap();
/// ```
#[must_use = "if unused the lock is released at once"]
pub struct LockGuard<'a> {
    lock: &'a Lock,
    /// This guard's holding, as the lock word shows it while it lasts.
    held: Held,
}

impl<'a> LockGuard<'a> {
    /// The lock this guard holds.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = corio_sync::Lock::new();
    /// let guard = lock.try_lock().unwrap();
    /// assert!(std::ptr::eq(guard.lock(), &lock));
    /// ```
    pub fn lock(&self) -> &'a Lock {
        self.lock
    }
}

impl Drop for LockGuard<'_> {
    #[inline]
    fn drop(&mut self) {
        // Releases only if the current holding is still ours: if someone
        // released it by hand, the lock is free or already someone else's.
        self.lock.raw.release_guard(self.held);
    }
}

impl fmt::Debug for LockGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LockGuard").finish_non_exhaustive()
    }
}
