//! The sending half of an mpmc channel.

use std::fmt;

use super::channel::{Channel, End, Senders};
use super::error::TrySendError;
use super::future::Send;
use super::handle::handle_methods;
use crate::sync::Arc;

/// The sending half of an [mpmc](super) channel; clone it for more
/// producers.
///
/// The channel closes when the last `Sender` is dropped (receivers then drain
/// what is left), or when the last [`Receiver`](super::Receiver) is dropped
/// (sends then give their value back).
///
/// # Examples
///
/// ```
/// use corio_channel::mpmc;
///
/// let (tx, rx) = mpmc::unbounded();
/// let tx2 = tx.clone();
/// tx.try_send("a").unwrap();
/// tx2.try_send("b").unwrap();
/// assert_eq!(rx.len(), 2);
/// ```
pub struct Sender<T> {
    end: End<T, Senders>,
}

impl<T> Sender<T> {
    pub(super) fn new(channel: Arc<Channel<T>>) -> Self {
        Self {
            end: End::new(channel),
        }
    }

    /// Sends a value, waiting while the channel is full.
    ///
    /// # Errors
    ///
    /// [`SendError`](super::SendError), which gives the value back, if the
    /// channel is closed before or while waiting.
    ///
    /// # Cancel safety
    ///
    /// If the future is dropped before it completes, the value was not sent
    /// (it is dropped with the future).
    ///
    /// # Examples
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// use corio_channel::mpmc;
    ///
    /// let (tx, rx) = mpmc::bounded(1).unwrap();
    /// tx.send(1).await.unwrap();
    /// assert_eq!(rx.recv().await, Ok(1));
    /// # });
    /// ```
    pub fn send(&self, value: T) -> Send<'_, T> {
        Send::new(&self.end, value)
    }

    /// Sends a value if there is room, without waiting.
    ///
    /// # Errors
    ///
    /// [`TrySendError::Full`] or [`TrySendError::Closed`]; both give the
    /// value back.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::mpmc;
    ///
    /// let (tx, rx) = mpmc::bounded(1).unwrap();
    /// tx.try_send(1).unwrap();
    /// drop(rx);
    /// assert!(tx.try_send(2).unwrap_err().is_closed());
    /// ```
    pub fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        self.end.try_send(value)
    }

    /// Closes the channel: sends fail from now on, receivers drain what is
    /// left. Returns `true` if this call closed it.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::mpmc;
    ///
    /// let (tx, rx) = mpmc::unbounded();
    /// tx.try_send(1).unwrap();
    /// assert!(tx.close());
    /// assert!(!tx.close());
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// assert!(rx.try_recv().unwrap_err().is_closed());
    /// ```
    pub fn close(&self) -> bool {
        self.end.close()
    }
}

handle_methods!(Sender, "sender", "tx");
