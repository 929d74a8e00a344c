//! The executor's per-thread state, all of it: the executors living on this thread, the
//! batch running, the task being stepped, the numbers of its steps, the cancellation in
//! progress, the next task id.
//!
//! Two guards set it, each restoring the previous value when dropped (also when
//! unwinding), so that nested executors (a `block_on` inside a task) nest properly:
//! [`Batch`] around a batch, [`TaskStep`] around one poll or drop of a task's future.
//! Everything else reads it.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::sync::Arc;
use std::task::Waker;
use std::time::Duration;

use crate::executor::Inner;
use crate::remote::Shared;
use crate::task::core::TaskMeta;
use crate::task::raw::meta_of;

/// The state that every task step reads; plain cells (no destructor), so that a read costs
/// no registration check.
struct Context {
    /// The executor whose batch is running on this thread (null outside a batch), so that a
    /// wake or a completion during the batch finds it without a lookup or a reference count.
    /// Set by [`Batch`], from a borrow that outlives the guard.
    running: Cell<*const Inner>,
    /// The slow-step threshold of the batch running on this thread (debug mode).
    slow_step: Cell<Option<Duration>>,
    /// The own waker of the task whose future is being polled or dropped on this thread
    /// (null otherwise), borrowed for the length of that call: setting it costs no reference
    /// count. Set by [`TaskStep`].
    current: Cell<*const Waker>,
    /// The number of the task poll running now (0 outside a task's poll).
    step: Cell<u64>,
    /// The last number handed out to a poll; numbers are never reused on a thread (but
    /// tasks and awaits keep their low 48 bits, see [`MAX_STEP`]).
    steps: Cell<u64>,
    /// While a cancelled task's future is dropped: the number of the step the task was
    /// suspended in (0 otherwise).
    cancelled_step: Cell<u64>,
    /// The next task id on this thread.
    next_task_id: Cell<u64>,
}

thread_local! {
    static CONTEXT: Context = const {
        Context {
            running: Cell::new(std::ptr::null()),
            slow_step: Cell::new(None),
            current: Cell::new(std::ptr::null()),
            step: Cell::new(0),
            steps: Cell::new(0),
            cancelled_step: Cell::new(0),
            next_task_id: Cell::new(1),
        }
    };
    /// The executors living on this thread, so that a wake on the owner thread goes straight
    /// into the local queue with no atomics and no syscall.
    static EXECUTORS: RefCell<Vec<(u64, Weak<Inner>)>> = const { RefCell::new(Vec::new()) };
}

/// Registers an executor made on this thread.
pub(crate) fn register_executor(inner: &Rc<Inner>) {
    EXECUTORS.with(|list| {
        list.borrow_mut()
            .push((inner.shared.id, Rc::downgrade(inner)));
    });
}

/// Forgets the executors that are gone (one is being dropped).
pub(crate) fn forget_dropped_executors() {
    let _ = EXECUTORS.try_with(|list| list.borrow_mut().retain(|(_, w)| w.strong_count() > 0));
}

/// The executor of `shared` if it lives on this thread.
pub(crate) fn local_inner(shared: &Shared) -> Option<Rc<Inner>> {
    EXECUTORS
        .try_with(|list| {
            // Ids first: only the matching entry pays for an upgrade.
            list.borrow()
                .iter()
                .find(|(id, _)| *id == shared.id)
                .and_then(|(_, w)| w.upgrade())
        })
        .ok()
        .flatten()
}

/// Runs `f` with the executor of `shared` if that executor lives on this thread: the one
/// whose batch is running, at no cost, or else one found in this thread's list.
pub(crate) fn with_local_inner<R>(shared: &Shared, f: impl FnOnce(&Inner) -> R) -> Option<R> {
    let running = running_for(shared);
    // SAFETY: see `running_for`; `f` runs within the batch.
    if let Some(inner) = unsafe { running.as_ref() } {
        return Some(f(inner));
    }
    local_inner(shared).map(|inner| f(&inner))
}

/// The executor of `shared` if its batch is running on this thread right now, else null.
///
/// The pointer may be dereferenced until the batch ends, that is, within the current call
/// from the executor (a wake, a completion): [`Batch::enter`] set `running` from a borrow
/// that the batch holds until the guard is dropped, which restores the previous (outer,
/// also live) value.
pub(crate) fn running_for(shared: &Shared) -> *const Inner {
    let running = CONTEXT
        .try_with(|c| c.running.get())
        .unwrap_or(std::ptr::null());
    // SAFETY: as said above, a non-null `running` points to a live `Inner`.
    match unsafe { running.as_ref() } {
        Some(inner) if std::ptr::eq(Arc::as_ptr(&inner.shared), shared) => running,
        _ => std::ptr::null(),
    }
}

/// A batch running on this thread.
pub(crate) struct Batch {
    running: *const Inner,
    slow: Option<Duration>,
}

