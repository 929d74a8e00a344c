use std::error::Error;
use std::fmt;
use std::sync::Arc;

use corio_executor::TaskError;

/// Misuse of an event loop, and the failures of what it runs.
///
/// # Examples
///
/// ```
/// use corio_runtime::{EventLoop, LoopError};
///
/// let lp = EventLoop::new()?;
/// lp.close()?;
/// assert!(matches!(lp.call_soon(|| {}), Err(LoopError::Closed)));
/// # Ok::<(), LoopError>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoopError {
    /// The loop was closed; nothing can be scheduled or run on it.
    #[error("event loop is closed")]
    Closed,
    /// The loop (or another loop on this thread) is already running.
    #[error("this event loop is already running")]
    AlreadyRunning,
    /// `close()` was called while the loop was running.
    #[error("cannot close a running event loop")]
    CloseWhileRunning,
    /// `run_until_complete` returned because the loop was stopped first.
    #[error("event loop stopped before future completed")]
    StoppedBeforeComplete,
    /// The run was interrupted by Ctrl+C: Python's `KeyboardInterrupt`. [`run`](crate::run)
    /// returns it when the first SIGINT cancelled the main task;
    /// [`run_forever`](crate::EventLoop::run_forever) and
    /// [`run_until_complete`](crate::EventLoop::run_until_complete) return it after
    /// [`EventLoop::interrupt`](crate::EventLoop::interrupt) (what corio-process's SIGINT
    /// handling calls). To end the program as CPython ends on it, call
    /// [`reraise_sigint`](crate::reraise_sigint) after cleaning up.
    #[error("KeyboardInterrupt")]
    Interrupted,
    /// A call that needs a running loop was made outside one.
    #[error("no running event loop")]
    NoRunningLoop,
    /// A delay or time that is not a number.
    #[error("invalid delay or time: {0}")]
    InvalidTime(f64),
    /// The future given to `run_until_complete` / `run` failed: cancelled or panicked.
    #[error(transparent)]
    Task(#[from] TaskError),
    /// An executor refused a job given to `run_in_executor` / `to_thread`: it was shut down
    /// (also the default one, after `shutdown_default_executor`), or it is broken.
    #[error(transparent)]
    Executor(#[from] corio_blocking::SubmitError),
    /// The reactor could not be created or polled.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

impl LoopError {
    /// Whether the run's future was cancelled.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_runtime::{LoopError, TaskError};
    /// assert!(LoopError::Task(TaskError::Cancelled).is_cancelled());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        matches!(self, LoopError::Task(TaskError::Cancelled))
    }
}

impl LoopError {
    /// Whether the run was interrupted by Ctrl+C (Python's `KeyboardInterrupt`).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(corio_runtime::LoopError::Interrupted.is_interrupted());
    /// ```
    pub fn is_interrupted(&self) -> bool {
        matches!(self, LoopError::Interrupted)
    }
}

/// The failures of a [`SettableFuture`](crate::SettableFuture).
///
/// # Examples
///
/// ```
/// use corio_runtime::{FutureError, SettableFuture};
///
/// let fut = SettableFuture::<i32>::new();
/// assert!(matches!(fut.result(), Err(FutureError::NotDone)));
/// fut.set_result(1).unwrap();
/// assert!(matches!(fut.set_result(2), Err(FutureError::AlreadyDone)));
/// ```
#[derive(Clone, thiserror::Error)]
#[non_exhaustive]
pub enum FutureError {
    /// `result()` on a future that has no result yet (asyncio's
    /// `InvalidStateError: Result is not set.`).
    #[error("result is not set")]
    NotDone,
    /// A second `set_result` / `set_error` (asyncio's `InvalidStateError`).
    #[error("invalid state: the future is already done")]
    AlreadyDone,
    /// The future was cancelled (asyncio's `CancelledError`).
    #[error("future was cancelled")]
    Cancelled,
    /// The future was given an error with `set_error`.
    #[error("{0}")]
    Failed(Arc<dyn Error + Send + Sync>),
}

impl fmt::Debug for FutureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FutureError::NotDone => f.write_str("NotDone"),
            FutureError::AlreadyDone => f.write_str("AlreadyDone"),
            FutureError::Cancelled => f.write_str("Cancelled"),
            FutureError::Failed(e) => f.debug_tuple("Failed").field(e).finish(),
        }
    }
}
