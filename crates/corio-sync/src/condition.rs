//! [`Condition`]: asyncio's condition variable, with its own [`Lock`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker, ready};

use crate::acquire::Acquire;
use crate::error::{ConditionError, NotAcquired};
use crate::lock::{Lock, LockFuture, LockGuard};
use crate::shim::{self, Mutex};
use crate::wait_list::WaitList;
use crate::wake_list::WakeList;

/// asyncio's `Condition`: tasks wait until another task notifies them, over a
/// [`Lock`] the condition owns.
///
/// Two ways to use it:
///
/// - **Guard form** (recommended): [`lock`](Condition::lock) gives a
///   [`ConditionGuard`] (`async with cond:`), and
///   [`ConditionGuard::wait`] *consumes* the guard, releases the lock, waits
///   for a notification, re-acquires and returns a new guard. `notify` on a
///   guard cannot fail: the guard proves the lock is held.
/// - **asyncio form**: [`acquire`](Condition::acquire) /
///   [`release`](Condition::release), and [`wait`](Condition::wait) /
///   [`notify`](Condition::notify) that check the lock is held (by anyone, as
///   asyncio does) and return a typed [`ConditionError`] otherwise.
///
/// The two forms mix safely: a guard never releases a holding that ended
/// another way ([`release`](Condition::release) by hand), and the asyncio
/// [`wait`](Condition::wait) refuses, with
/// [`ConditionError::WaitGuarded`], a lock that a guard holds (if it
/// released the guard's lock and was then cancelled, the guard would be left
/// over a lock another task holds). So `let guard = cond.lock().await;` is
/// followed by `guard.wait()`, never by `cond.wait()`.
///
/// [`notify(n)`](Condition::notify) wakes the first `n` tasks still waiting,
/// in the order they started waiting; [`notify_all`](Condition::notify_all)
/// wakes them all. A woken task then queues for the lock like any acquirer.
///
/// # Differences from asyncio: cancellation
///
/// asyncio's `wait()` re-acquires the lock even when it is cancelled, so the
/// `async with` block exits holding it. A Rust future cannot run async code
/// when it is dropped, so a wait future dropped before it completes does
/// **not** hold the lock afterwards: with the guard form the guard was moved
/// into the wait, so the type system already says the lock is gone; with the
/// asyncio form, code after the dropped `wait()` never runs, so nothing can
/// `release` twice. A lock already handed back to the dropped waiter goes to
/// the next one. As in Python 3.13, a waiter dropped after it was notified
/// passes its notification to the next waiter, so no wakeup is lost (the
/// price is a possible spurious wakeup, which the condition-variable
/// protocol allows: re-check with [`wait_for`](ConditionGuard::wait_for)).
///
/// A condition always owns its lock; asyncio's `Condition(lock)` sharing one
/// lock between several conditions has no counterpart.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicBool, Ordering};
/// use corio_sync::Condition;
///
/// # futures_lite::future::block_on(async {
/// let cond = Arc::new(Condition::new());
/// let ready = Arc::new(AtomicBool::new(false));
///
/// let consumer = {
///     let (cond, ready) = (cond.clone(), ready.clone());
///     async move {
///         let guard = cond.lock().await; // async with cond:
///         let _guard = guard.wait_for(|| ready.load(Ordering::SeqCst)).await;
///         "consumed"
///     }
/// };
/// let producer = async {
///     let guard = cond.lock().await;
///     ready.store(true, Ordering::SeqCst);
///     guard.notify_all();
/// };
/// let (out, ()) = futures_lite::future::zip(consumer, producer).await;
/// assert_eq!(out, "consumed");
/// # });
/// ```
pub struct Condition {
    lock: Lock,
    /// Tasks in `wait`, oldest first. A node is unlinked when notified.
    waiters: Mutex<WaitList<Option<Waker>>>,
}

impl Condition {
    /// A new condition with its own, unlocked, lock.
    ///
    /// # Examples
    ///
    /// ```
    /// let cond = corio_sync::Condition::new();
    /// assert!(!cond.locked());
    /// ```
    pub fn new() -> Condition {
        Condition {
            lock: Lock::new(),
            waiters: Mutex::new(WaitList::new()),
        }
    }