impl Batch {
    /// `inner` must outlive the guard: the caller borrows it for the whole batch.
    pub(crate) fn enter(inner: &Inner, slow: Option<Duration>) -> Batch {
        CONTEXT.with(|c| Batch {
            running: c.running.replace(std::ptr::from_ref(inner)),
            slow: c.slow_step.replace(slow),
        })
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        let _ = CONTEXT.try_with(|c| {
            c.running.set(self.running);
            c.slow_step.set(self.slow);
        });
    }
}

/// The slow-step threshold of the batch running on this thread.
pub(crate) fn slow_step_threshold() -> Option<Duration> {
    CONTEXT.with(|c| c.slow_step.get())
}

/// One poll or drop of a task's future: makes the task current (for `current_task()`, for
/// the future's own bookkeeping), and numbers a poll.
///
/// Invariant: the guard lives no longer than the waker it was given (it borrows it), and
/// guards are dropped in the reverse order of their creation (they are stack values), so
/// `current` always points to a live waker or is null. Every call that polls or drops a
/// task's future is made inside one of these, for that very task: the executor's
/// `TaskFuture::poll` enters one, and runnables are dropped only by `discard`, which enters
/// one; async-task itself never polls or drops the future elsewhere (its `Task` handles
/// are detached, never cancelled).
pub(crate) struct TaskStep<'w> {
    previous: *const Waker,
    previous_step: u64,
    _waker: std::marker::PhantomData<&'w Waker>,
}

impl<'w> TaskStep<'w> {
    /// A poll of the task whose own waker is `waker`; gives the poll's number (never 0).
    pub(crate) fn poll(waker: &'w Waker) -> (TaskStep<'w>, u64) {
        CONTEXT.with(|c| {
            let number = c.steps.get() + 1;
            c.steps.set(number);
            let guard = TaskStep {
                previous: c.current.replace(std::ptr::from_ref(waker)),
                previous_step: c.step.replace(number),
                _waker: std::marker::PhantomData,
            };
            (guard, number)
        })
    }

    /// The drop of the future of the task whose own waker is `waker` (not a poll: awaits
    /// polled now are polled outside any task step).
    pub(crate) fn drop_only(waker: &'w Waker) -> TaskStep<'w> {
        CONTEXT.with(|c| TaskStep {
            previous: c.current.replace(std::ptr::from_ref(waker)),
            previous_step: c.step.replace(0),
            _waker: std::marker::PhantomData,
        })
    }
}

impl Drop for TaskStep<'_> {
    fn drop(&mut self) {
        // The thread-local may already be gone during thread teardown.
        let _ = CONTEXT.try_with(|c| {
            c.current.set(self.previous);
            c.step.set(self.previous_step);
        });
    }
}

/// Runs `f` with the own waker of the task being polled or dropped on this thread.
pub(crate) fn with_current<R>(f: impl FnOnce(Option<&Waker>) -> R) -> R {
    let current = CONTEXT
        .try_with(|c| c.current.get())
        .unwrap_or(std::ptr::null());
    // SAFETY: non-null, `current` points to a waker that outlives the `TaskStep` that set
    // it, and that guard is still alive, since it restores the pointer when dropped; the
    // reference does not leave `f`, which runs within that guard's life.
    f(unsafe { current.as_ref() })
}

/// The metadata of the task being polled or dropped on this thread, for `f`.
pub(crate) fn with_current_meta<R>(f: impl FnOnce(Option<&TaskMeta>) -> R) -> R {
    with_current(|waker| {
        // SAFETY: `current` is always a corio task's own waker (the invariant on
        // `TaskStep`); the metadata lives as long as that waker, which outlives `f`.
        f(waker.map(|w| unsafe { meta_of(w) }))
    })
}

/// The mask of the step numbers' bits that tasks and awaits compare: a task's metadata keeps
/// its last step in 48 bits. They repeat after 2^48 steps (about 85 days at the 38 million
/// steps a second of the `yield` benchmark): an await left unpolled for exactly that many
/// steps would be taken for the one its task is suspended in. A step whose low bits are 0
/// counts as no step (an await polled in it is never taken for the suspended one).
pub(crate) const MAX_STEP: u64 = (1 << 48) - 1;

/// The number of the task poll running now (its low 48 bits, see [`MAX_STEP`]), 0 outside a
/// task's poll.
pub(crate) fn current_step() -> u64 {
    CONTEXT.try_with(|c| c.step.get()).unwrap_or(0) & MAX_STEP
}

/// The drop of a cancelled task's future, which was suspended in step `step`.
pub(crate) struct CancelDrop {
    previous: u64,
}

/// Marks the drop of a cancelled task's future (see [`CancelDrop`]).
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

/// A new task id, unique on this thread.
pub(crate) fn next_task_id() -> u64 {
    CONTEXT.with(|c| {
        let id = c.next_task_id.get();
        c.next_task_id.set(id + 1);
        id
    })
}
