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
use crate::task::core::{Output, State, TaskMeta};

pub(crate) type DoneCallback<T> = Box<dyn FnOnce(&Task<T>)>;

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
    /// async-task's handle: keeps the task's allocation (and its metadata) alive until the
    /// last `Task<T>` goes, then is detached (never dropped: that would cancel the task).
    join: ManuallyDrop<async_task::Task<(), TaskMeta>>,
    /// Read and written through [`HandleInner::with_output`] only.
    output: Cell<Output<T>>,
    /// The first handle awaiting the task (the usual case needs no allocation).
    first_waiter: Cell<Option<Waker>>,
    /// Read and written through [`HandleInner::with_extras`] only.
    extras: Cell<Option<Box<HandleExtras<T>>>>,
}

impl<T: 'static> HandleInner<T> {
    /// The handles of a task just spawned. Registers itself in the task's metadata.
    pub(crate) fn attach(join: async_task::Task<(), TaskMeta>) -> Rc<HandleInner<T>> {
        let inner = Rc::new(HandleInner {
            join: ManuallyDrop::new(join),
            output: Cell::new(Output::None),
            first_waiter: Cell::new(None),
            extras: Cell::new(None),
        });
        // `Rc::as_ptr`, not a reference: the pointer keeps the provenance of the whole
        // allocation, counts included, for `Rc::increment_strong_count` in `complete`.
        let ptr = NonNull::new(Rc::as_ptr(&inner).cast_mut().cast::<()>());
        inner.meta().handle.set(ptr);
        inner
    }

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
        self.join.metadata()
    }

    /// Runs `f` on the output. The slot is a `Cell` (no borrow flag in every handle): the
    /// value is moved out for the call and put back after it, also if `f` panics. `f` must
    /// not reach this task's output again (it would see `Output::None`).
    fn with_output<R>(&self, f: impl FnOnce(&mut Output<T>) -> R) -> R {
        let mut guard = PutBack {
            cell: &self.output,
            value: self.output.replace(Output::None),
        };
        f(&mut guard.value)
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
        if let Output::Failed(failure) = &self.output.replace(Output::None)
            && let TaskError::Panicked(message) = &**failure
            && !meta.retrieved()
            && let Some(inner) = local_inner(&meta.shared)
        {
            inner.report(ExecutorEvent::UnretrievedPanic {
                task: &meta.name(),
                message,
            });
        }
        // SAFETY: taken once, here, and `join` is not used again.
        let join = unsafe { ManuallyDrop::take(&mut self.join) };
        join.detach();
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
    inner: Rc<HandleInner<T>>,
    /// This handle registered a waiter (it is being awaited) at this index of `waiters`.
    waiting: Option<u32>,
}

impl<T: 'static> Task<T> {
    pub(crate) fn from_inner(inner: Rc<HandleInner<T>>) -> Task<T> {
        Task {
            inner,
            waiting: None,
        }
    }

    /// The task's id.
    ///
    /// # Examples
    ///
    /// See [`TaskId`].
    pub fn id(&self) -> TaskId {
        self.inner.meta().id
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
        self.inner.meta().set_name(name.into());
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
        self.inner.meta().request_cancel()
    }

    /// Whether the task has finished: with an output, cancelled, or panicked.
    ///
    /// # Examples
    ///
    /// See [`Task`].
    pub fn done(&self) -> bool {
        self.inner.meta().is_done()
    }

    /// Whether the task ended cancelled.
    ///
    /// # Examples
    ///
    /// See [`Task::cancel`].
    pub fn cancelled(&self) -> bool {
        self.inner.meta().state() == State::Cancelled
    }

    /// The task's outcome without waiting, cloning the output.
    ///
    /// # Errors
    ///
    /// [`TaskError::Pending`] while it runs, [`TaskError::Cancelled`] or
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
        let meta = self.inner.meta();
        self.inner.with_output(|output| match output {
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
    /// [`TaskError::Pending`] while it runs; otherwise as for awaiting.
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
        let meta = self.inner.meta();
        self.inner
            .with_output(|output| match std::mem::replace(output, Output::Taken) {
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
        let meta = self.inner.meta();
        self.inner.with_output(|output| match output {
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
        let id = self.inner.with_extras(|extras| {
            extras.next_callback += 1;
            extras.next_callback - 1
        });
        if self.done() {
            match local_inner(&self.inner.meta().shared) {
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
            self.inner
                .with_extras(|extras| extras.callbacks.push((id, callback)));
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
        let removed = self.inner.with_extras_if_any(|extras| {
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
        AnyTask::from_handle(self.inner.clone())
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
            inner: self.inner.clone(),
            waiting: None,
        }
    }
}

impl<T: 'static> Future for Task<T> {
    type Output = Result<T, TaskError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        if !this.inner.meta().is_done() {
            match this.waiting {
                // Slot 0 is the shared part's own; the others are in its extras.
                Some(0) => {
                    let old = this.inner.first_waiter.take();
                    this.inner.first_waiter.set(Some(match old {
                        Some(w) if w.will_wake(cx.waker()) => w,
                        _ => cx.waker().clone(),
                    }));
                }
                Some(i) => this.inner.with_extras(|extras| {
                    let slot = &mut extras.waiters[i as usize - 1];
                    if !slot.will_wake(cx.waker()) {
                        slot.clone_from(cx.waker());
                    }
                }),
                None => {
                    let first = this.inner.first_waiter.take();
                    if first.is_none() {
                        this.inner.first_waiter.set(Some(cx.waker().clone()));
                        this.waiting = Some(0);
                    } else {
                        this.inner.first_waiter.set(first);
                        let len = this.inner.with_extras(|extras| {
                            extras.waiters.push(cx.waker().clone());
                            extras.waiters.len()
                        });
                        this.waiting = Some(u32::try_from(len).unwrap_or(u32::MAX));
                    }
                }
            }
            return Poll::Pending;
        }
        this.waiting = None;
        Poll::Ready(this.try_take())
    }
}

impl<T> Drop for Task<T> {
    fn drop(&mut self) {
        // Dropped while being awaited: the awaiter was cancelled, so is the task (asyncio).
        if self.waiting.is_some() {
            self.inner.meta().request_cancel();
        }
    }
}

impl<T> PartialEq for Task<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

impl<T> Eq for Task<T> {}

impl<T> Hash for Task<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.inner.meta().id.hash(state);
    }
}

impl<T: 'static> fmt::Debug for Task<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.as_any(), f)
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
        self.task.clone()
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
            self.task.inner.meta().request_cancel();
        }
    }
}

impl<T: 'static> fmt::Debug for CancelOnDrop<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CancelOnDrop").field(&self.task).finish()
    }
}
