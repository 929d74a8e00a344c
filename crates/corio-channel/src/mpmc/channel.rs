//! The state both ends of an mpmc channel share.

use std::marker::PhantomData;
use std::ops::Deref;

use concurrent_queue::{ConcurrentQueue, PopError, PushError};

use super::error::{TryRecvError, TrySendError};
use crate::signal::Signal;
use crate::sync::{Arc, AtomicUsize, Ordering};

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

    pub(super) fn is_closed(&self) -> bool {
        self.queue.is_closed()
    }

    pub(super) fn len(&self) -> usize {
        self.queue.len()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    pub(super) fn is_full(&self) -> bool {
        self.queue.is_full()
    }

    pub(super) fn capacity(&self) -> Option<usize> {
        self.queue.capacity()
    }

    pub(super) fn sender_count(&self) -> usize {
        self.sender_count.load(Ordering::Acquire)
    }

    pub(super) fn receiver_count(&self) -> usize {
        self.receiver_count.load(Ordering::Acquire)
    }
}

/// Which live-handle count an [`End`] is part of.
pub(super) trait Side {
    /// This side's count of live handles in `channel`.
    fn count<T>(channel: &Channel<T>) -> &AtomicUsize;
}

/// The sending side: [`Sender`](super::Sender)s.
#[derive(Debug)]
pub(super) enum Senders {}

impl Side for Senders {
    fn count<T>(channel: &Channel<T>) -> &AtomicUsize {
        &channel.sender_count
    }
}

/// The receiving side: [`Receiver`](super::Receiver)s.
#[derive(Debug)]
pub(super) enum Receivers {}

impl Side for Receivers {
    fn count<T>(channel: &Channel<T>) -> &AtomicUsize {
        &channel.receiver_count
    }
}

/// One live handle on a channel, what `Sender` and `Receiver` both are
/// underneath: counted in its side's count, so that a clone counts one more
/// and dropping the last handle of a side closes the channel.
pub(super) struct End<T, S: Side> {
    channel: Arc<Channel<T>>,
    side: PhantomData<S>,
}

impl<T, S: Side> End<T, S> {
    /// Takes over one count of `channel`'s side `S` (the first handle of a
    /// side is counted when the channel is made).
    pub(super) fn new(channel: Arc<Channel<T>>) -> Self {
        Self {
            channel,
            side: PhantomData,
        }
    }
}

impl<T, S: Side> Deref for End<T, S> {
    type Target = Channel<T>;

    fn deref(&self) -> &Channel<T> {
        &self.channel
    }
}

impl<T, S: Side> Clone for End<T, S> {
    fn clone(&self) -> Self {
        S::count(&self.channel).fetch_add(1, Ordering::Relaxed);
        Self::new(self.channel.clone())
    }
}

impl<T, S: Side> Drop for End<T, S> {
    fn drop(&mut self) {
        if S::count(&self.channel).fetch_sub(1, Ordering::AcqRel) == 1 {
            self.channel.close();
        }
    }
}
