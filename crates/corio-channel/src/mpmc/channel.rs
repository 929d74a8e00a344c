//! The state both ends of an mpmc channel share.

use concurrent_queue::{ConcurrentQueue, PopError, PushError};

use super::error::{TryRecvError, TrySendError};
use crate::signal::Signal;
use crate::sync::{AtomicUsize, Ordering};

pub(crate) struct Channel<T> {
    /// The values in flight; closed once the channel is closed.
    pub(super) queue: ConcurrentQueue<T>,
    /// Senders waiting for room: one woken per value received, all on close.
    pub(super) send_ops: Signal,
    /// Receivers waiting for a value: one woken per value sent, all on close.
    pub(super) recv_ops: Signal,
    /// Live `Sender`s; the channel closes when it reaches zero.
    pub(super) sender_count: AtomicUsize,
    /// Live `Receiver`s; the channel closes when it reaches zero.
    pub(super) receiver_count: AtomicUsize,
}

impl<T> Channel<T> {
    pub(super) fn new(queue: ConcurrentQueue<T>) -> Self {
        Self {
            queue,
            send_ops: Signal::new(),
            recv_ops: Signal::new(),
            sender_count: AtomicUsize::new(1),
            receiver_count: AtomicUsize::new(1),
        }
    }

    pub(super) fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        match self.queue.push(value) {
            Ok(()) => {
                self.recv_ops.notify_one();
                Ok(())
            }
            Err(PushError::Full(value)) => Err(TrySendError::Full(value)),
            Err(PushError::Closed(value)) => Err(TrySendError::Closed(value)),
        }
    }

    pub(super) fn try_recv(&self) -> Result<T, TryRecvError> {
        match self.queue.pop() {
            Ok(value) => {
                // Unbounded channels never have senders waiting.
                if self.queue.capacity().is_some() {
                    self.send_ops.notify_one();
                }
                Ok(value)
            }
            Err(PopError::Empty) => Err(TryRecvError::Empty),
            Err(PopError::Closed) => Err(TryRecvError::Closed),
        }
    }

    /// Closes the channel and wakes every waiter; `true` if this call closed
    /// it.
    pub(super) fn close(&self) -> bool {
        if self.queue.close() {
            self.send_ops.notify_all();
            self.recv_ops.notify_all();
            true
        } else {
            false
        }
    }

    pub(super) fn sender_count(&self) -> usize {
        self.sender_count.load(Ordering::Acquire)
    }

    pub(super) fn receiver_count(&self) -> usize {
        self.receiver_count.load(Ordering::Acquire)
    }
}
