use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::mem::ManuallyDrop;
use std::ops::Deref;
use std::pin::Pin;
use std::ptr::NonNull;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use crate::error::TaskError;
use crate::executor::{ExecutorEvent, local_inner};
use crate::task::any::{AnyTask, HasMeta, TaskId};
use crate::task::core::{Outcome, Output, State, TaskMeta};

pub(crate) type DoneCallback<T> = Box<dyn FnOnce(&Task<T>)>;

/// async-task's own handle of a task: keeps the task's allocation (and its metadata) alive,
/// and holds the outcome async-task keeps for it. Detached when dropped (dropping
/// async-task's handle would cancel the task).
pub(crate) struct Join<T>(
    ManuallyDrop<async_task::FallibleTask<Outcome<T>, crate::task::core::TaskMeta>>,
);

impl<T> Join<T> {
    pub(crate) fn new(task: async_task::Task<Outcome<T>, TaskMeta>) -> Join<T> {
        Join(ManuallyDrop::new(task.fallible()))
    }

    /// What async-task holds for the task, without waiting. `None` while it has nothing
    /// yet (the task has not finished, or is finishing right now).
    fn fetch(&mut self, meta: &TaskMeta, cx: &mut Context<'_>) -> Option<Result<T, TaskError>> {
        if meta.taken() {
            return Some(Err(TaskError::OutputTaken));
        }
        match Pin::new(&mut *self.0).poll(cx) {
            Poll::Pending => None,
            Poll::Ready(Some(Some(outcome))) => {
                if outcome.is_ok() {
                    meta.mark_taken();
                }
                Some(outcome)
            }
            // The outcome went to the shared handle part (not while this join is unique),
            // or async-task has none: the future was dropped, or the outcome taken.
            Poll::Ready(Some(None) | None) => Some(
                meta.failure_without_output()
                    .map_or(Err(TaskError::OutputTaken), Err),
            ),
        }
    }

    /// [`Join::fetch`] without registering a waker: `None` until async-task has the outcome.
    /// A task is done (its state set) before async-task stores its outcome: the step that
    /// finished it still runs the slow-step hook (user code) before it returns the outcome.
    /// Polling in between would put the no-op waker in async-task's awaiter slot, in place
    /// of the waker of whoever awaits this handle, who would then never be woken.
    fn fetch_now(&mut self, meta: &TaskMeta) -> Option<Result<T, TaskError>> {
        if !meta.taken() && !self.0.is_finished() {
            return None;
        }
        self.fetch(meta, &mut Context::from_waker(Waker::noop()))
    }
}

/// The output to keep for what [`Join::fetch`] gave.
fn output_of<T>(fetched: Option<Result<T, TaskError>>) -> Output<T> {
    match fetched {
        None => Output::None,
        Some(Ok(v)) => Output::Value(v),
        Some(Err(TaskError::OutputTaken)) => Output::Taken,
        Some(Err(e)) => Output::Failed(Box::new(e)),
    }
}

/// Reports a panic nobody looked at and nobody can look at any more.
fn report_unretrieved(meta: &TaskMeta, message: &str) {
    if let Some(inner) = local_inner(&meta.shared) {
        inner.report(ExecutorEvent::UnretrievedPanic {
            task: &meta.name(),
            message,
        });
    }
}

/// The message to report for a panicked task whose outcome async-task does not hold yet
/// (the last handle went in a hook of the step that panicked): the outcome then goes to a
/// task nobody can ask, so it is reported now, with what the metadata knows.
fn panic_in_flight(meta: &TaskMeta) -> Option<String> {
    match meta.failure_without_output() {
        Some(TaskError::Panicked(message)) if !meta.retrieved() => Some(message),
        _ => None,
    }
}

impl<T> Drop for Join<T> {
    fn drop(&mut self) {
        // SAFETY: taken once, here, and the field is not used again.
        let task = unsafe { ManuallyDrop::take(&mut self.0) };
        task.detach();
    }
}

