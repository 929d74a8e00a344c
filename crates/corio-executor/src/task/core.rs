use std::cell::Cell;
use std::collections::BTreeMap;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::ptr::NonNull;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Instant;

use pin_project_lite::pin_project;

use crate::callback::CallbackCell;
use crate::error::{TaskError, panic_message};
use crate::executor::{ExecutorEvent, Ready, SlowStep, StepKind, local_inner, with_local_inner};
use crate::remote::Shared;
use crate::task::any::{AnyTask, CurrentGuard, TaskId};
use crate::task::handle::{HandleInner, Task};
use crate::task::raw::is_own_waker;

/// Where a task is in its life (the low two bits of [`TaskMeta::flags`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    Pending = 0,
    Finished = 1,
    Cancelled = 2,
    Panicked = 3,
}

const STATE_MASK: u16 = 0b11;
/// Set by `cancel()`; the next poll drops the future instead of polling it.
const CANCEL_REQUESTED: u16 = 0b100;
/// Someone looked at the task's failure (no "exception never retrieved" report then).
const RETRIEVED: u16 = 0b1000;
/// The task has an entry in [`NAMES`].
const NAMED: u16 = 0b1_0000;
/// The task's only handle is async-task's own (a `Task<T>` never cloned): a completing task
/// gives its outcome to async-task, which keeps it for that handle.
const JOINED: u16 = 0b10_0000;
/// The only handle took the output out of async-task.
const TAKEN: u16 = 0b100_0000;
/// The task has an entry in [`FAILURES`].
const FAILED: u16 = 0b1000_0000;
/// The registry holds the task's own waker (stored when the task first waits; until then
/// its runnable is queued or running, which keeps it alive and reachable).
const WAKER_REGISTERED: u16 = 0b1_0000_0000;

/// What a task gives async-task when it finishes: its outcome if its only handle is
/// async-task's own, `None` otherwise (the shared handle part got it, or nobody wants it).
pub(crate) type Outcome<T> = Option<Result<T, TaskError>>;

/// The panic messages of tasks whose future panicked while being dropped by a closing
/// executor, while their only handle was async-task's own (async-task keeps no output for a
/// future it dropped). Keyed as [`NAMES`]; rare.
static FAILURES: Mutex<BTreeMap<usize, String>> = Mutex::new(BTreeMap::new());

fn failures() -> std::sync::MutexGuard<'static, BTreeMap<usize, String>> {
    FAILURES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The names given with `set_name`, by the address of the task's metadata (unique while the
/// task lives; the entry goes when the metadata is dropped). Names are rare: a table keeps
/// them out of every task. A global lock, since the last reference to a task, and so the
/// drop of its metadata, may be on any thread.
static NAMES: Mutex<BTreeMap<usize, String>> = Mutex::new(BTreeMap::new());

fn names() -> std::sync::MutexGuard<'static, BTreeMap<usize, String>> {
    NAMES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What a finished task left behind, kept by its handles.
#[derive(Default)]
pub(crate) enum Output<T> {
    #[default]
    None,
    Value(T),
    /// A handle took the value by awaiting it.
    Taken,
    /// Cancelled or panicked; boxed, since failures are rare and the slot is in every handle.
    Failed(Box<TaskError>),
}

/// The part of a task that does not depend on its output type. It is async-task's metadata,
/// so it lives in the task's one allocation, next to the future: a detached task costs that
/// allocation, a registry slot and its place in the ready queue, nothing more.
///
/// Threads: `shared` may be read from any thread (a wake from another thread schedules
/// through it), and the whole value may be dropped on any thread (the last waker of a
/// finished task may be dropped anywhere), so every field's drop is thread-safe. Everything
/// else is read and written on the executor's thread only.
pub(crate) struct TaskMeta {
    /// The executor's thread-safe part: where wakes go.
    pub(crate) shared: Arc<Shared>,
    pub(crate) id: TaskId,
    /// The live handles' shared part (an `Rc<HandleInner<T>>`'s pointee, type-erased), while
    /// any handle exists: the completing task puts its output there. Cleared by
    /// `HandleInner::drop` before the pointee goes away.
    pub(crate) handle: Cell<Option<NonNull<()>>>,
    /// The task's key in the executor's registry of live tasks.
    pub(crate) registry_key: Cell<u32>,
    /// [`State`] in the low bits, plus [`CANCEL_REQUESTED`], [`RETRIEVED`] and [`NAMED`].
    flags: Cell<u16>,
}

