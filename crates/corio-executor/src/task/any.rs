use std::cell::{Cell, RefCell};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

use crate::task::core::{State, TaskCore};

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
        thread_local! {
            static NEXT: Cell<u64> = const { Cell::new(1) };
        }
        NEXT.with(|n| {
            let id = n.get();
            n.set(id + 1);
            TaskId(id)
        })
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

/// What every task's core answers, whatever its output type.
pub(crate) trait TaskHeader {
    fn id(&self) -> TaskId;
    fn name(&self) -> String;
    fn set_name(&self, name: String);
    fn cancel(&self) -> bool;
    fn state(&self) -> State;
    fn cancel_requested(&self) -> bool;
    /// Cancels and hands back the task's own waker, so that a closing executor can make the
    /// task drop its future.
    fn take_waker_for_close(&self) -> Option<std::task::Waker>;
}

impl<T: 'static> TaskHeader for TaskCore<T> {
    fn id(&self) -> TaskId {
        self.id
    }
    fn name(&self) -> String {
        TaskCore::name(self).unwrap_or_else(|| self.id.default_name())
    }
    fn set_name(&self, name: String) {
        self.extras_mut().name = Some(name);
    }
    fn cancel(&self) -> bool {
        self.request_cancel()
    }
    fn state(&self) -> State {
        self.state.get()
    }
    fn cancel_requested(&self) -> bool {
        self.cancel_requested.get()
    }
    fn take_waker_for_close(&self) -> Option<std::task::Waker> {
        self.cancel_requested.set(true);
        self.waker.take()
    }
}

/// A handle to a task of any output type: what [`current_task`] and
/// `LocalExecutor::tasks` give.
///
/// Compares and hashes by task identity, like [`Task`](crate::Task), and equals the `Task`
/// handles of the same task through [`Task::as_any`](crate::Task::as_any).
///
/// # Examples
///
/// ```
/// use corio_executor::{LocalExecutor, current_task, park};
///
/// let (mut parker, unparker) = park::pair();
/// let ex = LocalExecutor::new(unparker);
/// let task = ex.spawn_local(async { current_task().unwrap().name() });
/// task.set_name("worker");
/// assert_eq!(ex.block_on(task.clone(), &mut parker).unwrap(), "worker");
/// assert!(task.as_any().done());
/// ```
#[derive(Clone)]
pub struct AnyTask(pub(crate) Rc<dyn TaskHeader>);

impl AnyTask {
    pub(crate) fn from_core<T: 'static>(core: Rc<TaskCore<T>>) -> AnyTask {
        AnyTask(core)
    }

    /// The task's id.
    ///
    /// # Examples
    ///
    /// See [`AnyTask`].
    pub fn id(&self) -> TaskId {
        self.0.id()
    }

    /// The task's name (`Task-N` unless set).
    ///
    /// # Examples
    ///
    /// See [`AnyTask`].
    pub fn name(&self) -> String {
        self.0.name()
    }

    /// Renames the task.
    ///
    /// # Examples
    ///
    /// ```
    /// # let (_, u) = corio_executor::park::pair();
    /// # let ex = corio_executor::LocalExecutor::new(u);
    /// let t = ex.spawn_local(async {}).as_any();
    /// t.set_name("renamed");
    /// assert_eq!(t.name(), "renamed");
    /// ```
    pub fn set_name(&self, name: impl Into<String>) {
        self.0.set_name(name.into());
    }

    /// Asks the task to stop; see [`Task::cancel`](crate::Task::cancel).
    ///
    /// # Examples
    ///
    /// ```
    /// # let (_, u) = corio_executor::park::pair();
    /// # let ex = corio_executor::LocalExecutor::new(u);
    /// let t = ex.spawn_local(async {}).as_any();
    /// assert!(t.cancel());
    /// ```
    pub fn cancel(&self) -> bool {
        self.0.cancel()
    }

    /// Whether the task has finished (with an output, cancelled or panicked).
    ///
    /// # Examples
    ///
    /// See [`AnyTask`].
    pub fn done(&self) -> bool {
        self.0.state() != State::Pending
    }

    /// Whether the task ended cancelled.
    ///
    /// # Examples
    ///
    /// ```
    /// # let (mut p, u) = corio_executor::park::pair();
    /// # let ex = corio_executor::LocalExecutor::new(u);
    /// let t = ex.spawn_local(async {});
    /// t.cancel();
    /// let _ = ex.block_on(t.clone(), &mut p);
    /// assert!(t.as_any().cancelled());
    /// ```
    pub fn cancelled(&self) -> bool {
        self.0.state() == State::Cancelled
    }

    /// Whether `cancel()` was called on a task that has not finished yet (asyncio's
    /// "cancelling" state).
    ///
    /// # Examples
    ///
    /// ```
    /// # let (_, u) = corio_executor::park::pair();
    /// # let ex = corio_executor::LocalExecutor::new(u);
    /// let t = ex.spawn_local(async {}).as_any();
    /// t.cancel();
    /// assert!(t.cancelling());
    /// ```
    pub fn cancelling(&self) -> bool {
        self.0.state() == State::Pending && self.0.cancel_requested()
    }

    pub(crate) fn state_name(&self) -> &'static str {
        match self.0.state() {
            State::Pending if self.0.cancel_requested() => "cancelling",
            State::Pending => "pending",
            State::Finished => "finished",
            State::Cancelled => "cancelled",
            State::Panicked => "panicked",
        }
    }
}

impl PartialEq for AnyTask {
    fn eq(&self, other: &Self) -> bool {
        self.id() == other.id()
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

thread_local! {
    static CURRENT: RefCell<Option<AnyTask>> = const { RefCell::new(None) };
}

/// Makes a task current for the duration of one step.
pub(crate) struct CurrentGuard {
    previous: Option<AnyTask>,
}

impl CurrentGuard {
    pub(crate) fn set(task: AnyTask) -> CurrentGuard {
        CurrentGuard {
            previous: CURRENT.with(|c| c.replace(Some(task))),
        }
    }
}

impl Drop for CurrentGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        // The thread-local may already be gone during thread teardown.
        let _ = CURRENT.try_with(|c| *c.borrow_mut() = previous);
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
    CURRENT.with(|c| c.borrow().clone())
}
