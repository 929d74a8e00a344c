//! How a task ended without an output, and why an await of it could not wait.

use std::any::Any;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

/// How awaiting a task ended without its output: the task was cancelled or panicked, or
/// the await itself could not wait (it would never have ended).
///
/// It says how the task ended, not what state a handle is in: a task that has not finished
/// is `None` from the getters that do not wait ([`SharedTask::result`](crate::SharedTask::result),
/// [`Task::try_take`](crate::Task::try_take)), never an error.
///
/// # Examples
///
/// ```
/// use corio_executor::{LocalExecutor, TaskError, park};
///
/// let (mut parker, unparker) = park::pair();
/// let ex = LocalExecutor::new(unparker);
/// let task = ex.spawn_local(async { 1 });
/// task.cancel();
/// assert_eq!(ex.block_on(task, &mut parker), Err(TaskError::Cancelled));
///
/// let task = ex.spawn_local(async { panic!("boom") });
/// let err = ex.block_on(task, &mut parker).unwrap_err();
/// assert_eq!(err.panic().unwrap().message(), "boom");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TaskError {
    /// The task was cancelled (asyncio's `CancelledError`).
    #[error("task was cancelled")]
    Cancelled,
    /// The task panicked; the payload is kept (see [`Panic`]).
    #[error("task panicked: {}", .0.message())]
    Panicked(Panic),
    /// A task awaited its own handle, which could never end (asyncio's
    /// `RuntimeError: Task cannot await on itself`). The task goes on; only this await
    /// failed.
    #[error("a task cannot await on itself")]
    AwaitedItself,
    /// A pending task was awaited from a task of another executor (another event loop),
    /// which does not run it while it waits (asyncio's "attached to a different loop").
    /// The task goes on; only this await failed.
    #[error("the task is attached to a different executor than the one awaiting it")]
    OtherExecutor,
}

impl TaskError {
    /// Whether this is [`TaskError::Cancelled`].
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(corio_executor::TaskError::Cancelled.is_cancelled());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        matches!(self, TaskError::Cancelled)
    }

    /// Whether this is [`TaskError::Panicked`].
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!corio_executor::TaskError::Cancelled.is_panic());
    /// ```
    pub fn is_panic(&self) -> bool {
        matches!(self, TaskError::Panicked(_))
    }

    /// The panic, if the task panicked.
    ///
    /// # Examples
    ///
    /// See [`TaskError`].
    pub fn panic(&self) -> Option<&Panic> {
        match self {
            TaskError::Panicked(panic) => Some(panic),
            _ => None,
        }
    }

    /// The panic's payload, for [`std::panic::resume_unwind`] (tokio's
    /// `JoinError::into_panic`); `Err(self)` if the task did not panic.
    ///
    /// # Errors
    ///
    /// `self`, when it is not [`TaskError::Panicked`].
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_executor::{LocalExecutor, park};
    ///
    /// let (mut parker, unparker) = park::pair();
    /// let ex = LocalExecutor::new(unparker);
    /// let task = ex.spawn_local(async { std::panic::panic_any(7_u32) });
    /// let payload = ex.block_on(task, &mut parker).unwrap_err().try_into_panic().unwrap();
    /// assert_eq!(payload.downcast_ref::<u32>(), Some(&7));
    /// ```
    pub fn try_into_panic(self) -> Result<Box<dyn Any + Send>, TaskError> {
        match self {
            TaskError::Panicked(panic) => Ok(panic.into_payload()),
            other => Err(other),
        }
    }
}

/// A task's panic: its message, and its payload for [`std::panic::resume_unwind`].
///
/// Every awaiter of a shared task gets a clone of the same `Panic`; the first one to ask
/// for the payload ([`Panic::into_payload`]) gets the original value, later ones a `String`
/// with the message (a payload is a `Box<dyn Any>`, which cannot be cloned).
///
/// Two `Panic`s are equal when they have the same message.
///
/// # Examples
///
/// ```
/// use corio_executor::{LocalExecutor, park};
///
/// let (mut parker, unparker) = park::pair();
/// let ex = LocalExecutor::new(unparker);
/// let n = 3;
/// let task = ex.spawn_local(async move { panic!("at {n}") });
/// let panic = ex.block_on(task, &mut parker).unwrap_err().panic().cloned().unwrap();
/// assert_eq!(panic.message(), "at 3");
/// let again = panic.clone();
/// // The first payload is the original one (a `String` here, from `panic!` with arguments)...
/// assert_eq!(panic.into_payload().downcast_ref::<String>().unwrap(), "at 3");
/// // ...later ones carry the message.
/// assert_eq!(again.into_payload().downcast_ref::<String>().unwrap(), "at 3");
/// ```
#[derive(Clone)]
pub struct Panic {
    inner: Arc<PanicInner>,
}

struct PanicInner {
    message: String,
    /// `None` once a clone took it.
    payload: Mutex<Option<Box<dyn Any + Send>>>,
}

impl Panic {
    /// Keeps a caught panic's payload.
    pub(crate) fn new(payload: Box<dyn Any + Send>) -> Panic {
        Panic {
            inner: Arc::new(PanicInner {
                message: panic_message(&*payload),
                payload: Mutex::new(Some(payload)),
            }),
        }
    }

    /// The panic's message (`"Box<dyn Any>"` for a payload that is not a string).
    ///
    /// # Examples
    ///
    /// See [`Panic`].
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The payload, for [`std::panic::resume_unwind`]: the original one the first time any
    /// clone asks, a `String` with the message after that.
    ///
    /// # Examples
    ///
    /// See [`Panic`].
    pub fn into_payload(self) -> Box<dyn Any + Send> {
        let taken = self
            .inner
            .payload
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        taken.unwrap_or_else(|| Box::new(self.inner.message.clone()))
    }

    /// Resumes the panic on this thread (`resume_unwind` with [`Panic::into_payload`]).
    ///
    /// # Panics
    ///
    /// Always: that is its job.
    ///
    /// # Examples
    ///
    /// ```
    /// # use corio_executor::{LocalExecutor, park};
    /// # let (mut parker, unparker) = park::pair();
    /// # let ex = LocalExecutor::new(unparker);
    /// let task = ex.spawn_local(async { panic!("again") });
    /// let err = ex.block_on(task, &mut parker).unwrap_err();
    /// let caught = std::panic::catch_unwind(move || err.panic().cloned().unwrap().resume());
    /// assert!(caught.is_err());
    /// ```
    pub fn resume(self) -> ! {
        std::panic::resume_unwind(self.into_payload())
    }
}

impl PartialEq for Panic {
    fn eq(&self, other: &Self) -> bool {
        self.inner.message == other.inner.message
    }
}

impl Eq for Panic {}

impl fmt::Debug for Panic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Panic").field(&self.inner.message).finish()
    }
}

impl fmt::Display for Panic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message)
    }
}

/// The message of a caught panic payload.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "Box<dyn Any>".to_owned()
    }
}