/// What few handles use, allocated on first use so that a handle stays small.
struct HandleExtras<T> {
    callbacks: Vec<(u64, DoneCallback<T>)>,
    next_callback: u64,
    /// Waiters beyond the first (which has its own slot).
    waiters: Vec<Waker>,
}

/// What the clones of a [`Task`] share; exists only while a handle does (a detached task is
/// its async-task allocation alone). The task reaches it through [`TaskMeta::handle`] when
/// it completes.
pub(crate) struct HandleInner<T> {
    /// Keeps the task's allocation alive until the last `Task<T>` goes; read (through
    /// [`HandleInner::settle`] only) for an outcome async-task did not have yet when this
    /// part was made. `None` only while `settle` has it out.
    join: Cell<Option<Join<T>>>,
    /// The task's metadata, in the allocation `join` keeps alive.
    meta: NonNull<TaskMeta>,
    /// Read and written through [`HandleInner::with_output`] only.
    output: Cell<Output<T>>,
    /// The first handle awaiting the task (the usual case needs no allocation).
    first_waiter: Cell<Option<Waker>>,
    /// Read and written through [`HandleInner::with_extras`] only.
    extras: Cell<Option<Box<HandleExtras<T>>>>,
}

impl<T> HandleInner<T> {
    /// The shared part for a handle that is about to be cloned (or asked for what only the
    /// shared part keeps). Registers itself in the task's metadata, and takes over the
    /// outcome async-task holds if the task is done. A task that is done while async-task
    /// does not hold its outcome yet (made by a hook of the step that finished it) leaves it
    /// there: [`HandleInner::settle`] fetches it on first need.
    fn attach(mut join: Join<T>, meta: NonNull<TaskMeta>) -> Rc<HandleInner<T>> {
        // SAFETY: `join` keeps the allocation of `meta` alive.
        let m = unsafe { meta.as_ref() };
        m.set_joined(false);
        let output = if m.is_done() {
            output_of(join.fetch_now(m))
        } else {
            Output::None
        };
        let inner = Rc::new(HandleInner {
            join: Cell::new(Some(join)),
            meta,
            output: Cell::new(output),
            first_waiter: Cell::new(None),
            extras: Cell::new(None),
        });
        // `Rc::as_ptr`, not a reference: the pointer keeps the provenance of the whole
        // allocation, counts included, for `Rc::increment_strong_count` in `complete`.
        let ptr = NonNull::new(Rc::as_ptr(&inner).cast_mut().cast::<()>());
        inner.meta().handle.set(ptr);
        inner
    }
}

impl<T: 'static> HandleInner<T> {
    /// Stores the outcome, wakes the waiters, and hands back the done-callbacks to queue.
    pub(crate) fn finish(
        &self,
        out: Result<T, crate::error::TaskError>,
    ) -> Vec<(u64, DoneCallback<T>)> {
        self.output.set(match out {
            Ok(v) => Output::Value(v),
            Err(e) => Output::Failed(Box::new(e)),
        });
        if let Some(w) = self.first_waiter.take() {
            w.wake();
        }
        let (waiters, callbacks) = self
            .with_extras_if_any(|e| {
                (
                    std::mem::take(&mut e.waiters),
                    std::mem::take(&mut e.callbacks),
                )
            })
            .unwrap_or_default();
        for w in waiters {
            w.wake();
        }
        callbacks
    }
}

impl<T> HandleInner<T> {
    fn meta(&self) -> &TaskMeta {
        // SAFETY: `join` keeps the allocation of `meta` alive as long as `self` (also while
        // `settle` has it out of its cell).
        unsafe { self.meta.as_ref() }
    }

    /// Runs `f` on the output, settled first (see [`HandleInner::settle`]). The slot is a
    /// `Cell` (no borrow flag in every handle): the value is moved out for the call and put
    /// back after it, also if `f` panics. `f` must not reach this task's output again (it
    /// would see `Output::None`).
    fn with_output<R>(&self, f: impl FnOnce(&mut Output<T>) -> R) -> R {
        let mut guard = PutBack {
            cell: &self.output,
            value: self.output.replace(Output::None),
        };
        self.settle(&mut guard.value);
        f(&mut guard.value)
    }

