//! Error types: how a job or a future ended ([`FutureError`], [`Panic`]) and why a pool
//! refused a job ([`SubmitError`]).

use std::any::Any;
use std::error::Error;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use thiserror::Error;

/// How a [`ConcurrentFuture`](crate::ConcurrentFuture), an [`Unblock`](crate::Unblock) or a
/// process job ended without a value, or why waiting for it stopped.
///
/// Cloneable, so that every handle of a shared future can report the same failure.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use corio_blocking::{ConcurrentFuture, FutureError};
///
/// let fut = ConcurrentFuture::<u8>::new();
/// let err = fut.result(Duration::from_millis(1)).unwrap_err();
/// assert!(matches!(err, FutureError::Timeout));
/// assert_eq!(err.to_string(), "timed out waiting for the future");
/// ```
#[derive(Clone, Error)]
#[non_exhaustive]
pub enum FutureError {
    /// The future was cancelled, or its job was dropped before it ran (a pool shut down
    /// with `cancel_futures`, a dropped [`Unblock`](crate::Unblock) whose job had not
    /// started). Python's `CancelledError`.
    #[error("future was cancelled")]
    Cancelled,
    /// `result(timeout)` or `exception(timeout)` gave up waiting; the future is still
    /// pending and may be waited for again. Python's `TimeoutError`.
    #[error("timed out waiting for the future")]
    Timeout,
    /// The job panicked (in a pool thread, or in a worker process, where only the message
    /// crosses back).
    #[error("job panicked: {0}")]
    Panicked(Panic),
    /// The future was given an error with
    /// [`ConcurrentFuture::set_exception`](crate::ConcurrentFuture::set_exception), or the
    /// job returned one that the pool reports as such.
    #[error("{0}")]
    Failed(Arc<dyn Error + Send + Sync>),
    /// The pool can no longer run jobs: an initializer failed, so its queued jobs end
    /// with this error. Python's `BrokenThreadPool` / `BrokenProcessPool`.
    #[error("pool is broken: {0}")]
    BrokenPool(Arc<str>),
    /// The worker process running the job died before it answered (killed, aborted,
    /// exited). The pool starts a new worker in its place. Python's `BrokenProcessPool`
    /// (which, unlike this, breaks the whole pool).
    #[error("worker process {pid} died while running the job ({status})")]
    WorkerDied {
        /// The dead worker's process id.
        pid: u32,
        /// How it ended, as `std::process::ExitStatus` prints it.
        status: Arc<str>,
    },
}

impl fmt::Debug for FutureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FutureError::Cancelled => f.write_str("Cancelled"),
            FutureError::Timeout => f.write_str("Timeout"),
            FutureError::Panicked(p) => f.debug_tuple("Panicked").field(p).finish(),
            FutureError::Failed(e) => f.debug_tuple("Failed").field(e).finish(),
            FutureError::BrokenPool(why) => f.debug_tuple("BrokenPool").field(why).finish(),
            FutureError::WorkerDied { pid, status } => f
                .debug_struct("WorkerDied")
                .field("pid", pid)
                .field("status", status)
                .finish(),
        }
    }
}

impl FutureError {
    /// Whether this is [`FutureError::Cancelled`].
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(corio_blocking::FutureError::Cancelled.is_cancelled());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        matches!(self, FutureError::Cancelled)
    }

    /// Whether this is [`FutureError::Panicked`].
    ///
    /// # Examples
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// let err = corio_blocking::to_thread(|| panic!("boom")).await.unwrap_err();
    /// assert!(err.is_panic());
    /// # });
    /// ```
    pub fn is_panic(&self) -> bool {
        matches!(self, FutureError::Panicked(_))
    }
}

/// The panic of a job: its message, and (for a panic in this process) its payload, which
/// the first taker may re-raise with [`Panic::resume`].
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// use corio_blocking::FutureError;
///
/// match corio_blocking::to_thread(|| -> u8 { panic!("no luck") }).await {
///     Err(FutureError::Panicked(p)) => {
///         assert_eq!(p.message(), "no luck");
///         let payload = p.take_payload().unwrap();
///         assert_eq!(payload.downcast_ref::<&str>(), Some(&"no luck"));
///     }
///     other => unreachable!("{other:?}"),
/// }
/// # });
/// ```
#[derive(Clone)]
pub struct Panic {
    message: Arc<str>,
    /// The payload, until someone takes it: shared by the clones of the error.
    payload: Arc<Mutex<Option<Box<dyn Any + Send>>>>,
}

