/// Why awaiting or asking a [`Task`](crate::Task) gave no output.
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
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TaskError {
    /// The task was cancelled (asyncio's `CancelledError`).
    #[error("task was cancelled")]
    Cancelled,
    /// The task panicked; the panic's message.
    #[error("task panicked: {0}")]
    Panicked(String),
    /// The task has not finished (asyncio's `InvalidStateError: Result is not set.`).
    #[error("task is not done yet")]
    Pending,
    /// Another handle already took the task's output (by awaiting it).
    #[error("task output was already taken by another handle")]
    OutputTaken,
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
    /// assert!(corio_executor::TaskError::Panicked("boom".into()).is_panic());
    /// ```
    pub fn is_panic(&self) -> bool {
        matches!(self, TaskError::Panicked(_))
    }
}

/// The message of a caught panic payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "Box<dyn Any>".to_owned()
    }
}