    /// Fills the empty output of a finished task with the outcome async-task holds. A done
    /// task's shared part has no output only when it was made from the unique handle while
    /// the outcome was on its way to async-task (see [`Join::fetch_now`]); it stays empty
    /// until async-task has it, at the latest once the step that finished the task returns.
    fn settle(&self, output: &mut Output<T>) {
        let meta = self.meta();
        if !matches!(output, Output::None) || !meta.is_done() {
            return;
        }
        let mut join = PutBack {
            cell: &self.join,
            value: self.join.take(),
        };
        if let Some(join) = join.value.as_mut() {
            *output = output_of(join.fetch_now(meta));
        }
    }

    /// Runs `f` on the extras, made on first use; as [`HandleInner::with_output`]. `f` runs
    /// no user code (it drops no callback).
    fn with_extras<R>(&self, f: impl FnOnce(&mut HandleExtras<T>) -> R) -> R {
        let extras = self.extras.take().unwrap_or_else(|| {
            Box::new(HandleExtras {
                callbacks: Vec::new(),
                next_callback: 0,
                waiters: Vec::new(),
            })
        });
        let mut guard = PutBack {
            cell: &self.extras,
            value: Some(extras),
        };
        match guard.value.as_deref_mut() {
            Some(extras) => f(extras),
            None => unreachable!("the extras were just put in the guard"),
        }
    }

    /// [`HandleInner::with_extras`] if they exist.
    fn with_extras_if_any<R>(&self, f: impl FnOnce(&mut HandleExtras<T>) -> R) -> Option<R> {
        let mut guard = PutBack {
            cell: &self.extras,
            value: self.extras.take(),
        };
        guard.value.as_mut().map(|e| f(e))
    }
}

/// Puts a value taken out of a `Cell` back when dropped, also during a panic.
struct PutBack<'a, V: Default> {
    cell: &'a Cell<V>,
    value: V,
}

impl<V: Default> Drop for PutBack<'_, V> {
    fn drop(&mut self) {
        self.cell.set(std::mem::take(&mut self.value));
    }
}

impl<T> Drop for HandleInner<T> {
    fn drop(&mut self) {
        let meta = self.meta();
        // First: the task must not reach this value any more.
        meta.handle.set(None);
        let mut output = self.output.replace(Output::None);
        self.settle(&mut output);
        match &output {
            Output::Failed(failure) => {
                if let TaskError::Panicked(message) = &**failure
                    && !meta.retrieved()
                {
                    report_unretrieved(meta, message);
                }
            }
            // Done, and async-task does not hold the outcome yet.
            Output::None if meta.is_done() => {
                if let Some(message) = panic_in_flight(meta) {
                    report_unretrieved(meta, &message);
                }
            }
            Output::None | Output::Value(_) | Output::Taken => {}
        }
        // `join` is detached as it drops.
    }
}

impl<T> HasMeta for HandleInner<T> {
    fn meta(&self) -> &TaskMeta {
        HandleInner::meta(self)
    }
}

/// A handle to a spawned task: await it, cancel it, ask it, name it, hang callbacks on it.
///
/// asyncio's `Task`, in Rust's shape:
///
/// - **Cheap to clone**; clones compare equal and hash alike, so combinators can hand back
///   the very handles they were given.
/// - **Awaitable by several waiters.** Awaiting gives `Ok(output)` to the first waiter that
///   sees the task finished; it *moves* the output out, so the other waiters get
///   [`TaskError::OutputTaken`]. When several parties need the value, use
///   [`Task::result`] (for `T: Clone`) or wrap the output in an `Rc`. A cancellation or a
///   panic is reported to every waiter.
/// - **Detached when dropped.** The task keeps running when every handle is gone (asyncio's
///   `create_task`). Use [`Task::cancel_on_drop`] to tie its life to a handle instead.
/// - **Cancellation follows the awaiter.** If a handle is dropped *while being awaited*
///   (the awaiting task was itself cancelled), the task is cancelled too, as asyncio cancels
///   the future a cancelled task was waiting on.
///
/// # Examples
///
/// ```
/// use corio_executor::{LocalExecutor, TaskError, park};
///
/// let (mut parker, unparker) = park::pair();
/// let ex = LocalExecutor::new(unparker);
/// let task = ex.spawn_local(async { "the result" });
/// task.set_name("worker");
/// let other = task.clone();
/// assert_eq!(task, other);
/// assert!(!task.done());
/// assert_eq!(ex.block_on(task, &mut parker), Ok("the result"));
/// assert!(other.done());
/// assert_eq!(other.result(), Err(TaskError::OutputTaken));
/// ```
pub struct Task<T> {
    /// The task's metadata, in the allocation that `repr` keeps alive.
    meta: NonNull<TaskMeta>,
    /// Read and written through `take`/`set` (no borrow flag): `Empty` only in between, or
    /// once `CancelOnDrop::detach` moved the handle out.
    repr: Cell<Repr<T>>,
    /// Where this handle's waker is while it is being awaited.
    waiting: Waiting,
}

