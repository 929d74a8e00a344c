//! `TaskGroup`: children that cannot outlive their group; the first failure cancels the
//! rest, and every failure comes back together.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::future::{Future, poll_fn};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::{Pin, pin};
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};

use corio_executor::{AnyTask, Task};

use crate::LoopError;

/// How one member of a [`TaskGroup`] failed.
///
/// # Examples
///
/// ```
/// use corio_runtime::ChildError;
/// let e: ChildError<&str> = ChildError::Failed("boom");
/// assert_eq!(e.to_string(), "boom");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChildError<E> {
    /// The child (or the body of [`task_group`]) returned `Err`.
    Failed(E),
    /// The child panicked; the panic's message.
    Panicked(String),
}

impl<E: fmt::Display> fmt::Display for ChildError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChildError::Failed(e) => e.fmt(f),
            ChildError::Panicked(m) => write!(f, "panicked: {m}"),
        }
    }
}

impl<E: std::error::Error> std::error::Error for ChildError<E> {}

/// Every failure of a task group, in the order they happened: the Rust shape of asyncio's
/// `ExceptionGroup`.
///
/// # Examples
///
/// ```
/// use corio_runtime::{ChildError, TaskGroupError};
/// let e = TaskGroupError { errors: vec![ChildError::Failed("a"), ChildError::Failed("b")] };
/// assert_eq!(e.to_string(), "unhandled errors in a TaskGroup (2 sub-exceptions)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskGroupError<E> {
    /// The failures, first one first.
    pub errors: Vec<ChildError<E>>,
}

impl<E> fmt::Display for TaskGroupError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.errors.len();
        let s = if n == 1 { "" } else { "s" };
        write!(f, "unhandled errors in a TaskGroup ({n} sub-exception{s})")
    }
}

impl<E: fmt::Debug> std::error::Error for TaskGroupError<E> {}

/// Why a task could not be added to a group.
///
/// # Examples
///
/// ```
/// use corio_runtime::{GroupSpawnError, TaskGroup, run};
///
/// run(async {
///     let group = TaskGroup::<()>::new();
///     let spawner = group.spawner();
///     group.join().await.unwrap();
///     let late = spawner.create_task(async { Ok(()) });
///     assert!(matches!(late, Err(GroupSpawnError::Finished)));
/// })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GroupSpawnError {
    /// The group has finished (asyncio: `RuntimeError: TaskGroup is finished`).
    #[error("task group is finished")]
    Finished,
    /// A child failed and the group is cancelling the others (asyncio: `TaskGroup is
    /// shutting down`).
    #[error("task group is shutting down")]
    ShuttingDown,
    /// No running loop to spawn on.
    #[error(transparent)]
    Loop(#[from] LoopError),
}

struct GroupInner<E> {
    /// The children not finished yet, started or not: what `join` waits for.
    live: Cell<usize>,
    /// The children that have started, by a key of the group's own, to cancel them (each
    /// registers itself at its first step: a unique `Task` gives no type-erased view).
    children: RefCell<HashMap<u64, AnyTask>>,
    next_key: Cell<u64>,
    failures: RefCell<Vec<ChildError<E>>>,
    /// Set by the first failure: the other children were cancelled, new ones are refused.
    aborting: Cell<bool>,
    /// Set when the group was joined or dropped.
    finished: Cell<bool>,
    /// The task joining the group, woken when a child ends or fails.
    waker: RefCell<Option<Waker>>,
}

impl<E> GroupInner<E> {
    fn wake(&self) {
        if let Some(w) = self.waker.borrow_mut().take() {
            w.wake();
        }
    }

    fn fail(self: &Rc<Self>, error: ChildError<E>)
    where
        E: 'static,
    {
        self.failures.borrow_mut().push(error);
        if !self.aborting.replace(true) {
            // As asyncio does it from the failed child's done-callback: on the next pass,
            // so that siblings whose steps are already queued in this one still run them
            // (and may fail too, in the same instant: every failure is reported).
            let group = Rc::downgrade(self);
            let queued = crate::current::running_loop().map(|lp| {
                lp.call_soon(move || {
                    if let Some(g) = group.upgrade() {
                        g.cancel_all();
                    }
                })
            });
            if !matches!(queued, Some(Ok(_))) {
                self.cancel_all();
            }
        }
        self.wake();
    }

