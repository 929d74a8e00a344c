//! The receiving half of an mpmc channel.

use std::fmt;

use super::channel::{Channel, End, Receivers};
use super::error::TryRecvError;
use super::future::Recv;
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

    /// Whether the channel is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::mpmc;
    ///
    /// let (tx, rx) = mpmc::unbounded::<i32>();
    /// drop(tx);
    /// assert!(rx.is_closed());
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
    /// let (tx, rx) = mpmc::unbounded();
    /// tx.try_send(()).unwrap();
    /// assert_eq!(rx.len(), 1);
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
    /// let (_tx, rx) = mpmc::unbounded::<i32>();
    /// assert!(rx.is_empty());
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
    /// let (tx, rx) = mpmc::bounded(1).unwrap();
    /// tx.try_send(()).unwrap();
    /// assert!(rx.is_full());
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
    /// let (_tx, rx) = mpmc::unbounded::<i32>();
    /// assert_eq!(rx.capacity(), None);
    /// ```
    pub fn capacity(&self) -> Option<usize> {
        self.end.capacity()
    }

    /// The number of live senders.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::mpmc;
    ///
    /// let (tx, rx) = mpmc::unbounded::<i32>();
    /// assert_eq!(rx.sender_count(), 1);
    /// drop(tx);
    /// assert_eq!(rx.sender_count(), 0);
    /// ```
    pub fn sender_count(&self) -> usize {
        self.end.sender_count()
    }

    /// The number of live receivers, this one included.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::mpmc;
    ///
    /// let (_tx, rx) = mpmc::unbounded::<i32>();
    /// assert_eq!(rx.receiver_count(), 1);
    /// ```
    pub fn receiver_count(&self) -> usize {
        self.end.receiver_count()
    }
}

impl<T> Clone for Receiver<T> {
    /// Another receiver on the same channel.
    fn clone(&self) -> Self {
        Self {
            end: self.end.clone(),
        }
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.end.fmt(f)
    }
}