/// Where the waker of a handle being awaited is.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum Waiting {
    /// The handle is not being awaited.
    #[default]
    No,
    /// In async-task's own awaiter slot: the handle was unique. Not a slot of the shared
    /// part, which a clone may own by now: once shared, the handle registers anew.
    AsyncTask,
    /// In the shared part: 0 is its `first_waiter`, `i` is `waiters[i - 1]` of its extras.
    Slot(u32),
}

/// A handle is unique (async-task's own, the one `spawn_local` gave: no allocation of its
/// own) until it is cloned or asked for what only a shared part keeps (a done-callback, a
/// cloned result, a type-erased view); then it and its clones share a [`HandleInner`].
#[derive(Default)]
enum Repr<T> {
    #[default]
    Empty,
    Unique(Join<T>),
    Shared(Rc<HandleInner<T>>),
}

impl<T> Task<T> {
    fn meta(&self) -> &TaskMeta {
        // SAFETY: while `repr` is not `Empty`, it keeps the allocation of `meta` alive (a
        // `Join`, or a `HandleInner` holding one); every caller has a non-empty `repr`
        // (`Empty` is only seen in `Drop`, which checks, and inside `shared`).
        unsafe { self.meta.as_ref() }
    }
}

impl<T> Task<T> {
    pub(crate) fn new(join: async_task::Task<Outcome<T>, TaskMeta>) -> Task<T> {
        let meta = NonNull::from(join.metadata());
        join.metadata().set_joined(true);
        Task {
            meta,
            repr: Cell::new(Repr::Unique(Join::new(join))),
            waiting: Waiting::No,
        }
    }

    pub(crate) fn from_inner(inner: Rc<HandleInner<T>>) -> Task<T> {
        Task {
            meta: inner.meta,
            repr: Cell::new(Repr::Shared(inner)),
            waiting: Waiting::No,
        }
    }

    /// The shared part, made now if this handle was unique.
    fn shared(&self) -> Rc<HandleInner<T>> {
        let inner = match self.repr.take() {
            Repr::Shared(inner) => inner,
            Repr::Unique(join) => HandleInner::attach(join, self.meta),
            Repr::Empty => unreachable!("a live handle is never empty"),
        };
        self.repr.set(Repr::Shared(inner.clone()));
        inner
    }

    /// Keeps a failure that async-task handed over (it keeps no copy) where every later
    /// question finds it: in the shared part.
    fn keep_failure(&self, error: &TaskError) {
        if matches!(error, TaskError::OutputTaken) {
            return;
        }
        self.meta().mark_retrieved();
        self.shared()
            .output
            .set(Output::Failed(Box::new(error.clone())));
    }
}

