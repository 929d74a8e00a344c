//! [`Task`]: the unique handle `LocalExecutor::spawn_local` gives, and [`CancelOnDrop`].

use std::fmt;
use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Context, Poll};

use crate::await_mark::AwaitMark;
use crate::error::TaskError;
use crate::task::any::TaskId;
use crate::task::core::{Outcome, State, TaskMeta};
use crate::task::join::{Join, panic_in_flight, report_unretrieved};
use crate::task::shared::SharedTask;

/// The handle of a spawned task: await it once, cancel it, name it, ask whether it is done.
///
/// asyncio's `Task`, in Rust's shape, for the usual case of one owner:
///
/// - **Unique**: not `Clone`; awaiting it gives the output, once. It costs nothing beyond
///   the task's own allocation. For several awaiters, [`result`](SharedTask::result) or
///   done-callbacks, [`share`](Task::share) it.
/// - **Detached when dropped.** The task keeps running when the handle is gone (asyncio's
///   `create_task`). Use [`Task::cancel_on_drop`] to tie its life to the handle instead.
/// - **Cancellation follows the await.** If the task awaiting this handle is cancelled
///   while suspended in that await, this task is cancelled too (asyncio cancels the future
///   a cancelled task was waiting on). A handle that a `select` or `timeout` stopped polling
///   is no longer awaited: dropping it later detaches. See [`AwaitMark`].
///
/// # Examples
///
/// ```
/// use corio_executor::{LocalExecutor, park};
///
/// let (mut parker, unparker) = park::pair();
/// let ex = LocalExecutor::new(unparker);
/// let task = ex.spawn_local(async { "the result" });
/// task.set_name("worker");
/// assert!(!task.done());
/// assert_eq!(ex.block_on(task, &mut parker), Ok("the result"));
/// ```
///
/// It is unique; [`share`](Task::share) it to hand it to several awaiters:
///
/// ```compile_fail
/// # let (_, unparker) = corio_executor::park::pair();
/// # let ex = corio_executor::LocalExecutor::new(unparker);
/// let task = ex.spawn_local(async {});
/// let other = task.clone(); // error: `Task` is not `Clone`
/// ```
pub struct Task<T> {
    /// async-task's handle; `None` only once [`Task::share`] or [`CancelOnDrop::detach`]
    /// moved it out (the handle is being consumed then).
    join: Option<Join<T>>,
    /// The task's metadata, in the allocation that `join` keeps alive.
    meta: NonNull<TaskMeta>,
    /// Whether the task awaiting this handle is suspended in that await. (Whether the
    /// output was handed out is a flag of the metadata, see `TaskMeta::taken`.)
    mark: AwaitMark,
}

impl<T> Task<T> {
    pub(crate) fn new(join: async_task::Task<Outcome<T>, TaskMeta>) -> Task<T> {
        let meta = NonNull::from(join.metadata());
        join.metadata().set_joined(true);
        Task {
            join: Some(Join::new(join)),
            meta,
            mark: AwaitMark::new(),
        }
    }

    pub(crate) fn meta(&self) -> &TaskMeta {
        // SAFETY: `join` keeps the allocation of `meta` alive; it is moved out only by the
        // consuming `share` and `detach`, after which only `Drop` runs, which does not call
        // this.
        unsafe { self.meta.as_ref() }
    }

    /// The task's id.
    ///
    /// # Examples
    ///
    /// See [`TaskId`].
    pub fn id(&self) -> TaskId {
        self.meta().id()
    }

    /// The task's name: `Task-N` unless set (asyncio's `get_name`).
    ///
    /// # Examples
    ///
    /// ```
    /// # let (_, u) = corio_executor::park::pair();
    /// # let ex = corio_executor::LocalExecutor::new(u);
    /// let task = ex.spawn_local(async {});
    /// assert!(task.name().starts_with("Task-"));
    /// task.set_name("worker");
    /// assert_eq!(task.name(), "worker");
    /// ```
    pub fn name(&self) -> String {
        self.meta().name()
    }

    /// Renames the task (asyncio's `set_name`).
    ///
    /// # Examples
    ///
    /// See [`Task::name`].
    pub fn set_name(&self, name: impl Into<String>) {
        self.meta().set_name(name.into());
    }

