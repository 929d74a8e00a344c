//! What the executor reports to its hook: slow steps, failing callbacks, panics nobody
//! looked at.

use std::fmt;
use std::time::Duration;

use crate::task::AnyTask;

/// What the executor reports: a slow step (debug mode), a panicking callback, a task panic
/// that no one looked at.
///
/// Install a hook with [`LocalExecutor::set_hook`](crate::LocalExecutor::set_hook); without one, events are printed to
/// stderr.
///
/// # Examples
///
/// ```
/// use std::{cell::RefCell, rc::Rc};
/// use corio_executor::{ExecutorEvent, LocalExecutor, park};
///
/// let (mut parker, unparker) = park::pair();
/// let ex = LocalExecutor::new(unparker);
/// let seen = Rc::new(RefCell::new(Vec::new()));
/// let s = seen.clone();
/// ex.set_hook(move |event| s.borrow_mut().push(event.to_string()));
/// ex.call_soon(|| -> () { panic!("boom") });
/// ex.run_batch();
/// assert!(seen.borrow()[0].contains("boom"));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ExecutorEvent<'a> {
    /// A step took longer than the slow-step threshold.
    SlowStep(&'a SlowStep),
    /// A callback returned an error (see [`CallbackOutput`](crate::CallbackOutput)); the executor went on.
    CallbackFailed {
        /// The callback's type name.
        callback: &'a str,
        /// The error's message.
        message: &'a str,
    },
    /// A callback panicked; the executor went on.
    CallbackPanicked {
        /// The callback's type name.
        callback: &'a str,
        /// The panic's message.
        message: &'a str,
    },
    /// A task panicked and every handle was dropped without looking at the failure
    /// (asyncio's "Task exception was never retrieved").
    UnretrievedPanic {
        /// The task's name.
        task: &'a str,
        /// The panic's message.
        message: &'a str,
    },
}

impl fmt::Display for ExecutorEvent<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExecutorEvent::SlowStep(step) => step.fmt(f),
            ExecutorEvent::CallbackFailed { callback, message } => {
                write!(f, "Exception in callback {callback}: {message}")
            }
            ExecutorEvent::CallbackPanicked { callback, message } => {
                write!(f, "Exception in callback {callback}: panicked: {message}")
            }
            ExecutorEvent::UnretrievedPanic { task, message } => {
                write!(
                    f,
                    "Task exception was never retrieved: {task} panicked: {message}"
                )
            }
        }
    }
}

/// A step slower than the threshold set with [`LocalExecutor::set_slow_step_threshold`](crate::LocalExecutor::set_slow_step_threshold).
///
/// # Examples
///
/// See [`LocalExecutor::set_slow_step_threshold`](crate::LocalExecutor::set_slow_step_threshold).
#[derive(Debug, Clone)]
pub struct SlowStep {
    /// What ran.
    pub kind: StepKind,
    /// How long it took.
    pub elapsed: Duration,
}

impl fmt::Display for SlowStep {
    /// asyncio's wording: `Executing <what> took 0.207 seconds`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Executing {:?} took {:.3} seconds",
            self.kind,
            self.elapsed.as_secs_f64()
        )
    }
}

/// What a [`SlowStep`] ran.
///
/// # Examples
///
/// ```
/// let kind = corio_executor::StepKind::Callback("my_callback".into());
/// assert_eq!(format!("{kind:?}"), "<Handle my_callback>");
/// ```
#[derive(Clone)]
pub enum StepKind {
    /// A step of this task.
    Task(AnyTask),
    /// A callback, by its type name.
    Callback(String),
}

impl fmt::Debug for StepKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StepKind::Task(t) => t.fmt(f),
            StepKind::Callback(name) => write!(f, "<Handle {name}>"),
        }
    }
}