impl<T: 'static> Task<T> {
    /// The task's id.
    ///
    /// # Examples
    ///
    /// See [`TaskId`].
    pub fn id(&self) -> TaskId {
        self.meta().id
    }

    /// The task's name: `Task-N` unless set with [`Task::set_name`].
    ///
    /// # Examples
    ///
    /// See [`Task`].
    pub fn name(&self) -> String {
        self.as_any().name()
    }

    /// Names the task (asyncio's `set_name`); the name shows in debug reports.
    ///
    /// # Examples
    ///
    /// See [`Task`].
    pub fn set_name(&self, name: impl Into<String>) {
        self.meta().set_name(name.into());
    }

    /// Asks the task to stop at its next await point. Returns `false` if it already
    /// finished, `true` otherwise (also when asked before).
    ///
    /// The task's future is then dropped instead of being polled again, so its destructors
    /// run, and its waiters get [`TaskError::Cancelled`]. A task cancelled before its first
    /// step never runs its body.
    ///
    /// # Examples
    ///
    /// ```
    /// # use corio_executor::{LocalExecutor, TaskError, park};
    /// # let (mut parker, unparker) = park::pair();
    /// # let ex = LocalExecutor::new(unparker);
    /// let task = ex.spawn_local(async { unreachable!("never runs") });
    /// assert!(task.cancel());
    /// assert_eq!(ex.block_on(task.clone(), &mut parker), Err(TaskError::Cancelled));
    /// assert!(!task.cancel()); // done now
    /// assert!(task.cancelled());
    /// ```
    pub fn cancel(&self) -> bool {
        self.meta().request_cancel()
    }

    /// Whether the task has finished: with an output, cancelled, or panicked.
    ///
    /// # Examples
    ///
    /// See [`Task`].
    pub fn done(&self) -> bool {
        self.meta().is_done()
    }

    /// Whether the task ended cancelled.
    ///
    /// # Examples
    ///
    /// See [`Task::cancel`].
    pub fn cancelled(&self) -> bool {
        self.meta().state() == State::Cancelled
    }

    /// The task's outcome without waiting, cloning the output.
    ///
    /// # Errors
    ///
    /// [`TaskError::Pending`] while it runs (and in a hook run by the step that finished it,
    /// until that step returns), [`TaskError::Cancelled`] or
    /// [`TaskError::Panicked`] if it failed, [`TaskError::OutputTaken`] if a waiter moved the
    /// output out.
    ///
    /// # Examples
    ///
    /// ```
    /// # use corio_executor::{LocalExecutor, TaskError, park};
    /// # let (mut parker, unparker) = park::pair();
    /// # let ex = LocalExecutor::new(unparker);
    /// let task = ex.spawn_local(async { 3 });
    /// assert_eq!(task.result(), Err(TaskError::Pending));
    /// ex.block_on(corio_executor::yield_now(), &mut parker);
    /// assert_eq!(task.result(), Ok(3));
    /// assert_eq!(task.result(), Ok(3));
    /// ```
    pub fn result(&self) -> Result<T, TaskError>
    where
        T: Clone,
    {
        let inner = self.shared();
        let meta = inner.meta();
        inner.with_output(|output| match output {
            Output::None => Err(TaskError::Pending),
            Output::Value(v) => Ok(v.clone()),
            Output::Taken => Err(TaskError::OutputTaken),
            Output::Failed(e) => {
                meta.mark_retrieved();
                Err((**e).clone())
            }
        })
    }

    /// Takes the output of a finished task without waiting: what awaiting it would give.
    ///
    /// # Errors
    ///
    /// [`TaskError::Pending`] while it runs (and in a hook run by the step that finished it,
    /// until that step returns); otherwise as for awaiting.
    ///
    /// # Examples
    ///
    /// ```
    /// # use corio_executor::{LocalExecutor, TaskError, park};
    /// # let (mut parker, unparker) = park::pair();
    /// # let ex = LocalExecutor::new(unparker);
    /// let task = ex.spawn_local(async { vec![1, 2] });
    /// assert_eq!(task.try_take(), Err(TaskError::Pending));
    /// ex.block_on(corio_executor::yield_now(), &mut parker);
    /// assert_eq!(task.try_take(), Ok(vec![1, 2]));
    /// assert_eq!(task.try_take(), Err(TaskError::OutputTaken));
    /// ```
    pub fn try_take(&self) -> Result<T, TaskError> {
        match self.repr.take() {
            Repr::Unique(mut join) => {
                let meta = self.meta();
                let fetched = if meta.is_done() {
                    join.fetch_now(meta)
                } else {
                    None
                };
                self.repr.set(Repr::Unique(join));
                return match fetched {
                    None => Err(TaskError::Pending),
                    Some(Ok(v)) => Ok(v),
                    Some(Err(e)) => {
                        self.keep_failure(&e);
                        Err(e)
                    }
                };
            }
            other => self.repr.set(other),
        }
        let inner = self.shared();
        let meta = inner.meta();
        inner.with_output(|output| match std::mem::replace(output, Output::Taken) {
            Output::Value(v) => Ok(v),
            Output::Taken => Err(TaskError::OutputTaken),
            Output::Failed(e) => {
                meta.mark_retrieved();
                let error = (*e).clone();
                *output = Output::Failed(e);
                Err(error)
            }
            Output::None => {
                *output = Output::None;
                Err(TaskError::Pending)
            }
        })
    }

    /// The task's failure, if it finished with one (asyncio's `exception()`).
    ///
    /// # Errors
    ///
    /// [`TaskError::Pending`] while the task runs.
    ///
    /// # Examples
    ///
    /// ```
    /// # use corio_executor::{LocalExecutor, TaskError, park};
    /// # let (mut parker, unparker) = park::pair();
    /// # let ex = LocalExecutor::new(unparker);
    /// let task = ex.spawn_local(async { 1 });
    /// task.cancel();
    /// ex.block_on(corio_executor::yield_now(), &mut parker);
    /// assert_eq!(task.failure(), Ok(Some(TaskError::Cancelled)));
    /// ```
    pub fn failure(&self) -> Result<Option<TaskError>, TaskError> {
        let inner = self.shared();
        let meta = inner.meta();
        inner.with_output(|output| match output {
            Output::None => Err(TaskError::Pending),
            Output::Failed(e) => {
                meta.mark_retrieved();
                Ok(Some((**e).clone()))
            }
            Output::Value(_) | Output::Taken => Ok(None),
        })
    }

    /// Calls `callback` with this task once it is done, through the executor's ready queue
    /// (asyncio's `add_done_callback`): callbacks run in registration order, never inside the
    /// code that completed the task, and also when added to a finished task. Returns an id
    /// for [`Task::remove_done_callback`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::{cell::RefCell, rc::Rc};
    /// # use corio_executor::{LocalExecutor, park};
    /// # let (mut parker, unparker) = park::pair();
    /// # let ex = LocalExecutor::new(unparker);
    /// let log = Rc::new(RefCell::new(Vec::new()));
    /// let task = ex.spawn_local(async { 7 });
    /// let l = log.clone();
    /// task.add_done_callback(move |t| l.borrow_mut().push(t.result().unwrap()));
    /// let l = log.clone();
    /// let id = task.add_done_callback(move |_| l.borrow_mut().push(0));
    /// assert!(task.remove_done_callback(id));
    /// ex.block_on(async {
    /// corio_executor::yield_now().await; // the task runs and queues its callbacks
    /// corio_executor::yield_now().await; // the callbacks run
    /// }, &mut parker);
    /// assert_eq!(*log.borrow(), [7]);
    /// ```
    pub fn add_done_callback(&self, callback: impl FnOnce(&Task<T>) + 'static) -> u64 {
        let inner = self.shared();
        let id = inner.with_extras(|extras| {
            extras.next_callback += 1;
            extras.next_callback - 1
        });
        if self.done() {
            match local_inner(&inner.meta().shared) {
                Some(inner) if !inner.is_closed() => {
                    let task = self.clone();
                    inner.push_local(crate::executor::Ready::Callback(
                        crate::callback::CallbackCell::new_dyn(move || callback(&task)),
                    ));
                }
                // No executor to queue it on: run it now rather than lose it.
                _ => callback(self),
            }
        } else {
            let callback: DoneCallback<T> = Box::new(callback);
            inner.with_extras(|extras| extras.callbacks.push((id, callback)));
        }
        id
    }

    /// Removes a done-callback that has not been scheduled yet; `true` if it was found.
    ///
    /// # Examples
    ///
    /// See [`Task::add_done_callback`].
    pub fn remove_done_callback(&self, id: u64) -> bool {
        // The callback is dropped (user code) once the extras are back in place.
        let repr = self.repr.take();
        let inner = match &repr {
            Repr::Shared(inner) => Some(inner.clone()),
            _ => None,
        };
        self.repr.set(repr);
        let Some(inner) = inner else {
            return false; // a unique handle has no callbacks
        };
        let removed = inner.with_extras_if_any(|extras| {
            let at = extras.callbacks.iter().position(|(i, _)| *i == id)?;
            Some(extras.callbacks.remove(at))
        });
        removed.flatten().is_some()
    }

    /// A type-erased handle to the same task.
    ///
    /// # Examples
    ///
    /// See [`AnyTask`].
    pub fn as_any(&self) -> AnyTask {
        AnyTask::from_handle(self.shared())
    }

    /// Wraps the handle so that dropping it cancels the task (tokio's `JoinHandle` does not
    /// do this either; smol's `Task` does).
    ///
    /// # Examples
    ///
    /// ```
    /// # use corio_executor::{LocalExecutor, park};
    /// # let (mut parker, unparker) = park::pair();
    /// # let ex = LocalExecutor::new(unparker);
    /// let task = ex.spawn_local(std::future::pending::<()>());
    /// let watcher = task.clone();
    /// drop(task.cancel_on_drop());
    /// ex.block_on(corio_executor::yield_now(), &mut parker);
    /// assert!(watcher.cancelled());
    /// ```
    pub fn cancel_on_drop(self) -> CancelOnDrop<T> {
        CancelOnDrop {
            task: self,
            armed: true,
        }
    }
}

