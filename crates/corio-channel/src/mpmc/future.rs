//! The named futures of the mpmc channel.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::channel::Channel;
use super::error::{RecvError, SendError, TryRecvError, TrySendError};
use crate::signal::{Waiter, poll_until};

/// Future of [`Sender::send`](super::Sender::send).
///
/// # Cancel safety
///
/// If dropped before it completes, the value was not sent (it is dropped
/// with the future); a wakeup it had received passes to the next waiting
/// sender.
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// use corio_channel::mpmc::{self, Send};
///
/// let (tx, rx) = mpmc::unbounded();
/// let send: Send<'_, i32> = tx.send(1);
/// send.await.unwrap();
/// assert_eq!(rx.recv().await, Ok(1));
/// # });
/// ```
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Send<'a, T> {
    channel: &'a Channel<T>,
    /// `None` once the value is sent or given back.
    value: Option<T>,
    waiter: Option<Waiter<'a>>,
}

impl<'a, T> Send<'a, T> {
    pub(super) fn new(channel: &'a Channel<T>, value: T) -> Self {
        Self {
            channel,
            value: Some(value),
            waiter: None,
        }
    }
}

// The value is only ever moved, never pinned.
impl<T> Unpin for Send<'_, T> {}

impl<T> Future for Send<'_, T> {
    type Output = Result<(), SendError<T>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let channel = this.channel;
        let slot = &mut this.value;
        poll_until(
            &mut this.waiter,
            cx,
            || channel.send_ops.listen(),
            || {
                // Polled again after completing: nothing left to do.
                let Some(value) = slot.take() else {
                    return Some(Ok(()));
                };
                match channel.try_send(value) {
                    Ok(()) => Some(Ok(())),
                    Err(TrySendError::Closed(value)) => Some(Err(SendError(value))),
                    Err(TrySendError::Full(value)) => {
                        *slot = Some(value);
                        None
                    }
                }
            },
        )
    }
}

impl<T> fmt::Debug for Send<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Send")
            .field("done", &self.value.is_none())
            .field("waiting", &self.waiter.is_some())
            .finish()
    }
}

/// Future of [`Receiver::recv`](super::Receiver::recv).
///
/// # Cancel safety
///
/// Cancel safe: a `Recv` never holds a value, and a wakeup it had received
/// when dropped passes to the next waiting receiver.
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// use corio_channel::mpmc::{self, Recv};
///
/// let (tx, rx) = mpmc::unbounded();
/// tx.try_send(2).unwrap();
/// let recv: Recv<'_, i32> = rx.recv();
/// assert_eq!(recv.await, Ok(2));
/// # });
/// ```
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Recv<'a, T> {
    channel: &'a Channel<T>,
    waiter: Option<Waiter<'a>>,
}

impl<'a, T> Recv<'a, T> {
    pub(super) fn new(channel: &'a Channel<T>) -> Self {
        Self {
            channel,
            waiter: None,
        }
    }
}

impl<T> Future for Recv<'_, T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let channel = this.channel;
        poll_until(
            &mut this.waiter,
            cx,
            || channel.recv_ops.listen(),
            || match channel.try_recv() {
                Ok(value) => Some(Ok(value)),
                Err(TryRecvError::Closed) => Some(Err(RecvError)),
                Err(TryRecvError::Empty) => None,
            },
        )
    }
}

impl<T> fmt::Debug for Recv<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recv")
            .field("waiting", &self.waiter.is_some())
            .finish()
    }
}