impl TaskMeta {
    pub(crate) fn new(id: TaskId, shared: Arc<Shared>) -> TaskMeta {
        TaskMeta {
            shared,
            id,
            handle: Cell::new(None),
            registry_key: Cell::new(u32::MAX),
            flags: Cell::new(State::Pending as u16),
        }
    }

    pub(crate) fn state(&self) -> State {
        match self.flags.get() & STATE_MASK {
            0 => State::Pending,
            1 => State::Finished,
            2 => State::Cancelled,
            _ => State::Panicked,
        }
    }

    fn set_state(&self, state: State) {
        self.flags
            .set((self.flags.get() & !STATE_MASK) | state as u16);
    }

    pub(crate) fn is_done(&self) -> bool {
        self.flags.get() & STATE_MASK != State::Pending as u16
    }

    pub(crate) fn cancel_requested(&self) -> bool {
        self.flags.get() & CANCEL_REQUESTED != 0
    }

    pub(crate) fn retrieved(&self) -> bool {
        self.flags.get() & RETRIEVED != 0
    }

    pub(crate) fn mark_retrieved(&self) {
        self.flags.set(self.flags.get() | RETRIEVED);
    }

    fn has(&self, flag: u16) -> bool {
        self.flags.get() & flag != 0
    }

    fn set(&self, flag: u16, on: bool) {
        let flags = self.flags.get();
        self.flags
            .set(if on { flags | flag } else { flags & !flag });
    }

    pub(crate) fn joined(&self) -> bool {
        self.has(JOINED)
    }

    pub(crate) fn set_joined(&self, on: bool) {
        self.set(JOINED, on);
    }

    pub(crate) fn taken(&self) -> bool {
        self.has(TAKEN)
    }

    pub(crate) fn mark_taken(&self) {
        self.set(TAKEN, true);
    }

    /// What the task failed with, when async-task holds no outcome for it: the outcome was
    /// taken (only failures are asked again, and those are kept), or a closing executor
    /// dropped its future.
    pub(crate) fn failure_without_output(&self) -> Option<TaskError> {
        match self.state() {
            State::Cancelled => Some(TaskError::Cancelled),
            State::Panicked => {
                let message = if self.has(FAILED) {
                    failures().get(&std::ptr::from_ref(self).addr()).cloned()
                } else {
                    None
                };
                Some(TaskError::Panicked(
                    message.unwrap_or_else(|| "the task panicked".to_owned()),
                ))
            }
            State::Pending | State::Finished => None,
        }
    }

    fn remember_failure(&self, message: String) {
        let old = failures().insert(std::ptr::from_ref(self).addr(), message);
        self.set(FAILED, true);
        drop(old);
    }