impl<T> Clone for Task<T> {
    fn clone(&self) -> Self {
        Task {
            meta: self.meta,
            repr: Cell::new(Repr::Shared(self.shared())),
            waiting: Waiting::No,
        }
    }
}

impl<T: 'static> Future for Task<T> {
    type Output = Result<T, TaskError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let inner = match this.repr.get_mut() {
            Repr::Unique(join) => {
                // SAFETY: as in `Task::meta`: `join` keeps the allocation alive.
                let meta = unsafe { this.meta.as_ref() };
                // async-task's own awaiter slot holds this handle's waker meanwhile.
                let Some(out) = join.fetch(meta, cx) else {
                    this.waiting = Waiting::AsyncTask;
                    return Poll::Pending;
                };
                this.waiting = Waiting::No;
                if let Err(e) = &out {
                    this.keep_failure(e);
                }
                return Poll::Ready(out);
            }
            Repr::Shared(inner) => inner.clone(),
            Repr::Empty => return Poll::Ready(Err(TaskError::OutputTaken)),
        };
        if !inner.meta().is_done() {
            match this.waiting {
                // Slot 0 is the shared part's own; the others are in its extras.
                Waiting::Slot(0) => {
                    let old = inner.first_waiter.take();
                    inner.first_waiter.set(Some(match old {
                        Some(w) if w.will_wake(cx.waker()) => w,
                        _ => cx.waker().clone(),
                    }));
                }
                Waiting::Slot(i) => inner.with_extras(|extras| {
                    let slot = &mut extras.waiters[i as usize - 1];
                    if !slot.will_wake(cx.waker()) {
                        slot.clone_from(cx.waker());
                    }
                }),
                // A waker left in async-task's slot while the handle was unique is not one
                // the shared part wakes: registered like a new waiter.
                Waiting::No | Waiting::AsyncTask => {
                    let first = inner.first_waiter.take();
                    if first.is_none() {
                        inner.first_waiter.set(Some(cx.waker().clone()));
                        this.waiting = Waiting::Slot(0);
                    } else {
                        inner.first_waiter.set(first);
                        let len = inner.with_extras(|extras| {
                            extras.waiters.push(cx.waker().clone());
                            extras.waiters.len()
                        });
                        this.waiting = Waiting::Slot(u32::try_from(len).unwrap_or(u32::MAX));
                    }
                }
            }
            return Poll::Pending;
        }
        this.waiting = Waiting::No;
        match this.try_take() {
            // Done, but async-task does not hold the outcome yet: it will once the step that
            // finished the task returns (this is a hook of that step), so polled again then.
            Err(TaskError::Pending) => {
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            out => Poll::Ready(out),
        }
    }
}

