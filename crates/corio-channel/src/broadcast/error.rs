//! The broadcast channel's error types.

use std::fmt;

use thiserror::Error;

/// No receiver exists: [`send`](super::Sender::send) gives the value back.
///
/// # Examples
///
/// ```
/// use corio_channel::broadcast;
///
/// let (tx, rx) = broadcast::channel(4).unwrap();
/// drop(rx);
/// assert_eq!(tx.send(1).unwrap_err().into_inner(), 1);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Error)]
#[error("sending on a channel with no receiver")]
pub struct SendError<T>(pub T);

impl<T> SendError<T> {
    /// Returns the value that was not sent.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::broadcast::SendError;
    ///
    /// assert_eq!(SendError('x').into_inner(), 'x');
    /// ```
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SendError(..)")
    }
}

/// Why [`recv`](super::Receiver::recv) returned no value.
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// use corio_channel::broadcast::{self, RecvError};
///
/// let (tx, mut rx) = broadcast::channel(1).unwrap();
/// tx.send(1).unwrap();
/// tx.send(2).unwrap(); // overwrites 1: `rx` missed it
/// assert_eq!(rx.recv().await, Err(RecvError::Lagged(1)));
/// assert_eq!(rx.recv().await, Ok(2));
/// drop(tx);
/// assert_eq!(rx.recv().await, Err(RecvError::Closed));
/// # });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
pub enum RecvError {
    /// The receiver fell behind: this many values were overwritten before it
    /// read them. The next receive returns the oldest value still kept.
    #[error("receiver lagged behind and missed {0} values")]
    Lagged(u64),
    /// Every sender is gone and the receiver has read everything.
    #[error("receiving from a closed and empty channel")]
    Closed,
}

/// Why [`try_recv`](super::Receiver::try_recv) returned no value.
///
/// # Examples
///
/// ```
/// use corio_channel::broadcast::{self, TryRecvError};
///
/// let (tx, mut rx) = broadcast::channel::<i32>(4).unwrap();
/// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
/// drop(tx);
/// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
pub enum TryRecvError {
    /// No new value yet.
    #[error("receiving from an empty channel")]
    Empty,
    /// The receiver fell behind: this many values were overwritten before it
    /// read them. The next receive returns the oldest value still kept.
    #[error("receiver lagged behind and missed {0} values")]
    Lagged(u64),
    /// Every sender is gone and the receiver has read everything.
    #[error("receiving from a closed and empty channel")]
    Closed,
}
