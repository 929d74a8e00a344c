use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::rc::Rc;
use std::task::Waker;

use crate::task::core::{State, TaskMeta};
use crate::task::raw::meta_of;

/// A task's id: unique among the tasks created on this thread.
///
/// Its number also gives the default name, `Task-N`, as asyncio names tasks.
///
/// # Examples
///
/// ```
/// use corio_executor::{LocalExecutor, park};
/// let (_, unparker) = park::pair();
/// let ex = LocalExecutor::new(unparker);
/// let a = ex.spawn_local(async {});
/// let b = ex.spawn_local(async {});
/// assert!(a.id() < b.id());
/// assert_eq!(a.name(), format!("Task-{}", a.id().as_u64()));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId(u64);

impl TaskId {
    pub(crate) fn next() -> TaskId {
        TaskId(crate::context::next_task_id())
    }

    /// The id as a number.
    ///
    /// # Examples
    ///
    /// See [`TaskId`].
    pub fn as_u64(self) -> u64 {
        self.0
    }

    pub(crate) fn default_name(self) -> String {
        format!("Task-{}", self.0)
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A handle to a task of any output type: what [`current_task`] and
/// `LocalExecutor::tasks` give.
///
/// Compares and hashes by task identity, like [`SharedTask`](crate::SharedTask), and equals
/// the shared handles of the same task through
/// [`SharedTask::as_any`](crate::SharedTask::as_any). Holding one keeps the task's
/// allocation (not its future) alive.
///
/// # Examples
///
/// ```
/// use corio_executor::{LocalExecutor, current_task, park};
///
/// let (mut parker, unparker) = park::pair();
/// let ex = LocalExecutor::new(unparker);
/// let task = ex.spawn_local(async { current_task().unwrap().name() }).share();
/// task.set_name("worker");
/// assert_eq!(ex.block_on(task.clone(), &mut parker).unwrap(), "worker");
/// assert!(task.as_any().done());
/// ```
#[derive(Clone)]
pub struct AnyTask {
    /// Either reference keeps the task's allocation (and so its metadata) alive and leads to
    /// the metadata.
    repr: Repr,
    /// `!Send`: the metadata is not thread-safe.
    _local: PhantomData<*const ()>,
}

#[derive(Clone)]
enum Repr {
    /// The task's own waker (from the registry or the task's own poll).
    Waker(Waker),
    /// The shared part of its `Task<T>` handles (from `Task::as_any`).
    Handle(Rc<dyn HasMeta>),
}

/// What leads from a type-erased handle to the task's metadata.
pub(crate) trait HasMeta {
    fn meta(&self) -> &TaskMeta;
}

impl AnyTask {
    /// The handle of the task whose own waker is `waker` (one from
    /// `Runnable<TaskMeta>::waker`, see [`meta_of`]).
    pub(crate) fn from_waker(waker: Waker) -> AnyTask {
        AnyTask {
            repr: Repr::Waker(waker),
            _local: PhantomData,
        }
    }

    /// A type-erased view of `Task<T>` handles.
    pub(crate) fn from_handle(handle: Rc<dyn HasMeta>) -> AnyTask {
        AnyTask {
            repr: Repr::Handle(handle),
            _local: PhantomData,
        }
    }

    pub(crate) fn meta(&self) -> &TaskMeta {
        match &self.repr {
            // SAFETY: a `Repr::Waker` is made from a corio task's own waker (from the
            // registry or the task's poll) on the thread that spawned it; `!Send` keeps it
            // there.
            Repr::Waker(waker) => unsafe { meta_of(waker) },
            Repr::Handle(handle) => handle.meta(),
        }
    }

    /// The task's id.
    ///
    /// # Examples
    ///
    /// See [`AnyTask`].
    pub fn id(&self) -> TaskId {
        self.meta().id()
    }

    /// The task's name (`Task-N` unless set).
    ///
    /// # Examples
    ///
    /// See [`AnyTask`].
    pub fn name(&self) -> String {
        self.meta().name()
    }

    /// Renames the task.
    ///
    /// # Examples
    ///
    /// ```
    /// # let (_, u) = corio_executor::park::pair();
    /// # let ex = corio_executor::LocalExecutor::new(u);
    /// let t = ex.spawn_local(async {}).share().as_any();
    /// t.set_name("renamed");
    /// assert_eq!(t.name(), "renamed");
    /// ```
    pub fn set_name(&self, name: impl Into<String>) {
        self.meta().set_name(name.into());
    }

    /// Asks the task to stop; see [`Task::cancel`](crate::Task::cancel).
    ///
    /// # Examples
    ///
    /// ```
    /// # let (_, u) = corio_executor::park::pair();
    /// # let ex = corio_executor::LocalExecutor::new(u);
    /// let t = ex.spawn_local(async {}).share().as_any();
    /// assert!(t.cancel());
    /// ```
    pub fn cancel(&self) -> bool {
        self.meta().request_cancel()
    }

    /// Whether the task has finished (with an output, cancelled or panicked).
    ///
    /// # Examples
    ///
    /// See [`AnyTask`].
    pub fn done(&self) -> bool {
        self.meta().state() != State::Pending
    }

    /// Whether the task ended cancelled.
    ///
    /// # Examples
    ///
    /// ```
    /// # let (mut p, u) = corio_executor::park::pair();
    /// # let ex = corio_executor::LocalExecutor::new(u);
    /// let t = ex.spawn_local(async {}).share();
    /// t.cancel();
    /// let _ = ex.block_on(t.clone(), &mut p);
    /// assert!(t.as_any().cancelled());
    /// ```
    pub fn cancelled(&self) -> bool {
        self.meta().state() == State::Cancelled
    }

    /// Whether `cancel()` was called on a task that has not finished yet (asyncio's
    /// "cancelling" state).
    ///
    /// # Examples
    ///
    /// ```
    /// # let (_, u) = corio_executor::park::pair();
    /// # let ex = corio_executor::LocalExecutor::new(u);
    /// let t = ex.spawn_local(async {}).share().as_any();
    /// t.cancel();
    /// assert!(t.cancelling());
    /// ```
    pub fn cancelling(&self) -> bool {
        self.meta().state() == State::Pending && self.meta().cancel_requested()
    }

    pub(crate) fn state_name(&self) -> &'static str {
        self.meta().state_name()
    }
}

impl PartialEq for AnyTask {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.meta(), other.meta())
    }
}

impl Eq for AnyTask {}

impl Hash for AnyTask {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.id().hash(state);
    }
}

impl fmt::Debug for AnyTask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Task")
            .field("name", &self.name())
            .field("state", &self.state_name())
            .finish()
    }
}

/// The task running on this thread right now, if any (asyncio's `current_task()`).
///
/// # Examples
///
/// ```
/// assert!(corio_executor::current_task().is_none()); // not inside a task
/// ```
pub fn current_task() -> Option<AnyTask> {
    crate::context::with_current(|waker| waker.map(|w| AnyTask::from_waker(w.clone())))
}