    fn cancel_all(&self) {
        let children: Vec<AnyTask> = self.children.borrow().values().cloned().collect();
        for child in children {
            child.cancel();
        }
    }

    fn create_task<F, T>(self: &Rc<Self>, future: F) -> Result<Task<Option<T>>, GroupSpawnError>
    where
        F: Future<Output = Result<T, E>> + 'static,
        T: 'static,
        E: 'static,
    {
        if self.finished.get() {
            return Err(GroupSpawnError::Finished);
        }
        if self.aborting.get() {
            return Err(GroupSpawnError::ShuttingDown);
        }
        let key = self.next_key.get();
        self.next_key.set(key + 1);
        let group = Rc::downgrade(self);
        // Made outside the async block, so that a child cancelled before its first step
        // (its future dropped unpolled) still leaves the group.
        let left = Leave {
            group: group.clone(),
            key,
        };
        let task = crate::current::try_spawn(async move {
            let _left = left;
            match group.upgrade() {
                // Gone, or shut down before this child started: it never runs its body.
                None => return None,
                Some(g) if g.finished.get() || g.aborting.get() => return None,
                Some(g) => {
                    if let Some(me) = corio_executor::current_task() {
                        g.children.borrow_mut().insert(key, me);
                    }
                }
            }
            let error = match CatchUnwind(pin!(future)).await {
                Ok(Ok(v)) => return Some(v),
                Ok(Err(e)) => ChildError::Failed(e),
                Err(payload) => ChildError::Panicked(panic_message(&*payload)),
            };
            if let Some(g) = group.upgrade() {
                // Out of the list first, so that the failure does not cancel this child.
                let me = g.children.borrow_mut().remove(&key);
                drop(me);
                g.fail(error);
            }
            None
        })?;
        self.live.set(self.live.get() + 1);
        Ok(task)
    }
}

/// Takes a finished (or cancelled) child out of its group's list and wakes the group.
struct Leave<E> {
    group: Weak<GroupInner<E>>,
    key: u64,
}

impl<E> Drop for Leave<E> {
    fn drop(&mut self) {
        if let Some(g) = self.group.upgrade() {
            let removed = g.children.borrow_mut().remove(&self.key);
            drop(removed);
            g.live.set(g.live.get().saturating_sub(1));
            g.wake();
        }
    }
}

/// Polls a future inside `catch_unwind`, so that a child's panic becomes a group failure.
struct CatchUnwind<'a, F>(Pin<&'a mut F>);

impl<F: Future> Future for CatchUnwind<'_, F> {
    type Output = Result<F::Output, Box<dyn Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let fut = self.0.as_mut();
        match catch_unwind(AssertUnwindSafe(|| fut.poll(cx))) {
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(payload) => Poll::Ready(Err(payload)),
        }
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "Box<dyn Any>".to_owned()
    }
}

/// A group of tasks that ends only when all its children have (asyncio's `TaskGroup`).
///
/// - [`TaskGroup::create_task`] spawns a child: a future giving `Result<T, E>`. Its handle
///   gives `Some(T)` on success, `None` if it failed (the error went to the group) or was
///   stopped before it started because the group was shutting down.
/// - [`TaskGroup::join`] waits for every child. The first failure (an `Err` or a panic;
///   not a cancellation) cancels every other child; `join` then waits for them to finish
///   cancelling and returns **every** failure together ([`TaskGroupError`]).
/// - **Children cannot outlive the group**: dropping the group, or the future of `join`,
///   cancels the children still running. After the group ends, spawning fails.
/// - [`task_group`] is the scope form (`async with TaskGroup() as tg:`), which also cancels
///   the body on the first failure.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use corio_runtime::{ChildError, TaskGroup, run, sleep};
///
/// run(async {
///     let group = TaskGroup::new();
///     let slow = group
///         .create_task(async {
///             sleep(Duration::from_secs(60)).await;
///             Ok(1)
///         })
///         .unwrap();
///     group.create_task(async { Err::<i32, _>("boom") }).unwrap();
///     let err = group.join().await.unwrap_err();
///     assert_eq!(err.errors, [ChildError::Failed("boom")]);
///     assert!(slow.cancelled()); // the first failure cancelled the sibling
/// })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
pub struct TaskGroup<E = std::convert::Infallible> {
    inner: Rc<GroupInner<E>>,
}