    /// Waits for the condition's lock and returns a guard (`async with cond:`).
    ///
    /// # Cancel safety
    ///
    /// As for [`Lock::lock`]: a dropped future neither keeps nor loses the lock.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// let cond = corio_sync::Condition::new();
    /// let guard = cond.lock().await;
    /// assert!(cond.locked());
    /// guard.notify(1); // nobody waits: a no-op
    /// # });
    /// ```
    pub fn lock(&self) -> ConditionLockFuture<'_> {
        ConditionLockFuture {
            cond: self,
            inner: self.lock.lock(),
        }
    }

    /// Takes the lock and returns its guard if it is free and nobody waits.
    ///
    /// # Examples
    ///
    /// ```
    /// let cond = corio_sync::Condition::new();
    /// let guard = cond.try_lock();
    /// assert!(guard.is_some());
    /// assert!(cond.try_lock().is_none());
    /// ```
    pub fn try_lock(&self) -> Option<ConditionGuard<'_>> {
        self.lock.try_lock().map(|guard| ConditionGuard {
            cond: self,
            _guard: guard,
        })
    }

    /// Acquires the condition's lock (asyncio's `acquire`), see
    /// [`Lock::acquire`].
    ///
    /// # Cancel safety
    ///
    /// As for [`Lock::acquire`].
    ///
    /// # Examples
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// let cond = corio_sync::Condition::new();
    /// cond.acquire().await;
    /// assert!(cond.locked());
    /// cond.release()?;
    /// # Ok::<(), corio_sync::NotAcquired>(())
    /// # }).unwrap();
    /// ```
    pub fn acquire(&self) -> Acquire<'_> {
        self.lock.acquire()
    }

    /// Releases the condition's lock, see [`Lock::release`].
    ///
    /// # Errors
    ///
    /// [`NotAcquired`] if the lock is not locked.
    ///
    /// # Examples
    ///
    /// ```
    /// let cond = corio_sync::Condition::new();
    /// assert_eq!(cond.release(), Err(corio_sync::NotAcquired));
    /// ```
    pub fn release(&self) -> Result<(), NotAcquired> {
        self.lock.release()
    }

    /// Whether the condition's lock is held.
    ///
    /// # Examples
    ///
    /// ```
    /// let cond = corio_sync::Condition::new();
    /// assert!(!cond.locked());
    /// ```
    pub fn locked(&self) -> bool {
        self.lock.locked()
    }

    /// asyncio's `wait()`: with the lock held, releases it, waits to be
    /// notified, then re-acquires it.
    ///
    /// # Errors
    ///
    /// [`ConditionError::WaitUnacquired`] if the lock is not held, and
    /// [`ConditionError::WaitGuarded`] if it is held through a
    /// [`ConditionGuard`] (wait with [`ConditionGuard::wait`] then): the
    /// asyncio form waits only on a lock taken with
    /// [`acquire`](Condition::acquire).
    ///
    /// # Cancel safety
    ///
    /// If the future is dropped before it completes, the lock is **not**
    /// re-acquired (unlike asyncio, see the type docs), and a notification
    /// or lock already handed to this waiter is passed on.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// let cond = corio_sync::Condition::new();
    /// let waiter = async {
    ///     cond.acquire().await;
    ///     cond.wait().await?;
    ///     assert!(cond.locked());
    ///     cond.release()?;
    ///     Ok::<_, Box<dyn std::error::Error>>(())
    /// };
    /// let notifier = async {
    ///     cond.acquire().await;
    ///     cond.notify(1)?;
    ///     cond.release()?;
    ///     Ok::<_, Box<dyn std::error::Error>>(())
    /// };
    /// let (a, b) = futures_lite::future::zip(waiter, notifier).await;
    /// a?;
    /// b?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    pub async fn wait(&self) -> Result<(), ConditionError> {
        if !self.lock.locked() {
            return Err(ConditionError::WaitUnacquired);
        }
        if self.lock.held_by_guard() {
            // Releasing here would end the guard's holding; if this wait were
            // then dropped, the guard would be left over a lock that another
            // task holds. The guard form moves the guard into the wait instead.
            return Err(ConditionError::WaitGuarded);
        }
        // Register before releasing, so no notify can slip in between.
        let notified = Notified::new(self);
        if self.lock.release().is_err() {
            // Someone else released it meanwhile: we did not hold it.
            return Err(ConditionError::WaitUnacquired);
        }
        notified.await;
        let pass_on = PassOn(self);
        self.lock.acquire().await;
        pass_on.disarm();
        Ok(())
    }

    /// asyncio's `wait_for(predicate)`: returns once `predicate()` is true,
    /// calling [`wait`](Condition::wait) in between. The predicate is first
    /// called at once, and each time with the lock held.
    ///
    /// # Errors
    ///
    /// As for [`wait`](Condition::wait), if it has to wait.
    ///
    /// # Cancel safety
    ///
    /// As for [`wait`](Condition::wait).
    ///
    /// # Examples
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// let cond = corio_sync::Condition::new();
    /// cond.acquire().await;
    /// cond.wait_for(|| true).await?; // already true: no wait
    /// cond.release()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    pub async fn wait_for<F: FnMut() -> bool>(
        &self,
        mut predicate: F,
    ) -> Result<(), ConditionError> {
        while !predicate() {
            self.wait().await?;
        }
        Ok(())
    }

    /// Wakes the first `n` tasks still waiting (fewer if fewer wait).
    ///
    /// # Errors
    ///
    /// [`ConditionError::NotifyUnacquired`] if the lock is not held.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_sync::{Condition, ConditionError};
    ///
    /// # futures_lite::future::block_on(async {
    /// let cond = Condition::new();
    /// assert_eq!(cond.notify(1), Err(ConditionError::NotifyUnacquired));
    /// cond.acquire().await;
    /// assert_eq!(cond.notify(1), Ok(()));
    /// # });
    /// ```
    pub fn notify(&self, n: usize) -> Result<(), ConditionError> {
        if !self.lock.locked() {
            return Err(ConditionError::NotifyUnacquired);
        }
        self.notify_waiters(n);
        Ok(())
    }

    /// Wakes every task waiting.
    ///
    /// # Errors
    ///
    /// [`ConditionError::NotifyUnacquired`] if the lock is not held.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// let cond = corio_sync::Condition::new();
    /// cond.acquire().await;
    /// cond.notify_all()?;
    /// cond.release()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    pub fn notify_all(&self) -> Result<(), ConditionError> {
        self.notify(usize::MAX)
    }

    /// Number of tasks waiting to be notified.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(corio_sync::Condition::new().waiters(), 0);
    /// ```
    pub fn waiters(&self) -> usize {
        shim::lock(&self.waiters).len()
    }

    /// Unlinks (notifies) up to `n` waiters, oldest first, and wakes them
    /// outside the lock.
    fn notify_waiters(&self, mut n: usize) {
        let mut wakers = WakeList::new();
        let mut list = shim::lock(&self.waiters);
        while n > 0 {
            let Some(key) = list.pop_front() else { break };
            n -= 1;
            if let Some(waker) = list.get_mut(key).take() {
                wakers.push(waker);
            }
            if !wakers.can_push() {
                drop(list);
                wakers.wake_all();
                list = shim::lock(&self.waiters);
            }
        }
        drop(list);
        wakers.wake_all();
    }
}

