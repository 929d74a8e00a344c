//! Reports: slow steps, panics nobody looked at, tasks still pending at close; and the
//! exception handler that receives them.

use std::fmt;
use std::time::Duration;

use corio_executor::AnyTask;

/// What happened, for the loop's exception handler.
///
/// # Examples
///
/// ```
/// use corio_runtime::ReportKind;
/// let kind = ReportKind::SlowStep { elapsed: std::time::Duration::from_millis(150) };
/// assert!(matches!(kind, ReportKind::SlowStep { .. }));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ReportKind {
    /// A callback or task step ran longer than `slow_callback_duration` (debug mode).
    SlowStep {
        /// How long it ran.
        elapsed: Duration,
    },
    /// A callback returned an error; the loop went on.
    CallbackFailed,
    /// A callback panicked; the loop went on.
    CallbackPanicked,
    /// A task panicked and nobody looked at its failure before its last handle was dropped.
    UnretrievedPanic,
    /// A task was still pending when the loop was closed; its future was dropped
    /// (asyncio's "Task was destroyed but it is pending!").
    PendingTaskDestroyed,
    /// Waiting for I/O failed.
    Io,
}

/// One report for the exception handler (asyncio's exception-handler `context` dict).
///
/// # Examples
///
/// ```
/// use std::{cell::RefCell, rc::Rc};
/// use corio_runtime::{EventLoop, ReportKind};
///
/// let lp = EventLoop::new()?;
/// let seen = Rc::new(RefCell::new(Vec::new()));
/// let s = seen.clone();
/// lp.set_exception_handler(Some(move |_: &EventLoop, report: &corio_runtime::Report| {
///     s.borrow_mut().push(report.message.clone());
/// }));
/// lp.call_soon(|| -> () { panic!("boom") })?;
/// lp.run_until_complete(corio_runtime::sleep(std::time::Duration::ZERO))?;
/// assert!(seen.borrow()[0].contains("boom"));
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Report {
    /// What happened.
    pub kind: ReportKind,
    /// asyncio's wording, with corio's Debug forms in place of Python reprs, e.g.
    /// `Executing Task { name: "Task-2", state: "finished" } took 0.207 seconds`.
    pub message: String,
    /// The task concerned, when there is one still around.
    pub task: Option<AnyTask>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The default exception handler: through the `log` crate when a logger is installed
/// (warnings for slow steps, errors otherwise, target `corio`), else on stderr, as Python's
/// `logging` falls back to stderr when nothing is configured.
///
/// # Examples
///
/// ```
/// use corio_runtime::{Report, ReportKind, default_exception_handler};
/// default_exception_handler(&Report {
///     kind: ReportKind::CallbackPanicked,
///     message: "Exception in callback: boom".into(),
///     task: None,
/// });
/// ```
pub fn default_exception_handler(report: &Report) {
    if log::max_level() == log::LevelFilter::Off {
        eprintln!("{}", report.message);
        return;
    }
    match report.kind {
        ReportKind::SlowStep { .. } => log::warn!(target: "corio", "{}", report.message),
        _ => log::error!(target: "corio", "{}", report.message),
    }
}
