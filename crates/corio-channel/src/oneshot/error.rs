//! The oneshot channel's error types.

use std::fmt;

use thiserror::Error;

/// The receiver is gone: [`send`](super::Sender::send) gives the value back.
///
/// # Examples
///
/// ```
/// use corio_channel::oneshot;
///
/// let (tx, rx) = oneshot::channel();
/// drop(rx);
/// let err = tx.send("v").unwrap_err();
/// assert_eq!(err.to_string(), "sending on a closed channel");
/// assert_eq!(err.into_inner(), "v");
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
    /// use corio_channel::oneshot::SendError;
    ///
    /// assert_eq!(SendError(1).into_inner(), 1);
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

/// The sender was dropped without sending (or the value was already taken).
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// use corio_channel::oneshot::{self, RecvError};
///
/// let (tx, rx) = oneshot::channel::<i32>();
/// drop(tx);
/// assert_eq!(rx.await, Err(RecvError));
/// # });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
#[error("the sender was dropped without sending")]
pub struct RecvError;

/// Why [`try_recv`](super::Receiver::try_recv) returned no value.
///
/// # Examples
///
/// ```
/// use corio_channel::oneshot::{self, TryRecvError};
///
/// let (tx, mut rx) = oneshot::channel::<i32>();
/// assert!(rx.try_recv().unwrap_err().is_empty());
/// drop(tx);
/// assert!(rx.try_recv().unwrap_err().is_closed());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
pub enum TryRecvError {
    /// Nothing was sent yet.
    #[error("no value was sent yet")]
    Empty,
    /// Nothing will come.
    #[error("the sender was dropped without sending")]
    Closed,
}

impl TryRecvError {
    /// Whether nothing was sent yet.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::oneshot::TryRecvError;
    ///
    /// assert!(TryRecvError::Empty.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        matches!(self, Self::Empty)
    }

    /// Whether nothing will come.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::oneshot::TryRecvError;
    ///
    /// assert!(TryRecvError::Closed.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        matches!(self, Self::Closed)
    }
}