impl<E: 'static> TaskGroup<E> {
    /// An empty group.
    ///
    /// # Examples
    ///
    /// See [`TaskGroup`].
    pub fn new() -> TaskGroup<E> {
        TaskGroup {
            inner: Rc::new(GroupInner {
                live: Cell::new(0),
                children: RefCell::new(HashMap::new()),
                next_key: Cell::new(0),
                failures: RefCell::new(Vec::new()),
                aborting: Cell::new(false),
                finished: Cell::new(false),
                waker: RefCell::new(None),
            }),
        }
    }

    /// Spawns a child on the running loop.
    ///
    /// # Errors
    ///
    /// [`GroupSpawnError::ShuttingDown`] once a child has failed,
    /// [`GroupSpawnError::Finished`] once the group ended, [`GroupSpawnError::Loop`]
    /// outside a running loop.
    ///
    /// # Examples
    ///
    /// See [`TaskGroup`].
    pub fn create_task<F, T>(&self, future: F) -> Result<Task<Option<T>>, GroupSpawnError>
    where
        F: Future<Output = Result<T, E>> + 'static,
        T: 'static,
    {
        self.inner.create_task(future)
    }

    /// A handle that children (or anyone) can spawn into the group with.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_runtime::{TaskGroup, run};
    ///
    /// run(async {
    ///     let group = TaskGroup::<()>::new();
    ///     let spawner = group.spawner();
    ///     group
    ///         .create_task(async move {
    ///             spawner.create_task(async { Ok(()) }).unwrap(); // a grandchild
    ///             Ok(())
    ///         })
    ///         .unwrap();
    ///     assert!(group.join().await.is_ok());
    /// })?;
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn spawner(&self) -> GroupSpawner<E> {
        GroupSpawner {
            inner: Rc::downgrade(&self.inner),
        }
    }

    /// How many children are still running.
    ///
    /// # Examples
    ///
    /// ```
    /// let group = corio_runtime::TaskGroup::<()>::new();
    /// assert_eq!(group.len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.inner.live.get()
    }

    /// Whether no child is running.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(corio_runtime::TaskGroup::<()>::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Waits for every child; the failures, if any, all together.
    ///
    /// # Errors
    ///
    /// [`TaskGroupError`] with every failure, when any child failed.
    ///
    /// # Cancel safety
    ///
    /// Dropping the future cancels every child still running (they cannot outlive the
    /// group).
    ///
    /// # Examples
    ///
    /// See [`TaskGroup`].
    pub async fn join(self) -> Result<(), TaskGroupError<E>> {
        poll_fn(|cx| self.poll_children(cx)).await;
        self.finish()
    }

    /// `Ready` once no child is left.
    fn poll_children(&self, cx: &mut Context<'_>) -> Poll<()> {
        if self.inner.live.get() == 0 {
            return Poll::Ready(());
        }
        *self.inner.waker.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }

    fn finish(&self) -> Result<(), TaskGroupError<E>> {
        self.inner.finished.set(true);
        let errors = std::mem::take(&mut *self.inner.failures.borrow_mut());
        if errors.is_empty() {
            Ok(())
        } else {
            Err(TaskGroupError { errors })
        }
    }
}

impl<E: 'static> Default for TaskGroup<E> {
    fn default() -> Self {
        TaskGroup::new()
    }
}

impl<E> Drop for TaskGroup<E> {
    fn drop(&mut self) {
        self.inner.finished.set(true);
        self.inner.cancel_all();
    }
}