    /// The state's name, for `Debug`.
    pub(crate) fn state_name(&self) -> &'static str {
        match self.state() {
            State::Pending if self.cancel_requested() => "cancelling",
            State::Pending => "pending",
            State::Finished => "finished",
            State::Cancelled => "cancelled",
            State::Panicked => "panicked",
        }
    }

    pub(crate) fn mark_cancel_requested(&self) {
        self.flags.set(self.flags.get() | CANCEL_REQUESTED);
    }

    /// Asks the task to stop at its next await point; `false` once it is done. The task is
    /// woken through its registry entry (every unfinished task has one): its next poll sees
    /// the flag (a task that is queued already, or running, is not queued twice).
    pub(crate) fn request_cancel(&self) -> bool {
        if self.is_done() {
            return false;
        }
        self.mark_cancel_requested();
        let key = self.registry_key.get();
        with_local_inner(&self.shared, |inner| inner.wake_task(key, self));
        true
    }

    /// The name given with `set_name`, or `Task-N`.
    pub(crate) fn name(&self) -> String {
        if self.flags.get() & NAMED != 0
            && let Some(name) = names().get(&std::ptr::from_ref(self).addr())
        {
            return name.clone();
        }
        self.id.default_name()
    }

    pub(crate) fn set_name(&self, name: String) {
        let old = names().insert(std::ptr::from_ref(self).addr(), name);
        self.flags.set(self.flags.get() | NAMED);
        drop(old);
    }

    /// Records the outcome and tells everyone: the handles get the output and their waiters
    /// are woken, the registry forgets the task, done-callbacks are queued. On the executor's
    /// thread, from the task's own poll or the drop of its future. Gives back the outcome
    /// if the only handle is async-task's own, for async-task to keep.
    fn complete<T: 'static>(&self, out: Result<T, TaskError>) -> Outcome<T> {
        let state = match &out {
            Ok(_) => State::Finished,
            Err(TaskError::Cancelled) => State::Cancelled,
            Err(_) => State::Panicked,
        };
        self.set_state(state);
        let handle = self.handle.get().map(|ptr| {
            let ptr = ptr.cast::<HandleInner<T>>().as_ptr().cast_const();
            // SAFETY: `handle` is set only while the `Rc<HandleInner<T>>` it points into is
            // alive (its drop clears it first), with this task's output type `T` (set by
            // `spawn_local`, whose `Task<F::Output>` it is). We are on the executor's thread,
            // where that Rc lives. Taking a strong count of our own keeps it alive while the
            // wakers below run user code that may drop the last handle.
            unsafe {
                Rc::increment_strong_count(ptr);
                Rc::from_raw(ptr)
            }
        });
        // The registry forgets the task before any user code runs below (a hook, a waker):
        // if that code panics, the unwinding may free the task, and the registry must not
        // be left pointing at it.
        let key = self.registry_key.get();
        with_local_inner(&self.shared, |inner| inner.unregister_task(key, self));
        if handle.is_none() && self.joined() {
            return Some(out);
        }
        let Some(handle) = handle else {
            // Nobody can ever look at this outcome: report a panic now (asyncio reports an
            // exception never retrieved when the task is collected).
            if let Err(TaskError::Panicked(message)) = &out {
                with_local_inner(&self.shared, |inner| {
                    inner.report(ExecutorEvent::UnretrievedPanic {
                        task: &self.name(),
                        message,
                    });
                });
            }
            drop(out);
            return None;
        };
        let callbacks = handle.finish(out);
        with_local_inner(&self.shared, |inner| {
            if !callbacks.is_empty() {
                // asyncio: done-callbacks always go through call_soon, in registration order.
                let task = Task::from_inner(handle);
                for (_, cb) in callbacks {
                    let task = task.clone();
                    inner.push_local(Ready::Callback(CallbackCell::new_dyn(move || cb(&task))));
                }
            }
        });
        None
    }
}

impl Drop for TaskMeta {
    fn drop(&mut self) {
        if self.flags.get() & NAMED != 0 {
            let name = names().remove(&std::ptr::from_ref(self).addr());
            drop(name);
        }
        if self.has(FAILED) {
            let message = failures().remove(&std::ptr::from_ref(self).addr());
            drop(message);
        }
    }
}

thread_local! {
    /// The metadata of the task whose runnable is being run or dropped on this thread (null
    /// otherwise): how the task's future finds its own metadata without keeping a pointer to
    /// it in every task. Set and restored by [`Stepping`].
    static STEPPING: Cell<*const TaskMeta> = const { Cell::new(std::ptr::null()) };
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
            previous: STEPPING.with(|s| s.replace(meta)),
        }
    }

    /// The metadata of the task being stepped.
    fn meta<'a>() -> &'a TaskMeta {
        let meta = STEPPING.with(Cell::get);
        assert!(
            !meta.is_null(),
            "a corio task's future was polled or dropped outside the executor"
        );
        // SAFETY: non-null, `STEPPING` was set by the `Stepping` guard around the very call
        // that polls or drops this future (the invariant on `Stepping`), from the runnable's
        // metadata; the runnable keeps the allocation, hence the metadata, alive during that
        // call, and the callers below use the reference within it.
        unsafe { &*meta }
    }
}

impl Drop for Stepping {
    fn drop(&mut self) {
        let _ = STEPPING.try_with(|s| s.set(self.previous));
    }
}

