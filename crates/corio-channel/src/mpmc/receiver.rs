//! The receiving half of an mpmc channel.

use std::fmt;

use super::channel::{Channel, End, Receivers};
use super::error::TryRecvError;
use super::future::Recv;
use super::handle::handle_methods;
use crate::sync::Arc;

/// The receiving half of an [mpmc](super) channel; clone it for more
/// consumers (each value goes to one of them).
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// use corio_channel::mpmc;
///
/// let (tx, rx) = mpmc::unbounded();
/// let rx2 = rx.clone();
/// tx.try_send(1).unwrap();
/// tx.try_send(2).unwrap();
/// assert_eq!(rx.recv().await, Ok(1));
/// assert_eq!(rx2.recv().await, Ok(2));
/// # });
/// ```
pub struct Receiver<T> {
    end: End<T, Receivers>,
}

impl<T> Receiver<T> {
    pub(super) fn new(channel: Arc<Channel<T>>) -> Self {
        Self {
            end: End::new(channel),
        }
    }

    /// Receives a value, waiting while the channel is empty.
    ///
    /// # Errors
    ///
    /// [`RecvError`](super::RecvError) once the channel is closed and empty.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future never loses a value.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// use corio_channel::mpmc;
    ///
    /// let (tx, rx) = mpmc::unbounded();
    /// tx.try_send("hi").unwrap();
    /// drop(tx);
    /// assert_eq!(rx.recv().await, Ok("hi")); // drained before closing
    /// assert!(rx.recv().await.is_err());
    /// # });
    /// ```
    pub fn recv(&self) -> Recv<'_, T> {
        Recv::new(&self.end)
    }

    /// Receives a value if there is one, without waiting.
    ///
    /// # Errors
    ///
    /// [`TryRecvError::Empty`] if the channel is empty,
    /// [`TryRecvError::Closed`] if it is also closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::mpmc;
    ///
    /// let (tx, rx) = mpmc::unbounded();
    /// assert!(rx.try_recv().unwrap_err().is_empty());
    /// tx.try_send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn try_recv(&self) -> Result<T, TryRecvError> {
        self.end.try_recv()
    }

    /// Closes the channel: sends fail from now on and give their value back;
    /// the values already in the channel can still be received. Returns
    /// `true` if this call closed it.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::mpmc;
    ///
    /// let (tx, rx) = mpmc::unbounded();
    /// tx.try_send(1).unwrap();
    /// rx.close();
    /// assert_eq!(tx.try_send(2).unwrap_err().into_inner(), 2);
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn close(&self) -> bool {
        self.end.close()
    }
}

handle_methods!(Receiver, "receiver", "rx");
