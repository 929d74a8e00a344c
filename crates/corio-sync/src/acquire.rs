//! The future of `acquire()` on [`Lock`](crate::Lock),
//! [`Semaphore`](crate::Semaphore), [`BoundedSemaphore`](crate::BoundedSemaphore)
//! and [`Condition`](crate::Condition).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::raw_lock::RawLockAcquire;
use crate::raw_semaphore::RawAcquire;

/// Future of asyncio-style `acquire()`: resolves once one permit (or the lock)
/// is held, without a guard. Release it with the matching `release()`.
///
/// # Cancel safety
///
/// Dropping it before it completes gives up the place in the queue; if the
/// lock or permit had already been handed to it, it is passed on to the next
/// waiter (or made free), so no wakeup is lost.
///
/// # Examples
///
/// ```
/// use corio_sync::Lock;
///
/// # futures_lite::future::block_on(async {
/// let lock = Lock::new();
/// let acquire = lock.acquire();
/// acquire.await;
/// assert!(lock.locked());
/// lock.release()?;
/// # Ok::<(), corio_sync::NotAcquired>(())
/// # }).unwrap();
/// ```
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Acquire<'a> {
    raw: Raw<'a>,
}

/// What is being acquired: a semaphore's permit or a lock.
#[derive(Debug)]
enum Raw<'a> {
    Permit(RawAcquire<'a>),
    Lock(RawLockAcquire<'a>),
}

impl<'a> Acquire<'a> {
    pub(crate) fn new(raw: RawAcquire<'a>) -> Self {
        Acquire {
            raw: Raw::Permit(raw),
        }
    }

    pub(crate) fn lock(raw: RawLockAcquire<'a>) -> Self {
        Acquire {
            raw: Raw::Lock(raw),
        }
    }
}

impl Future for Acquire<'_> {
    type Output = ();

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match &mut self.raw {
            Raw::Permit(raw) => raw.poll(cx),
            Raw::Lock(raw) => raw.poll(cx).map(drop),
        }
    }
}

impl fmt::Debug for Acquire<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Acquire").finish_non_exhaustive()
    }
}
