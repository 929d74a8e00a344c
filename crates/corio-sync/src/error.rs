//! Error types, one small type per failing operation.

use thiserror::Error;

/// [`Lock::release`](crate::Lock::release) (or
/// [`Condition::release`](crate::Condition::release)) was called on a lock
/// that is not acquired.
///
/// asyncio raises `RuntimeError("Lock is not acquired.")` in this case.
///
/// # Examples
///
/// ```
/// use corio_sync::{Lock, NotAcquired};
///
/// let lock = Lock::new();
/// assert_eq!(lock.release(), Err(NotAcquired));
/// assert_eq!(NotAcquired.to_string(), "lock is not acquired");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("lock is not acquired")]
pub struct NotAcquired;

/// [`BoundedSemaphore::release`](crate::BoundedSemaphore::release) would
/// raise the value above its initial value.
///
/// The message is asyncio's own (`ValueError`), so ported programs print the
/// same text.
///
/// # Examples
///
/// ```
/// use corio_sync::{BoundedSemaphore, ReleasedTooManyTimes};
///
/// let sem = BoundedSemaphore::new(1);
/// assert_eq!(sem.release(), Err(ReleasedTooManyTimes));
/// assert_eq!(
///     ReleasedTooManyTimes.to_string(),
///     "BoundedSemaphore released too many times"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("BoundedSemaphore released too many times")]
pub struct ReleasedTooManyTimes;

/// A [`Condition`](crate::Condition) operation that needs its lock was called
/// while the lock is not acquired.
///
/// asyncio raises `RuntimeError` with the same messages.
///
/// # Examples
///
/// ```
/// use corio_sync::{Condition, ConditionError};
///
/// let cond = Condition::new();
/// assert_eq!(cond.notify(1), Err(ConditionError::NotifyUnacquired));
/// assert_eq!(
///     ConditionError::NotifyUnacquired.to_string(),
///     "cannot notify on un-acquired lock"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum ConditionError {
    /// [`Condition::wait`](crate::Condition::wait) or
    /// [`Condition::wait_for`](crate::Condition::wait_for) without the lock.
    #[error("cannot wait on un-acquired lock")]
    WaitUnacquired,
    /// [`Condition::wait`](crate::Condition::wait) or
    /// [`Condition::wait_for`](crate::Condition::wait_for) while a
    /// [`ConditionGuard`](crate::ConditionGuard) holds the lock: the wait
    /// would end the guard's holding behind its back. Wait through the
    /// guard instead ([`ConditionGuard::wait`](crate::ConditionGuard::wait)).
    #[error("cannot wait on a lock held by a guard: wait through the guard")]
    WaitGuarded,
    /// [`Condition::notify`](crate::Condition::notify) or
    /// [`Condition::notify_all`](crate::Condition::notify_all) without the lock.
    #[error("cannot notify on un-acquired lock")]
    NotifyUnacquired,
}

/// [`Barrier::new`](crate::Barrier::new) was given zero parties.
///
/// # Examples
///
/// ```
/// use corio_sync::{Barrier, InvalidParties};
///
/// assert_eq!(Barrier::new(0).unwrap_err(), InvalidParties);
/// assert_eq!(InvalidParties.to_string(), "parties must be > 0");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("parties must be > 0")]
pub struct InvalidParties;

/// A [`Barrier`](crate::Barrier) wait failed because the barrier was aborted,
/// reset while the task waited, or is broken.
///
/// asyncio raises `BrokenBarrierError` in these cases.
///
/// # Examples
///
/// ```
/// use corio_sync::{Barrier, BrokenBarrier};
///
/// # futures_lite::future::block_on(async {
/// let barrier = Barrier::new(2)?;
/// barrier.abort();
/// assert_eq!(barrier.wait().await, Err(BrokenBarrier));
/// assert_eq!(BrokenBarrier.to_string(), "barrier is broken");
/// # Ok::<(), corio_sync::InvalidParties>(())
/// # }).unwrap();
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("barrier is broken")]
pub struct BrokenBarrier;
