//! The crate's errors: [`SignalError`] for signal handling, [`ProcessError`] for children.

use std::io;

use crate::Signal;

/// Why a signal could not be handled (asyncio raises `RuntimeError` / `ValueError` here).
///
/// # Examples
///
/// ```
/// use corio_process::{Signal, SignalError};
///
/// assert!(matches!(Signal::from_raw(0), Err(SignalError::Invalid(0))));
/// assert!(matches!(corio_process::signals([Signal::KILL]), Err(SignalError::Forbidden(_))));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignalError {
    /// Not a signal number of this system.
    #[error("invalid signal number: {0}")]
    Invalid(i32),
    /// A signal that cannot be handled: SIGKILL and SIGSTOP (the kernel does not let them be
    /// caught), and SIGILL, SIGFPE, SIGSEGV (a handler that returns would run the faulting
    /// instruction again).
    #[error("signal {0} cannot be caught")]
    Forbidden(Signal),
    /// The loop was closed.
    #[error("event loop is closed")]
    Closed,
    /// The OS refused (creating the pipe, installing the handler).
    #[error("i/o error: {0}")]
    Io(#[from] io::Error),
}

/// Why an operation on a child process failed.
///
/// # Examples
///
/// ```
/// use corio_process::ProcessError;
///
/// let err = ProcessError::NotPiped("stdin");
/// assert_eq!(err.to_string(), "the child's stdin is not a pipe");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProcessError {
    /// The child was reaped already: its pid may belong to another process now, so no signal
    /// is sent (asyncio's `ProcessLookupError`).
    #[error("the process has already exited")]
    Exited,
    /// The stream was not set to [`Stdio::piped`](crate::Stdio::piped), or was taken.
    #[error("the child's {0} is not a pipe")]
    NotPiped(&'static str),
    /// Not a signal number of this system.
    #[error("invalid signal number: {0}")]
    InvalidSignal(i32),
    /// No running event loop to watch the child with.
    #[error("no running event loop")]
    NoRunningLoop,
    /// The OS error (spawning, reading, writing, waiting, signalling).
    #[error("i/o error: {0}")]
    Io(#[from] io::Error),
}

impl From<ProcessError> for io::Error {
    fn from(err: ProcessError) -> io::Error {
        match err {
            ProcessError::Io(e) => e,
            other => io::Error::other(other),
        }
    }
}
