//! The progress of one acquisition from a FIFO hand-off queue ([`RawLock`]
//! or [`RawSemaphore`]): what every acquire future wraps. The first poll
//! tries the inlined fast path; after that the queue's slow path keeps the
//! waiter's slot in `key`, and dropping an acquisition that still has one
//! cancels it, so that nothing handed to it is lost.
//!
//! [`RawLock`]: crate::raw_lock::RawLock
//! [`RawSemaphore`]: crate::raw_semaphore::RawSemaphore

use std::fmt;
use std::task::{Context, Poll};

/// A FIFO hand-off queue that an [`RawAcquisition`] acquires from.
pub(crate) trait RawQueue {
    /// What one acquisition asks for.
    type Request: Copy + fmt::Debug;
    /// What a completed acquisition holds.
    type Output;
    /// The panic message of a poll after completion.
    const POLLED_AFTER_COMPLETION: &'static str;

    /// The fast path: acquires at once if nobody has to be waited for.
    fn try_now(&self, request: Self::Request) -> Option<Self::Output>;

    /// The slow path: acquires, or queues (or stays queued) in `key`.
    ///
    /// `key` is `None` before the first wait and after completion; while it
    /// is `Some`, the owner must call [`cancel`](Self::cancel) if it gives up.
    fn poll_acquire(
        &self,
        request: Self::Request,
        key: &mut Option<usize>,
        cx: &mut Context<'_>,
    ) -> Poll<Self::Output>;

    /// Abandons the acquisition queued in `key`, passing on whatever was
    /// already handed to it.
    fn cancel(&self, key: usize);
}

/// The progress of one acquisition from `Q`; cancels itself on drop.
#[derive(Debug)]
pub(crate) struct RawAcquisition<'a, Q: RawQueue> {
    queue: &'a Q,
    request: Q::Request,
    /// Queue slot while waiting (see [`RawQueue::poll_acquire`]).
    key: Option<usize>,
    /// What was asked for was handed to the caller of `poll`.
    done: bool,
}

impl<'a, Q: RawQueue> RawAcquisition<'a, Q> {
    #[inline]
    pub(crate) fn new(queue: &'a Q, request: Q::Request) -> Self {
        RawAcquisition {
            queue,
            request,
            key: None,
            done: false,
        }
    }

    /// The queue this acquisition is for.
    pub(crate) fn queue(&self) -> &'a Q {
        self.queue
    }

    /// Polls the acquisition; the fast path (first poll, nobody to wait for)
    /// is inlined.
    #[inline]
    pub(crate) fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Q::Output> {
        if self.key.is_none()
            && !self.done
            && let Some(output) = self.queue.try_now(self.request)
        {
            self.done = true;
            return Poll::Ready(output);
        }
        assert!(!self.done, "{}", Q::POLLED_AFTER_COMPLETION);
        let poll = self.queue.poll_acquire(self.request, &mut self.key, cx);
        self.done = poll.is_ready();
        poll
    }
}

impl<Q: RawQueue> Drop for RawAcquisition<'_, Q> {
    #[inline]
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            self.queue.cancel(key);
        }
    }
}
