//! The sending half of an mpmc channel.

use std::fmt;

use super::channel::{Channel, End, Senders};
use super::error::TrySendError;
use super::future::Send;
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

    /// Whether the channel is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::mpmc;
    ///
    /// let (tx, rx) = mpmc::unbounded::<i32>();
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.end.is_closed()
    }

    /// The number of values in the channel.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::mpmc;
    ///
    /// let (tx, _rx) = mpmc::unbounded();
    /// tx.try_send(()).unwrap();
    /// assert_eq!(tx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.end.len()
    }

    /// Whether the channel holds no value.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::mpmc;
    ///
    /// let (tx, _rx) = mpmc::unbounded::<i32>();
    /// assert!(tx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.end.is_empty()
    }

    /// Whether the channel is full (never, if unbounded).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::mpmc;
    ///
    /// let (tx, _rx) = mpmc::bounded(1).unwrap();
    /// tx.try_send(()).unwrap();
    /// assert!(tx.is_full());
    /// ```
    pub fn is_full(&self) -> bool {
        self.end.is_full()
    }

    /// The channel's capacity; `None` if unbounded.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::mpmc;
    ///
    /// let (tx, _rx) = mpmc::bounded::<i32>(8).unwrap();
    /// assert_eq!(tx.capacity(), Some(8));
    /// ```
    pub fn capacity(&self) -> Option<usize> {
        self.end.capacity()
    }

    /// The number of live receivers.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::mpmc;
    ///
    /// let (tx, rx) = mpmc::unbounded::<i32>();
    /// let rx2 = rx.clone();
    /// assert_eq!(tx.receiver_count(), 2);
    /// # drop(rx2);
    /// ```
    pub fn receiver_count(&self) -> usize {
        self.end.receiver_count()
    }

    /// The number of live senders, this one included.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::mpmc;
    ///
    /// let (tx, _rx) = mpmc::unbounded::<i32>();
    /// assert_eq!(tx.sender_count(), 1);
    /// ```
    pub fn sender_count(&self) -> usize {
        self.end.sender_count()
    }
}

impl<T> Clone for Sender<T> {
    /// Another sender on the same channel.
    fn clone(&self) -> Self {
        Self {
            end: self.end.clone(),
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.end.fmt(f)
    }
}