impl<T> Drop for Task<T> {
    fn drop(&mut self) {
        let unique = match self.repr.get_mut() {
            // Moved out by `CancelOnDrop::detach`.
            Repr::Empty => return,
            Repr::Unique(join) => Some(join),
            Repr::Shared(_) => None,
        };
        // SAFETY: as in `Task::meta`: `repr` is not empty.
        let meta = unsafe { self.meta.as_ref() };
        // Dropped while being awaited: the awaiter was cancelled, so is the task (asyncio).
        if self.waiting != Waiting::No {
            meta.request_cancel();
        }
        if let Some(join) = unique {
            // The last handle: a panic nobody looked at is reported now (a shared part
            // reports it when it goes).
            if meta.state() == State::Panicked && !meta.retrieved() {
                match join.fetch_now(meta) {
                    Some(Err(TaskError::Panicked(message))) => report_unretrieved(meta, &message),
                    // async-task does not hold the outcome yet (see `panic_in_flight`).
                    None => {
                        if let Some(message) = panic_in_flight(meta) {
                            report_unretrieved(meta, &message);
                        }
                    }
                    Some(_) => {}
                }
            }
            // From now on the task reports its own panic; `join` is detached as it drops.
            meta.set_joined(false);
        }
    }
}

impl<T> PartialEq for Task<T> {
    fn eq(&self, other: &Self) -> bool {
        self.meta == other.meta
    }
}