    /// Asks the task to stop at its next await point (asyncio's `cancel()`): its future is
    /// dropped instead of being polled again, so its destructors run, and its awaiters get
    /// [`TaskError::Cancelled`]. Returns `false` if the task is already done.
    ///
    /// # Examples
    ///
    /// ```
    /// # use corio_executor::{LocalExecutor, TaskError, park};
    /// # let (mut parker, unparker) = park::pair();
    /// # let ex = LocalExecutor::new(unparker);
    /// let task = ex.spawn_local(std::future::pending::<()>());
    /// assert!(task.cancel());
    /// assert!(task.cancelling());
    /// assert_eq!(ex.block_on(task, &mut parker), Err(TaskError::Cancelled));
    /// ```
    pub fn cancel(&self) -> bool {
        self.meta().request_cancel()
    }

    /// Whether the task has finished: with an output, cancelled or panicked.
    ///
    /// # Examples
    ///
    /// ```
    /// # let (mut parker, unparker) = corio_executor::park::pair();
    /// # let ex = corio_executor::LocalExecutor::new(unparker);
    /// let task = ex.spawn_local(async {});
    /// assert!(!task.done());
    /// ex.block_on(corio_executor::yield_now(), &mut parker);
    /// assert!(task.done());
    /// ```
    pub fn done(&self) -> bool {
        self.meta().is_done()
    }

    /// Whether the task ended cancelled.
    ///
    /// # Examples
    ///
    /// ```
    /// # let (mut parker, unparker) = corio_executor::park::pair();
    /// # let ex = corio_executor::LocalExecutor::new(unparker);
    /// let task = ex.spawn_local(async {});
    /// task.cancel();
    /// ex.block_on(corio_executor::yield_now(), &mut parker);
    /// assert!(task.cancelled());
    /// ```
    pub fn cancelled(&self) -> bool {
        self.meta().state() == State::Cancelled
    }

    /// Whether `cancel()` was called on a task that has not finished yet (asyncio's
    /// "cancelling" state).
    ///
    /// # Examples
    ///
    /// See [`Task::cancel`].
    pub fn cancelling(&self) -> bool {
        let meta = self.meta();
        meta.state() == State::Pending && meta.cancel_requested()
    }

    /// Takes the output of a finished task without waiting: what awaiting it gives. `None`
    /// while the task runs, and once the output was taken (by this or by awaiting).
    ///
    /// # Examples
    ///
    /// ```
    /// # use corio_executor::{LocalExecutor, park};
    /// # let (mut parker, unparker) = park::pair();
    /// # let ex = LocalExecutor::new(unparker);
    /// let mut task = ex.spawn_local(async { vec![1, 2] });
    /// assert_eq!(task.try_take(), None);
    /// ex.block_on(corio_executor::yield_now(), &mut parker);
    /// assert_eq!(task.try_take(), Some(Ok(vec![1, 2])));
    /// assert_eq!(task.try_take(), None);
    /// ```
    pub fn try_take(&mut self) -> Option<Result<T, TaskError>> {
        if self.meta().taken() || !self.meta().is_done() {
            return None;
        }
        let meta = self.meta;
        // SAFETY: as in `Task::meta` (a copy of the pointer, so that `join` can be borrowed
        // mutably meanwhile).
        let meta = unsafe { meta.as_ref() };
        let out = self.join.as_mut()?.fetch_now(meta)?;
        meta.mark_taken();
        self.mark.clear();
        if out.is_err() {
            meta.mark_retrieved();
        }
        Some(out)
    }

    /// Turns the handle into a [`SharedTask`]: cloneable, awaitable by any number of
    /// awaiters, with [`result`](SharedTask::result) and done-callbacks. A task whose output
    /// was already taken gives a shared handle that never sees it (as if cancelled).
    ///
    /// # Examples
    ///
    /// ```
    /// # use corio_executor::{LocalExecutor, park};
    /// # let (mut parker, unparker) = park::pair();
    /// # let ex = LocalExecutor::new(unparker);
    /// let task = ex.spawn_local(async { 7 }).share();
    /// let other = task.clone();
    /// assert_eq!(ex.block_on(task, &mut parker), Ok(7));
    /// assert_eq!(other.result(), Some(Ok(7)));
    /// ```
    pub fn share(mut self) -> SharedTask<T> {
        let taken = self.meta().taken();
        let join = self.join.take();
        let meta = self.meta;
        // `self` has no handle any more: its drop does nothing.
        drop(self);
        match join {
            Some(join) => SharedTask::attach(join, meta, taken),
            None => unreachable!("a Task's async-task handle is moved out only when consumed"),
        }
    }

