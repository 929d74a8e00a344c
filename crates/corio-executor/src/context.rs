//! The executor's per-thread state: which task is being stepped, the numbers of its steps,
//! and the cancellation in progress. Entered by guards that restore the previous value
//! when dropped (also when unwinding), so that nested executors (a `block_on` inside a
//! task) nest properly.

use std::cell::Cell;
use std::time::Duration;

use crate::task::core::TaskMeta;

/// Per-thread state that every task step reads; plain cells (no destructor), so that a
/// read costs no registration check.
struct Context {
    /// The metadata of the task whose runnable is being run or dropped on this thread (null
    /// otherwise). Set and restored by [`Stepping`].
    stepping: Cell<*const TaskMeta>,
    /// The slow-step threshold of the batch running on this thread (debug mode).
    slow_step: Cell<Option<Duration>>,
    /// The number of the task step running now (0 outside a task's poll).
    step: Cell<u64>,
    /// The last number handed out by [`enter_step`]; numbers are never reused on a thread.
    steps: Cell<u64>,
    /// While a cancelled task's future is dropped: the number of the step the task was
    /// suspended in (0 otherwise).
    cancelled_step: Cell<u64>,
}

thread_local! {
    static CONTEXT: Context = const {
        Context {
            stepping: Cell::new(std::ptr::null()),
            slow_step: Cell::new(None),
            step: Cell::new(0),
            steps: Cell::new(0),
            cancelled_step: Cell::new(0),
        }
    };
}

/// The slow-step threshold of the batch running on this thread.
pub(crate) fn slow_step_threshold() -> Option<Duration> {
    CONTEXT.with(|c| c.slow_step.get())
}

/// Sets the slow-step threshold for a batch; gives the previous one back to restore.
pub(crate) fn replace_slow_step(threshold: Option<Duration>) -> Option<Duration> {
    CONTEXT
        .try_with(|c| c.slow_step.replace(threshold))
        .unwrap_or(None)
}

/// Marks the task whose runnable is about to be run or dropped, for the length of that call.
///
/// Invariant: every call that may poll or drop a task's future (`Runnable::run`, the drop
/// of a `Runnable`) is made inside one of these, for that very task: the executor runs
/// runnables only in `run_batch` and drops them only in `discard`, and a task's future is
/// never polled or dropped by anyone else (async-task only does so inside those calls; the
/// `async_task::Task` handles are detached, never dropped). Guards nest (a `block_on` inside
/// a task) and restore the outer value.
pub(crate) struct Stepping {
    previous: *const TaskMeta,
}

impl Stepping {
    /// `meta` is the metadata of the runnable about to be run or dropped; it stays valid as
    /// long as that call lasts, which the guard does not outlive (see the invariant above).
    pub(crate) fn enter(meta: *const TaskMeta) -> Stepping {
        Stepping {
            previous: CONTEXT.with(|c| c.stepping.replace(meta)),
        }
    }

    /// The metadata of the task being stepped.
    ///
    /// # Panics
    ///
    /// Outside a step: a task's future polled or dropped by someone else than the executor.
    pub(crate) fn meta<'a>() -> &'a TaskMeta {
        let meta = CONTEXT.with(|c| c.stepping.get());
        assert!(
            !meta.is_null(),
            "a corio task's future was polled or dropped outside the executor"
        );
        // SAFETY: non-null, `stepping` was set by the `Stepping` guard around the very call
        // that polls or drops this future (the invariant on `Stepping`), from the runnable's
        // metadata; the runnable keeps the allocation, hence the metadata, alive during that
        // call, and the callers use the reference within it.
        unsafe { &*meta }
    }

    /// Whether the task being stepped on this thread is the one of `meta` (compared by
    /// address, never dereferenced).
    pub(crate) fn is(meta: &TaskMeta) -> bool {
        CONTEXT
            .try_with(|c| std::ptr::eq(c.stepping.get(), meta))
            .unwrap_or(false)
    }

    /// The executor id of the task being stepped on this thread, if any.
    pub(crate) fn executor_id() -> Option<u64> {
        let meta = CONTEXT.try_with(|c| c.stepping.get()).ok()?;
        // SAFETY: as in `Stepping::meta`: a non-null `stepping` is valid during the step.
        unsafe { meta.as_ref() }.map(|m| m.shared.id)
    }
}

impl Drop for Stepping {
    fn drop(&mut self) {
        let _ = CONTEXT.try_with(|c| c.stepping.set(self.previous));
    }
}

/// A task's poll in progress: gives the step its number, restores the outer one when
/// dropped.
pub(crate) struct Step {
    number: u64,
    previous: u64,
}

impl Step {
    pub(crate) fn number(&self) -> u64 {
        self.number
    }
}

/// Starts a task step: numbers it with a number never used on this thread.
pub(crate) fn enter_step() -> Step {
    CONTEXT.with(|c| {
        let number = c.steps.get() + 1;
        c.steps.set(number);
        Step {
            number,
            previous: c.step.replace(number),
        }
    })
}

impl Drop for Step {
    fn drop(&mut self) {
        let _ = CONTEXT.try_with(|c| c.step.set(self.previous));
    }
}

/// The number of the task step running now, 0 outside a task's poll.
pub(crate) fn current_step() -> u64 {
    CONTEXT.try_with(|c| c.step.get()).unwrap_or(0)
}

/// The drop of a cancelled task's future, which was suspended in step `step`.
pub(crate) struct CancelDrop {
    previous: u64,
}

pub(crate) fn enter_cancel_drop(step: u64) -> CancelDrop {
    CancelDrop {
        previous: CONTEXT
            .try_with(|c| c.cancelled_step.replace(step))
            .unwrap_or(0),
    }
}

impl Drop for CancelDrop {
    fn drop(&mut self) {
        let _ = CONTEXT.try_with(|c| c.cancelled_step.set(self.previous));
    }
}

/// The step a cancelled task was suspended in, while its future is being dropped (0
/// otherwise).
pub(crate) fn cancelled_step() -> u64 {
    CONTEXT.try_with(|c| c.cancelled_step.get()).unwrap_or(0)
}
