//! The receiving half of a broadcast channel.

use std::fmt;
use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::error::{RecvError, TryRecvError};
use super::shared::Shared;
use crate::signal::{Waiter, poll_until};
use crate::sync::{Arc, lock};

/// The receiving half of a [broadcast](super) channel.
///
/// Each receiver reads every value on its own; cloning one gives a receiver
/// at the same position, [`Sender::subscribe`](super::Sender::subscribe) one
/// that starts with the next value sent.
///
/// # Examples
///
/// ```
/// use corio_channel::broadcast;
///
/// let (tx, mut rx) = broadcast::channel(8).unwrap();
/// tx.send(1).unwrap();
/// let mut copy = rx.clone();
/// assert_eq!(rx.try_recv(), Ok(1));
/// assert_eq!(copy.try_recv(), Ok(1));
/// ```
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
    /// The position of the next value this receiver reads.
    next: u64,
}

impl<T> Receiver<T> {
    pub(super) fn new(shared: Arc<Shared<T>>, next: u64) -> Self {
        Self { shared, next }
    }

    /// The number of values sent that this receiver has not read yet (those
    /// already overwritten included).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::broadcast;
    ///
    /// let (tx, rx) = broadcast::channel(8).unwrap();
    /// tx.send(1).unwrap();
    /// tx.send(2).unwrap();
    /// assert_eq!(rx.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        let tail = lock(&self.shared.state).tail();
        usize::try_from(tail.saturating_sub(self.next)).unwrap_or(usize::MAX)
    }

    /// Whether this receiver has read every value sent.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::broadcast;
    ///
    /// let (_tx, rx) = broadcast::channel::<i32>(8).unwrap();
    /// assert!(rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T: Clone> Receiver<T> {
    /// Receives the next value, waiting until one is sent.
    ///
    /// # Errors
    ///
    /// [`RecvError::Lagged`] if values were overwritten before this receiver
    /// read them (the next call returns the oldest one kept);
    /// [`RecvError::Closed`] once every sender is gone and everything was
    /// read.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: the receiver only moves on when a value is returned.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// use corio_channel::broadcast;
    ///
    /// let (tx, mut rx) = broadcast::channel(8).unwrap();
    /// tx.send(5).unwrap();
    /// assert_eq!(rx.recv().await, Ok(5));
    /// # });
    /// ```
    pub fn recv(&mut self) -> Recv<'_, T> {
        Recv {
            shared: &self.shared,
            next: &mut self.next,
            waiter: None,
        }
    }

    /// Receives the next value if there is one, without waiting.
    ///
    /// # Errors
    ///
    /// [`TryRecvError::Empty`] if no new value was sent,
    /// [`TryRecvError::Lagged`] and [`TryRecvError::Closed`] as for
    /// [`recv`](Self::recv).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::broadcast::{self, TryRecvError};
    ///
    /// let (tx, mut rx) = broadcast::channel(2).unwrap();
    /// for i in 0..5 {
    ///     tx.send(i).unwrap();
    /// }
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Lagged(3)));
    /// assert_eq!(rx.try_recv(), Ok(3));
    /// assert_eq!(rx.try_recv(), Ok(4));
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        self.shared.try_recv(&mut self.next)
    }
}

impl<T> Clone for Receiver<T> {
    /// A receiver at the same position: it reads the same values next.
    fn clone(&self) -> Self {
        lock(&self.shared.state).receivers += 1;
        Self::new(self.shared.clone(), self.next)
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let unreachable = {
            let mut state = lock(&self.shared.state);
            state.receivers -= 1;
            if state.receivers == 0 {
                // Nobody can read the kept values any more: a new subscriber
                // starts at the tail. Free them (outside the lock).
                state.head = state.tail();
                mem::take(&mut state.buffer)
            } else {
                Default::default()
            }
        };
        drop(unreachable);
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("broadcast::Receiver")
            .field("unread", &self.len())
            .finish()
    }
}

/// Future of [`Receiver::recv`].
///
/// # Cancel safety
///
/// Cancel safe: the receiver only moves on when a value is returned.
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// use corio_channel::broadcast::{self, Recv};
///
/// let (tx, mut rx) = broadcast::channel(8).unwrap();
/// tx.send(1).unwrap();
/// let recv: Recv<'_, i32> = rx.recv();
/// assert_eq!(recv.await, Ok(1));
/// # });
/// ```
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Recv<'a, T> {
    shared: &'a Shared<T>,
    next: &'a mut u64,
    waiter: Option<Waiter<'a>>,
}

impl<T: Clone> Future for Recv<'_, T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let shared = this.shared;
        let next = &mut *this.next;
        poll_until(
            &mut this.waiter,
            cx,
            || shared.recv_ops.listen(),
            || match shared.try_recv(next) {
                Ok(value) => Some(Ok(value)),
                Err(TryRecvError::Lagged(missed)) => Some(Err(RecvError::Lagged(missed))),
                Err(TryRecvError::Closed) => Some(Err(RecvError::Closed)),
                Err(TryRecvError::Empty) => None,
            },
        )
    }
}

impl<T> fmt::Debug for Recv<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("broadcast::Recv")
            .field("waiting", &self.waiter.is_some())
            .finish()
    }
}