    /// Wraps the handle so that dropping it cancels the task (smol's `Task` does this;
    /// tokio's `JoinHandle` does not).
    ///
    /// # Examples
    ///
    /// ```
    /// # use corio_executor::{LocalExecutor, park};
    /// # let (mut parker, unparker) = park::pair();
    /// # let ex = LocalExecutor::new(unparker);
    /// let task = ex.spawn_local(std::future::pending::<()>()).share();
    /// drop(ex.spawn_local(std::future::pending::<()>()).cancel_on_drop());
    /// let guarded = ex.spawn_local(std::future::pending::<()>()).cancel_on_drop();
    /// let id = guarded.id();
    /// drop(guarded);
    /// ex.block_on(corio_executor::yield_now(), &mut parker);
    /// assert!(ex.tasks().iter().all(|t| t.id() != id));
    /// # drop(task);
    /// ```
    pub fn cancel_on_drop(self) -> CancelOnDrop<T> {
        CancelOnDrop {
            task: self,
            armed: true,
        }
    }

    /// Drops the handle and lets the task run on (what dropping it does; spelled out).
    ///
    /// # Examples
    ///
    /// ```
    /// # let (mut parker, unparker) = corio_executor::park::pair();
    /// # let ex = corio_executor::LocalExecutor::new(unparker);
    /// ex.spawn_local(async { println!("still runs") }).detach();
    /// ex.block_on(corio_executor::yield_now(), &mut parker);
    /// assert!(ex.tasks().is_empty());
    /// ```
    pub fn detach(self) {
        drop(self);
    }

    /// Moves the handle out of `self`, which is left without one (for `CancelOnDrop`).
    fn take_handle(&mut self) -> Task<T> {
        Task {
            join: self.join.take(),
            meta: self.meta,
            mark: std::mem::take(&mut self.mark),
        }
    }
}

impl<T: 'static> Future for Task<T> {
    type Output = Result<T, TaskError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        // SAFETY: as in `Task::meta`.
        let meta = unsafe { this.meta.as_ref() };
        assert!(
            !meta.taken(),
            "a corio Task was polled after it gave its output"
        );
        if !meta.is_done()
            && let Some(misuse) = crate::task::await_misuse(meta)
        {
            return Poll::Ready(Err(misuse));
        }
        let Some(join) = this.join.as_mut() else {
            unreachable!("a Task's async-task handle is moved out only when consumed")
        };
        // async-task's own awaiter slot holds this handle's waker meanwhile.
        let Some(out) = join.fetch(meta, cx) else {
            this.mark.polled();
            return Poll::Pending;
        };
        this.mark.clear();
        meta.mark_taken();
        if out.is_err() {
            meta.mark_retrieved();
        }
        Poll::Ready(out)
    }
}

impl<T> Drop for Task<T> {
    fn drop(&mut self) {
        let Some(mut join) = self.join.take() else {
            return; // moved out by `share` or `detach`
        };
        // SAFETY: `join` (held here) keeps the allocation alive.
        let meta = unsafe { self.meta.as_ref() };
        // Dropped with the future of a task that was cancelled while awaiting it: so is
        // this task (asyncio).
        if self.mark.abandoned_by_cancel() {
            meta.request_cancel();
        }
        // The only handle: a panic nobody looked at is reported now.
        if !meta.taken() && meta.state() == State::Panicked && !meta.retrieved() {
            match join.fetch_now(meta) {
                Some(Err(TaskError::Panicked(panic))) => report_unretrieved(meta, panic.message()),
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

impl<T> CancelOnDrop<T> {
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
        self.task.take_handle()
    }
}

impl<T> Deref for CancelOnDrop<T> {
    type Target = Task<T>;
    fn deref(&self) -> &Task<T> {
        &self.task
    }
}

impl<T> DerefMut for CancelOnDrop<T> {
    fn deref_mut(&mut self) -> &mut Task<T> {
        &mut self.task
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

impl<T> fmt::Debug for CancelOnDrop<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CancelOnDrop").field(&self.task).finish()
    }
}