impl Default for Condition {
    fn default() -> Self {
        Condition::new()
    }
}

impl fmt::Debug for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Condition")
            .field("locked", &self.locked())
            .field("waiters", &self.waiters())
            .finish()
    }
}

/// Future of [`Condition::lock`]; resolves to a [`ConditionGuard`].
///
/// # Cancel safety
///
/// As for [`Lock::lock`].
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// let cond = corio_sync::Condition::new();
/// let fut: corio_sync::ConditionLockFuture<'_> = cond.lock();
/// let _guard = fut.await;
/// # });
/// ```
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct ConditionLockFuture<'a> {
    cond: &'a Condition,
    inner: LockFuture<'a>,
}

impl<'a> Future for ConditionLockFuture<'a> {
    type Output = ConditionGuard<'a>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<ConditionGuard<'a>> {
        let cond = self.cond;
        Pin::new(&mut self.inner)
            .poll(cx)
            .map(|guard| ConditionGuard {
                cond,
                _guard: guard,
            })
    }
}

impl fmt::Debug for ConditionLockFuture<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConditionLockFuture")
            .finish_non_exhaustive()
    }
}

/// Holds a [`Condition`]'s lock; releases it when dropped.
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// let cond = corio_sync::Condition::new();
/// let guard = cond.lock().await;
/// guard.notify_all();
/// drop(guard);
/// assert!(!cond.locked());
/// # });
/// ```
#[must_use = "if unused the lock is released at once"]
pub struct ConditionGuard<'a> {
    cond: &'a Condition,
    /// Held for its drop, which releases the lock.
    _guard: LockGuard<'a>,
}

