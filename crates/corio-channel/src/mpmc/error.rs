//! The mpmc channel's error types.

use std::fmt;

use thiserror::Error;

/// The channel is closed: [`send`](super::Sender::send) gives the value back.
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// use corio_channel::mpmc;
///
/// let (tx, rx) = mpmc::unbounded();
/// drop(rx);
/// assert_eq!(tx.send(1).await.unwrap_err().into_inner(), 1);
/// # });
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Error)]
#[error("sending on a closed channel")]
pub struct SendError<T>(pub T);

impl<T> SendError<T> {
    /// Returns the value that was not sent.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::mpmc::SendError;
    ///
    /// assert_eq!(SendError("x").into_inner(), "x");
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

/// Why [`try_send`](super::Sender::try_send) did not send; the value is
/// given back.
///
/// # Examples
///
/// ```
/// use corio_channel::mpmc::{self, TrySendError};
///
/// let (tx, _rx) = mpmc::bounded(1).unwrap();
/// tx.try_send(1).unwrap();
/// let err = tx.try_send(2).unwrap_err();
/// assert!(err.is_full());
/// assert_eq!(err.into_inner(), 2);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Error)]
pub enum TrySendError<T> {
    /// The channel is full.
    #[error("sending on a full channel")]
    Full(T),
    /// The channel is closed.
    #[error("sending on a closed channel")]
    Closed(T),
}

impl<T> TrySendError<T> {
    /// Returns the value that was not sent.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::mpmc::TrySendError;
    ///
    /// assert_eq!(TrySendError::Closed(4).into_inner(), 4);
    /// ```
    pub fn into_inner(self) -> T {
        match self {
            Self::Full(value) | Self::Closed(value) => value,
        }
    }

    /// Whether the channel was full.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::mpmc::TrySendError;
    ///
    /// assert!(TrySendError::Full(()).is_full());
    /// ```
    pub fn is_full(&self) -> bool {
        matches!(self, Self::Full(_))
    }

    /// Whether the channel was closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::mpmc::TrySendError;
    ///
    /// assert!(TrySendError::Closed(()).is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        matches!(self, Self::Closed(_))
    }
}

impl<T> fmt::Debug for TrySendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Full(_) => f.write_str("Full(..)"),
            Self::Closed(_) => f.write_str("Closed(..)"),
        }
    }
}

/// The channel is closed and empty: [`recv`](super::Receiver::recv) has
/// nothing left to return.
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// use corio_channel::mpmc::{self, RecvError};
///
/// let (tx, rx) = mpmc::unbounded::<i32>();
/// drop(tx);
/// assert_eq!(rx.recv().await, Err(RecvError));
/// # });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
#[error("receiving from a closed and empty channel")]
pub struct RecvError;

/// Why [`try_recv`](super::Receiver::try_recv) returned no value.
///
/// # Examples
///
/// ```
/// use corio_channel::mpmc::{self, TryRecvError};
///
/// let (tx, rx) = mpmc::unbounded::<i32>();
/// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
/// drop(tx);
/// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
pub enum TryRecvError {
    /// The channel is empty but open.
    #[error("receiving from an empty channel")]
    Empty,
    /// The channel is closed and empty.
    #[error("receiving from a closed and empty channel")]
    Closed,
}

impl TryRecvError {
    /// Whether the channel was empty but open.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::mpmc::TryRecvError;
    ///
    /// assert!(TryRecvError::Empty.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        matches!(self, Self::Empty)
    }

    /// Whether the channel was closed and empty.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::mpmc::TryRecvError;
    ///
    /// assert!(TryRecvError::Closed.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        matches!(self, Self::Closed)
    }
}