impl<T> Eq for Task<T> {}

impl<T> Hash for Task<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.meta().id.hash(state);
    }
}

impl<T> fmt::Debug for Task<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let meta = self.meta();
        f.debug_struct("Task")
            .field("name", &meta.name())
            .field("state", &meta.state_name())
            .finish()
    }
}

/// A [`Task`] handle that cancels the task when dropped; see [`Task::cancel_on_drop`].
///
/// # Examples
///
/// ```
/// # use corio_executor::{LocalExecutor, park};
/// # let (mut parker, unparker) = park::pair();
/// # let ex = LocalExecutor::new(unparker);
/// let guarded = ex.spawn_local(async { 1 }).cancel_on_drop();
/// assert_eq!(ex.block_on(guarded, &mut parker), Ok(1));
/// ```
#[must_use = "dropping it cancels the task"]
pub struct CancelOnDrop<T> {
    task: Task<T>,
    /// Cleared by `detach`, so that dropping the wrapper then cancels nothing.
    armed: bool,
}

impl<T: 'static> CancelOnDrop<T> {
    /// Gives the plain handle back: the task is detached again.
    ///
    /// # Examples
    ///
    /// ```
    /// # use corio_executor::{LocalExecutor, park};
    /// # let (_, unparker) = park::pair();
    /// # let ex = LocalExecutor::new(unparker);
    /// let task = ex.spawn_local(async {}).cancel_on_drop().detach();
    /// drop(task);
    /// ```
    pub fn detach(mut self) -> Task<T> {
        self.armed = false;
        // Moved out (a unique handle stays unique); the wrapper keeps an empty one.
        Task {
            meta: self.task.meta,
            repr: Cell::new(self.task.repr.take()),
            waiting: std::mem::take(&mut self.task.waiting),
        }
    }
}

impl<T> Deref for CancelOnDrop<T> {
    type Target = Task<T>;
    fn deref(&self) -> &Task<T> {
        &self.task
    }
}

impl<T: 'static> Future for CancelOnDrop<T> {
    type Output = Result<T, TaskError>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.task).poll(cx)
    }
}

impl<T> Drop for CancelOnDrop<T> {
    fn drop(&mut self) {
        if self.armed {
            self.task.meta().request_cancel();
        }
    }
}

impl<T: 'static> fmt::Debug for CancelOnDrop<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CancelOnDrop").field(&self.task).finish()
    }
}