impl Panic {
    /// A panic caught in this process, keeping its payload.
    pub(crate) fn from_payload(payload: Box<dyn Any + Send>) -> Panic {
        let message: Arc<str> = if let Some(s) = payload.downcast_ref::<&str>() {
            Arc::from(*s)
        } else if let Some(s) = payload.downcast_ref::<String>() {
            Arc::from(s.as_str())
        } else {
            Arc::from("Box<dyn Any>")
        };
        Panic {
            message,
            payload: Arc::new(Mutex::new(Some(payload))),
        }
    }

    /// A panic reported by another process: only its message crossed.
    pub(crate) fn from_message(message: &str) -> Panic {
        Panic {
            message: Arc::from(message),
            payload: Arc::new(Mutex::new(None)),
        }
    }

    /// The panic message (`"Box<dyn Any>"` when the payload was neither `&str` nor
    /// `String`).
    ///
    /// # Examples
    ///
    /// See [`Panic`].
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Takes the payload; `None` if a clone took it already, or if the panic happened in
    /// another process.
    ///
    /// # Examples
    ///
    /// See [`Panic`].
    pub fn take_payload(&self) -> Option<Box<dyn Any + Send>> {
        self.payload
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// Re-raises the panic on this thread, with its payload if still here (else with its
    /// message).
    ///
    /// # Panics
    ///
    /// Always: that is what it is for.
    ///
    /// # Examples
    ///
    /// ```should_panic
    /// # futures_lite::future::block_on(async {
    /// if let Err(corio_blocking::FutureError::Panicked(p)) =
    ///     corio_blocking::to_thread(|| panic!("again")).await
    /// {
    ///     p.resume();
    /// }
    /// # });
    /// ```
    pub fn resume(self) -> ! {
        match self.take_payload() {
            Some(payload) => std::panic::resume_unwind(payload),
            None => std::panic::resume_unwind(Box::new(self.message.to_string())),
        }
    }
}

impl fmt::Debug for Panic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Panic").field(&self.message).finish()
    }
}

impl fmt::Display for Panic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A second attempt to complete a [`ConcurrentFuture`](crate::ConcurrentFuture) (Python's
/// `InvalidStateError`). The value that could not be set is dropped.
///
/// # Examples
///
/// ```
/// use corio_blocking::{AlreadyDone, ConcurrentFuture};
///
/// let fut = ConcurrentFuture::new();
/// fut.set_result(1).unwrap();
/// assert_eq!(fut.set_result(2), Err(AlreadyDone));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("invalid state: the future is already done")]
pub struct AlreadyDone;

/// Why a pool refused a job.
///
/// # Examples
///
/// ```
/// use corio_blocking::{SubmitError, ThreadPoolExecutor};
///
/// let pool = ThreadPoolExecutor::new();
/// pool.shutdown(true, false);
/// let err = pool.submit(|| 1).unwrap_err();
/// assert!(matches!(err, SubmitError::Shutdown));
/// assert_eq!(err.to_string(), "cannot schedule new futures after shutdown");
/// ```
#[derive(Debug, Clone, Error)]
#[non_exhaustive]
pub enum SubmitError {
    /// The pool was shut down (Python's `RuntimeError('cannot schedule new futures after
    /// shutdown')`).
    #[error("cannot schedule new futures after shutdown")]
    Shutdown,
    /// The pool is broken: its initializer failed (Python's `BrokenThreadPool`).
    #[error("pool is broken: {0}")]
    Broken(Arc<str>),
    /// A process pool was used before
    /// [`process::init`](crate::process::init) ran in this process.
    #[error(
        "corio_blocking::process::init() must be called at the start of main before processes are started"
    )]
    NotInitialized,
    /// The function was not listed in [`process::init`](crate::process::init).
    #[error("function `{0}` is not registered: list it in corio_blocking::process::init")]
    NotRegistered(&'static str),
    /// The argument could not be serialised.
    #[error("cannot serialise the argument: {0}")]
    Serialize(Arc<str>),
}
