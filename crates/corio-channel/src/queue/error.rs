//! The queues' error types: one small type per operation.

use std::fmt;

use thiserror::Error;

/// The queue was shut down: returned by [`get`](crate::Queue::get) once a
/// shut-down queue is empty (asyncio's `QueueShutDown`).
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// use corio_channel::{Queue, queue::ShutDown};
///
/// let q = Queue::<i32>::new(0);
/// q.shutdown(false);
/// assert_eq!(q.get().await, Err(ShutDown));
/// # });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
#[error("queue is shut down")]
pub struct ShutDown;

/// The queue was shut down before [`put`](crate::Queue::put) could add the
/// item; the item is given back.
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// use corio_channel::Queue;
///
/// let q = Queue::new(0);
/// q.shutdown(false);
/// let err = q.put("late").await.unwrap_err();
/// assert_eq!(err.into_inner(), "late");
/// # });
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Error)]
#[error("queue is shut down")]
pub struct PutError<T>(pub T);

impl<T> PutError<T> {
    /// Returns the item that was not put.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::queue::PutError;
    ///
    /// assert_eq!(PutError(7).into_inner(), 7);
    /// ```
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for PutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PutError(..)")
    }
}

impl<T> From<PutError<T>> for ShutDown {
    fn from(_: PutError<T>) -> Self {
        ShutDown
    }
}

/// Why [`put_nowait`](crate::Queue::put_nowait) did not add the item; the
/// item is given back.
///
/// # Examples
///
/// ```
/// use corio_channel::{Queue, queue::PutNowaitError};
///
/// let q = Queue::new(1);
/// q.put_nowait(1).unwrap();
/// let err = q.put_nowait(2).unwrap_err();
/// assert!(err.is_full());
/// assert_eq!(err.into_inner(), 2);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Error)]
pub enum PutNowaitError<T> {
    /// The queue holds `maxsize` items (asyncio's `QueueFull`).
    #[error("queue is full")]
    Full(T),
    /// The queue was shut down (asyncio's `QueueShutDown`).
    #[error("queue is shut down")]
    ShutDown(T),
}

impl<T> PutNowaitError<T> {
    /// Returns the item that was not put.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::queue::PutNowaitError;
    ///
    /// assert_eq!(PutNowaitError::Full(3).into_inner(), 3);
    /// ```
    pub fn into_inner(self) -> T {
        match self {
            Self::Full(value) | Self::ShutDown(value) => value,
        }
    }

    /// Whether the queue was full.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::queue::PutNowaitError;
    ///
    /// assert!(PutNowaitError::Full(()).is_full());
    /// ```
    pub fn is_full(&self) -> bool {
        matches!(self, Self::Full(_))
    }

    /// Whether the queue was shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::queue::PutNowaitError;
    ///
    /// assert!(PutNowaitError::ShutDown(()).is_shut_down());
    /// ```
    pub fn is_shut_down(&self) -> bool {
        matches!(self, Self::ShutDown(_))
    }
}

impl<T> fmt::Debug for PutNowaitError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Full(_) => f.write_str("Full(..)"),
            Self::ShutDown(_) => f.write_str("ShutDown(..)"),
        }
    }
}

/// Why [`get_nowait`](crate::Queue::get_nowait) returned no item.
///
/// # Examples
///
/// ```
/// use corio_channel::{Queue, queue::GetNowaitError};
///
/// let q = Queue::<i32>::new(0);
/// assert_eq!(q.get_nowait(), Err(GetNowaitError::Empty));
/// q.shutdown(false);
/// assert_eq!(q.get_nowait(), Err(GetNowaitError::ShutDown));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
pub enum GetNowaitError {
    /// The queue is empty (asyncio's `QueueEmpty`).
    #[error("queue is empty")]
    Empty,
    /// The queue is shut down and empty (asyncio's `QueueShutDown`).
    #[error("queue is shut down")]
    ShutDown,
}

impl GetNowaitError {
    /// Whether the queue was empty but still open.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::queue::GetNowaitError;
    ///
    /// assert!(GetNowaitError::Empty.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        matches!(self, Self::Empty)
    }

    /// Whether the queue was shut down (and is empty).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::queue::GetNowaitError;
    ///
    /// assert!(GetNowaitError::ShutDown.is_shut_down());
    /// ```
    pub fn is_shut_down(&self) -> bool {
        matches!(self, Self::ShutDown)
    }
}

impl From<ShutDown> for GetNowaitError {
    fn from(_: ShutDown) -> Self {
        Self::ShutDown
    }
}

/// [`task_done`](crate::Queue::task_done) was called more times than items
/// were put (asyncio raises `ValueError` with the same message).
///
/// # Examples
///
/// ```
/// use corio_channel::{Queue, queue::TaskDoneError};
///
/// let q = Queue::<i32>::new(0);
/// assert_eq!(q.task_done(), Err(TaskDoneError));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
#[error("task_done() called too many times")]
pub struct TaskDoneError;