pin_project! {
    /// The future async-task runs: the user's future plus the bookkeeping around each step.
    /// It finds its task's metadata through [`Stepping`].
    pub(crate) struct TaskFuture<F>
    where
        F: Future,
        F: 'static,
        F::Output: 'static,
    {
        #[pin]
        pub(crate) future: Option<F>,
    }

    impl<F> PinnedDrop for TaskFuture<F>
    where
        F: Future,
        F: 'static,
        F::Output: 'static,
    {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if this.future.is_some() {
                // Dropped before it finished (the executor closed): destructors run now (as
                // the current task: `discard` sets it), and the handles see a cancelled task
                // rather than waiting forever.
                let meta = Stepping::meta();
                let outcome = match drop_future(this.future) {
                    None => Err(TaskError::Cancelled),
                    Some(message) => Err(TaskError::Panicked(message)),
                };
                if !meta.is_done()
                    && let Some(Err(TaskError::Panicked(message))) =
                        meta.complete::<F::Output>(outcome)
                {
                    // async-task keeps no output for a dropped future: kept aside for the
                    // only handle.
                    meta.remember_failure(message);
                }
            }
        }
    }
}

impl<F> Future for TaskFuture<F>
where
    F: Future + 'static,
    F::Output: 'static,
{
    type Output = Outcome<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let meta = Stepping::meta();
        // async-task polls with the task's own waker, which `current_task()` hands out: checked,
        // since `meta_of` reads through it.
        assert!(
            is_own_waker(cx.waker(), meta),
            "a corio task was polled with a waker that is not its own"
        );
        let _current = CurrentGuard::set(cx.waker());
        if meta.cancel_requested() {
            // Stopped at the await point instead of being polled again. A task cancelled
            // before its first step never runs its body. Its destructors run now, as the
            // current task; one that panics turns the cancellation into that panic.
            let outcome = match drop_future(this.future) {
                None => Err(TaskError::Cancelled),
                Some(message) => Err(TaskError::Panicked(message)),
            };
            return Poll::Ready(meta.complete::<F::Output>(outcome));
        }
        let Some(future) = this.future.as_mut().as_pin_mut() else {
            return Poll::Ready(None);
        };
        let slow = crate::executor::slow_step_threshold();
        let started = slow.map(|_| Instant::now());
        let polled = catch_unwind(AssertUnwindSafe(|| future.poll(cx)));
        let elapsed = started.map(|s| s.elapsed());
        let result = match polled {
            Ok(Poll::Pending) => {
                if !meta.has(WAKER_REGISTERED) {
                    // First wait: from now on nothing else may hold the task, so the
                    // registry keeps a reference (tasks that end in their first step, the
                    // common case, never pay for it).
                    meta.set(WAKER_REGISTERED, true);
                    let key = meta.registry_key.get();
                    with_local_inner(&meta.shared, |inner| {
                        inner.set_task_waker(key, meta, cx.waker());
                    });
                }
                if meta.cancel_requested() {
                    // Cancelled during this step (or the executor closed): stop at this
                    // await point, from the queue.
                    cx.waker().wake_by_ref();
                }
                Poll::Pending
            }
            Ok(Poll::Ready(v)) => {
                let outcome = match drop_future(this.future) {
                    Some(message) => Err(TaskError::Panicked(message)),
                    // Cancelled during the step in which it returned: `cancel()` said yes, so
                    // the task ends cancelled and its value is dropped (asyncio's
                    // `_must_cancel` when the coroutine stops).
                    None if meta.cancel_requested() => {
                        drop(v);
                        Err(TaskError::Cancelled)
                    }
                    None => Ok(v),
                };
                Poll::Ready(meta.complete(outcome))
            }
            Err(payload) => {
                let message = panic_message(&*payload);
                // A second panic while unwinding the future's drop is ignored: the first
                // one is the task's failure.
                let _ = drop_future(this.future);
                Poll::Ready(meta.complete::<F::Output>(Err(TaskError::Panicked(message))))
            }
        };
        // Reported after the step, so the report shows the state the step left (asyncio
        // prints "<Task finished ...> took 0.207 seconds").
        if let (Some(threshold), Some(elapsed)) = (slow, elapsed)
            && elapsed > threshold
            && let Some(inner) = local_inner(&meta.shared)
        {
            inner.report(ExecutorEvent::SlowStep(&SlowStep {
                kind: StepKind::Task(AnyTask::from_waker(cx.waker().clone())),
                elapsed,
            }));
        }
        result
    }
}

/// Drops the task's future in place, catching a panic from its destructors (a task's
/// cleanup must not take the executor down). Returns the panic's message, if any.
fn drop_future<F>(future: Pin<&mut Option<F>>) -> Option<String> {
    let mut future = future;
    catch_unwind(AssertUnwindSafe(|| future.set(None)))
        .err()
        .map(|payload| panic_message(&*payload))
}