impl<E> fmt::Debug for TaskGroup<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskGroup")
            .field("children", &self.inner.live.get())
            .field("failures", &self.inner.failures.borrow().len())
            .field("aborting", &self.inner.aborting.get())
            .finish()
    }
}

/// Spawns into a [`TaskGroup`] from anywhere (a child, a callback); it does not keep the
/// group alive.
///
/// # Examples
///
/// See [`TaskGroup::spawner`].
pub struct GroupSpawner<E> {
    inner: Weak<GroupInner<E>>,
}

impl<E: 'static> GroupSpawner<E> {
    /// [`TaskGroup::create_task`], through this handle.
    ///
    /// # Errors
    ///
    /// As for [`TaskGroup::create_task`]; [`GroupSpawnError::Finished`] once the group is
    /// gone.
    ///
    /// # Examples
    ///
    /// See [`TaskGroup::spawner`].
    pub fn create_task<F, T>(&self, future: F) -> Result<Task<Option<T>>, GroupSpawnError>
    where
        F: Future<Output = Result<T, E>> + 'static,
        T: 'static,
    {
        match self.inner.upgrade() {
            Some(inner) => inner.create_task(future),
            None => Err(GroupSpawnError::Finished),
        }
    }
}

impl<E> Clone for GroupSpawner<E> {
    fn clone(&self) -> Self {
        GroupSpawner {
            inner: self.inner.clone(),
        }
    }
}

impl<E> fmt::Debug for GroupSpawner<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GroupSpawner")
            .field("alive", &(self.inner.strong_count() > 0))
            .finish()
    }
}

/// Runs `body` with a task group and waits for every child at the end (asyncio's
/// `async with asyncio.TaskGroup() as tg:`).
///
/// The body gets a [`GroupSpawner`]. The first failure of a child, or an `Err` from the
/// body, cancels the body (it is dropped at its next await) and every child; the group
/// then waits for all of them to finish and returns every failure together.
///
/// # Errors
///
/// [`TaskGroupError`] with every failure, the body's included.
///
/// # Cancel safety
///
/// Dropping the future drops the body and cancels every child.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use corio_runtime::{ChildError, run, sleep, task_group};
///
/// run(async {
///     let out = task_group(|tg| async move {
///         let a = tg.create_task(async { Ok::<_, String>(1) }).unwrap();
///         let b = tg.create_task(async { Ok(2) }).unwrap();
///         Ok((a, b))
///     })
///     .await
///     .unwrap();
///     let (mut a, mut b) = out;
///     assert_eq!((a.try_take(), b.try_take()), (Some(Ok(Some(1))), Some(Ok(Some(2)))));
///
///     let failed = task_group(|tg| async move {
///         tg.create_task(async { Err::<(), _>("child".to_string()) }).unwrap();
///         sleep(Duration::from_secs(60)).await; // cancelled by the failure
///         Ok(())
///     })
///     .await;
///     assert_eq!(failed.unwrap_err().errors, [ChildError::Failed("child".to_string())]);
/// })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
pub async fn task_group<E, R, B, Fut>(body: B) -> Result<R, TaskGroupError<E>>
where
    E: 'static,
    B: FnOnce(GroupSpawner<E>) -> Fut,
    Fut: Future<Output = Result<R, E>>,
{
    let group = TaskGroup::new();
    let mut body = Some(Box::pin(body(group.spawner())));
    let mut output = None;
    poll_fn(|cx| {
        if let Some(running) = body.as_mut() {
            if group.inner.aborting.get() {
                // A child failed: the body is cancelled (dropped here, at its await).
                body = None;
            } else if let Poll::Ready(out) = running.as_mut().poll(cx) {
                body = None;
                match out {
                    Ok(v) => output = Some(v),
                    Err(e) => group.inner.fail(ChildError::Failed(e)),
                }
            } else {
                // Woken by the body, or by the group when a child fails.
                *group.inner.waker.borrow_mut() = Some(cx.waker().clone());
                return Poll::Pending;
            }
        }
        group.poll_children(cx)
    })
    .await;
    group.finish()?;
    // Without a failure the body ran to its end and gave its output.
    output.ok_or(TaskGroupError { errors: Vec::new() })
}