impl<'a> ConditionGuard<'a> {
    /// Releases the lock, waits to be notified, re-acquires the lock and
    /// returns the new guard.
    ///
    /// # Cancel safety
    ///
    /// If the future is dropped before it completes, the lock is not held
    /// afterwards (the guard was moved in); a notification or lock already
    /// handed to this waiter is passed on to the next.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// let cond = corio_sync::Condition::new();
    /// let waiter = async {
    ///     let guard = cond.lock().await;
    ///     let guard = guard.wait().await;
    ///     drop(guard);
    ///     "woken"
    /// };
    /// let notifier = async {
    ///     let guard = cond.lock().await;
    ///     guard.notify(1);
    /// };
    /// let (out, ()) = futures_lite::future::zip(waiter, notifier).await;
    /// assert_eq!(out, "woken");
    /// # });
    /// ```
    pub async fn wait(self) -> ConditionGuard<'a> {
        let cond = self.cond;
        let notified = Notified::new(cond);
        drop(self);
        notified.await;
        let pass_on = PassOn(cond);
        let guard = cond.lock().await;
        pass_on.disarm();
        guard
    }

    /// Waits (as [`wait`](ConditionGuard::wait)) until `predicate()` is true;
    /// the predicate is called at once and after each wakeup, lock held.
    ///
    /// # Cancel safety
    ///
    /// As for [`wait`](ConditionGuard::wait).
    ///
    /// # Examples
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// let cond = corio_sync::Condition::new();
    /// let guard = cond.lock().await;
    /// let _guard = guard.wait_for(|| true).await; // already true
    /// # });
    /// ```
    pub async fn wait_for<F: FnMut() -> bool>(mut self, mut predicate: F) -> ConditionGuard<'a> {
        while !predicate() {
            self = self.wait().await;
        }
        self
    }

    /// Wakes the first `n` tasks still waiting.
    ///
    /// # Examples
    ///
    /// ```
    /// let cond = corio_sync::Condition::new();
    /// cond.try_lock().unwrap().notify(2);
    /// ```
    pub fn notify(&self, n: usize) {
        self.cond.notify_waiters(n);
    }

    /// Wakes every task waiting.
    ///
    /// # Examples
    ///
    /// ```
    /// let cond = corio_sync::Condition::new();
    /// cond.try_lock().unwrap().notify_all();
    /// ```
    pub fn notify_all(&self) {
        self.cond.notify_waiters(usize::MAX);
    }

    /// The condition whose lock this guard holds.
    ///
    /// # Examples
    ///
    /// ```
    /// let cond = corio_sync::Condition::new();
    /// let guard = cond.try_lock().unwrap();
    /// assert!(guard.condition().locked());
    /// ```
    pub fn condition(&self) -> &'a Condition {
        self.cond
    }
}

impl fmt::Debug for ConditionGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConditionGuard").finish_non_exhaustive()
    }
}

/// Waits for a notification. Registers at construction (before the caller
/// releases the lock); a node unlinked from the list has been notified.
struct Notified<'a> {
    cond: &'a Condition,
    /// `None` once the notification has been observed.
    key: Option<usize>,
}

impl<'a> Notified<'a> {
    fn new(cond: &'a Condition) -> Self {
        let key = shim::lock(&cond.waiters).push_back(None);
        Notified {
            cond,
            key: Some(key),
        }
    }
}

impl Future for Notified<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let Some(key) = self.key else {
            return Poll::Ready(());
        };
        ready!(shim::lock(&self.cond.waiters).poll_remove(key, cx));
        self.key = None;
        Poll::Ready(())
    }
}

impl Drop for Notified<'_> {
    fn drop(&mut self) {
        let Some(key) = self.key.take() else { return };
        let mut list = shim::lock(&self.cond.waiters);
        let (_, linked) = list.remove_was_linked(key);
        drop(list);
        if !linked {
            // Notified but never observed: give the wakeup to the next waiter.
            self.cond.notify_waiters(1);
        }
    }
}

/// Armed between the notification and the re-acquired lock: if the wait is
/// dropped in that window, the notification it consumed goes to another
/// waiter.
struct PassOn<'a>(&'a Condition);

impl PassOn<'_> {
    fn disarm(self) {
        std::mem::forget(self);
    }
}

impl Drop for PassOn<'_> {
    fn drop(&mut self) {
        self.0.notify_waiters(1);
    }
}
