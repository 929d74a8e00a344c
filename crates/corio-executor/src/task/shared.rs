//! [`SharedTask`]: the cloneable handle of a task, with results for everyone and
//! done-callbacks, waking its awaiters and callbacks in one registration order.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::pin::Pin;
use std::ptr::NonNull;
use std::rc::Rc;
use std::task::{Context, Poll};

use crate::await_mark::AwaitMark;
use crate::callback::CallbackCell;
use crate::context::{local_inner, with_local_inner};
use crate::done_list::DoneList;
use crate::done_watch::DoneWatch;
use crate::error::TaskError;
use crate::ready::Ready;
use crate::task::any::{AnyTask, HasMeta, TaskId};
use crate::task::core::{State, TaskMeta};
use crate::task::join::{Join, panic_in_flight, report_unretrieved};

/// What the clones of a [`SharedTask`] share. The task reaches it through
/// the table of shared tasks' handles (`HANDLES` in `task::core`) when it completes.
///
/// Invariant: no borrow of its cells is held across user code (a waker, a callback, the
/// drop of either, a `Clone` of the output), so that such code may use the handle again.
pub(crate) struct SharedInner<T> {
    /// Keeps the task's allocation alive; read (through [`SharedInner::settle`] only) for an
    /// outcome async-task held when the task was shared.
    /// (A `Cell` rather than a `RefCell`, to keep this allocation in glibc's 128-byte chunk:
    /// taken out and put back around its one use, which runs no user code.)
    join: Cell<Option<Join<T>>>,
    /// The task's metadata, in the allocation `join` keeps alive.
    meta: NonNull<TaskMeta>,
    /// The outcome, once known here.
    output: RefCell<Option<Result<T, TaskError>>>,
    /// Awaiters, done-callbacks and watches, in registration order; emptied when the task
    /// completes.
    entries: RefCell<DoneList<SharedTask<T>>>,
    /// Itself, once a done-callback was added to the pending task: the callbacks run when the
    /// task ends even if every handle went before (asyncio's task lives on in the loop). The
    /// cycle ends when the task completes ([`SharedInner::finish`]), which every task does,
    /// at the latest when its executor closes or is dropped.
    keep: Cell<Option<Rc<SharedInner<T>>>>,
}

impl<T> SharedInner<T> {
    fn meta(&self) -> &TaskMeta {
        // SAFETY: `join` keeps the allocation of `meta` alive as long as `self`.
        unsafe { self.meta.as_ref() }
    }

    /// Fills the empty output of a finished task with the outcome async-task holds: the task
    /// was shared after it finished (or while its finishing step still ran, in which case
    /// the output stays empty until that step returns).
    fn settle(&self) {
        let meta = self.meta();
        if !meta.is_done() || self.output.borrow().is_some() {
            return;
        }
        let mut join = self.join.take();
        let fetched = join.as_mut().and_then(|j| j.fetch_now(meta));
        self.join.set(join);
        if let Some(out) = fetched {
            *self.output.borrow_mut() = Some(out);
        }
    }
}

impl<T: 'static> SharedInner<T> {
    /// Stores the outcome, then wakes the awaiters and queues the done-callbacks, in the
    /// order they were registered. Called by the completing task.
    pub(crate) fn finish(this: &Rc<SharedInner<T>>, out: Result<T, TaskError>) {
        *this.output.borrow_mut() = Some(out);
        // The caller holds a count of its own: this is not the last one.
        let kept = this.keep.take();
        drop(kept);
        let entries = this.entries.borrow_mut().take();
        if entries.is_empty() {
            return;
        }
        let handle = SharedTask {
            inner: this.clone(),
            slot: None,
            mark: AwaitMark::new(),
        };
        with_local_inner(this.meta().shared(), |inner| {
            // A task's waker queues its step now, behind what is already queued; a watch
            // records the task; done-callbacks go through call_soon (asyncio).
            entries.notify(|cb| {
                let task = handle.clone();
                inner.push_local(Ready::callback(CallbackCell::new_dyn(move || {
                    cb(&task);
                })));
            });
        });
    }
}

impl<T> Drop for SharedInner<T> {
    fn drop(&mut self) {
        let meta = self.meta();
        // First: the task must not reach this value any more.
        meta.clear_handle();
        self.settle();
        match &*self.output.borrow() {
            Some(Err(TaskError::Panicked(panic))) if !meta.retrieved() => {
                report_unretrieved(meta, panic.message());
            }
            // Done, and async-task does not hold the outcome yet.
            None if meta.is_done() => {
                if let Some(message) = panic_in_flight(meta) {
                    report_unretrieved(meta, &message);
                }
            }
            _ => {}
        }
        // `join` is detached as it drops.
    }
}

impl<T> HasMeta for SharedInner<T> {
    fn meta(&self) -> &TaskMeta {
        SharedInner::meta(self)
    }
}

/// A cloneable handle of a task, from [`Task::share`](crate::Task::share): what an asyncio
/// `Task` is to everyone who holds it.
///
/// - **`Clone + Eq + Hash`**, by task: combinators can hand back the very handles they
///   were given, and sets of tasks work.
/// - **Every awaiter gets the output** (a clone: `T: Clone`), and so does
///   [`SharedTask::result`]. A cancellation or a panic reaches every awaiter as well.
/// - **Done-callbacks** ([`SharedTask::add_done_callback`]) run through the executor's
///   ready queue. Awaiters and callbacks are woken in the order they registered, as in
///   asyncio, where `await` registers a done-callback.
/// - **Detached when dropped**, and cancelled with the task that awaits it, as [`Task`](crate::Task)
///   is (see [`AwaitMark`]).
///
/// # Examples
///
/// ```
/// use corio_executor::{LocalExecutor, park};
///
/// let (mut parker, unparker) = park::pair();
/// let ex = LocalExecutor::new(unparker);
/// let task = ex.spawn_local(async { String::from("out") }).share();
/// let waiters: Vec<_> = (0..3).map(|_| ex.spawn_local(task.clone())).collect();
/// for w in waiters {
///     assert_eq!(ex.block_on(w, &mut parker).unwrap(), Ok("out".to_owned()));
/// }
/// assert_eq!(task.result(), Some(Ok("out".to_owned())));
/// ```
pub struct SharedTask<T> {
    inner: Rc<SharedInner<T>>,
    /// This handle's entry in the shared list while it is being awaited.
    slot: Option<u32>,
    mark: AwaitMark,
}

impl<T> SharedTask<T> {
    /// The shared part for a unique handle's `join`. A task whose output async-task holds
    /// gives it up now; a pending one will deliver it here.
    pub(crate) fn attach(join: Join<T>, meta: NonNull<TaskMeta>, taken: bool) -> SharedTask<T> {
        // SAFETY: `join` keeps the allocation of `meta` alive.
        let m = unsafe { meta.as_ref() };
        m.set_joined(false);
        let inner = Rc::new(SharedInner {
            join: Cell::new(Some(join)),
            meta,
            output: RefCell::new(taken.then_some(Err(TaskError::Cancelled))),
            entries: RefCell::new(DoneList::new()),
            keep: Cell::new(None),
        });
        if m.is_done() {
            inner.settle();
        } else {
            // `Rc::as_ptr`, not a reference: the pointer keeps the provenance of the whole
            // allocation, counts included, for `Rc::increment_strong_count` in `complete`.
            if let Some(ptr) = NonNull::new(Rc::as_ptr(&inner).cast_mut().cast::<()>()) {
                m.set_handle(ptr);
            }
        }
        SharedTask {
            inner,
            slot: None,
            mark: AwaitMark::new(),
        }
    }

    fn meta(&self) -> &TaskMeta {
        self.inner.meta()
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
    /// let task = ex.spawn_local(async {}).share();
    /// task.clone().set_name("worker");
    /// assert_eq!(task.name(), "worker");
    /// ```
    pub fn name(&self) -> String {
        self.meta().name()
    }

    /// Renames the task (asyncio's `set_name`).
    ///
    /// # Examples
    ///
    /// See [`SharedTask::name`].
    pub fn set_name(&self, name: impl Into<String>) {
        self.meta().set_name(name.into());
    }

    /// Asks the task to stop; see [`Task::cancel`](crate::Task::cancel).
    ///
    /// # Examples
    ///
    /// ```
    /// # use corio_executor::{LocalExecutor, TaskError, park};
    /// # let (mut parker, unparker) = park::pair();
    /// # let ex = LocalExecutor::new(unparker);
    /// let task = ex.spawn_local(std::future::pending::<()>()).share();
    /// assert!(task.cancel());
    /// assert_eq!(ex.block_on(task.clone(), &mut parker), Err(TaskError::Cancelled));
    /// assert!(task.cancelled());
    /// assert!(!task.cancel()); // done already
    /// ```
    pub fn cancel(&self) -> bool {
        self.meta().request_cancel()
    }

    /// Whether the task has finished: with an output, cancelled or panicked.
    ///
    /// # Examples
    ///
    /// See [`SharedTask::result`].
    pub fn done(&self) -> bool {
        self.meta().is_done()
    }

    /// Whether the task ended cancelled.
    ///
    /// # Examples
    ///
    /// See [`SharedTask::cancel`].
    pub fn cancelled(&self) -> bool {
        self.meta().state() == State::Cancelled
    }

    /// Whether `cancel()` was called on a task that has not finished yet.
    ///
    /// # Examples
    ///
    /// ```
    /// # let (_, u) = corio_executor::park::pair();
    /// # let ex = corio_executor::LocalExecutor::new(u);
    /// let task = ex.spawn_local(async {}).share();
    /// task.cancel();
    /// assert!(task.cancelling());
    /// ```
    pub fn cancelling(&self) -> bool {
        let meta = self.meta();
        meta.state() == State::Pending && meta.cancel_requested()
    }

    /// The task's failure, if it finished with one (asyncio's `exception()`); `None` while
    /// it runs or once it finished with an output.
    ///
    /// # Examples
    ///
    /// ```
    /// # use corio_executor::{LocalExecutor, TaskError, park};
    /// # let (mut parker, unparker) = park::pair();
    /// # let ex = LocalExecutor::new(unparker);
    /// let task = ex.spawn_local(async { 1 }).share();
    /// task.cancel();
    /// ex.block_on(corio_executor::yield_now(), &mut parker);
    /// assert_eq!(task.failure(), Some(TaskError::Cancelled));
    /// ```
    pub fn failure(&self) -> Option<TaskError> {
        self.inner.settle();
        let failure = match &*self.inner.output.borrow() {
            Some(Err(e)) => Some(e.clone()),
            _ => None,
        };
        if failure.is_some() {
            self.meta().mark_retrieved();
        }
        failure
    }

    /// Calls `f` with the task's output, without cloning it, if the task finished with one;
    /// `None` while it runs, or if it was cancelled or panicked (see
    /// [`SharedTask::failure`]). `f` must not keep the handle's output borrowed past its
    /// return (it gets a reference), and may use the handle.
    ///
    /// # Examples
    ///
    /// ```
    /// # use corio_executor::{LocalExecutor, park};
    /// # let (mut parker, unparker) = park::pair();
    /// # let ex = LocalExecutor::new(unparker);
    /// let task = ex.spawn_local(async { vec![1, 2, 3] }).share();
    /// assert_eq!(task.peek_output(Vec::len), None);
    /// ex.block_on(corio_executor::yield_now(), &mut parker);
    /// assert_eq!(task.peek_output(Vec::len), Some(3));
    /// ```
    pub fn peek_output<R>(&self, f: impl FnOnce(&T) -> R) -> Option<R> {
        self.inner.settle();
        match &*self.inner.output.borrow() {
            Some(Ok(out)) => Some(f(out)),
            _ => None,
        }
    }

    /// A type-erased handle to the same task.
    ///
    /// # Examples
    ///
    /// ```
    /// # let (_, u) = corio_executor::park::pair();
    /// # let ex = corio_executor::LocalExecutor::new(u);
    /// let task = ex.spawn_local(async {}).share();
    /// assert_eq!(ex.tasks(), [task.as_any()]);
    /// ```
    pub fn as_any(&self) -> AnyTask
    where
        T: 'static,
    {
        AnyTask::from_handle(self.inner.clone())
    }

    /// Removes a done-callback that has not been scheduled yet; `true` if it was found.
    ///
    /// # Examples
    ///
    /// See [`SharedTask::add_done_callback`].
    pub fn remove_done_callback(&self, id: u64) -> bool {
        let removed = self.inner.entries.borrow_mut().remove_callback(id);
        // The callback (user code) is dropped once the list is released.
        removed.is_some()
    }

    /// Has `watch` told `index` when the task is done (at once if it is done already): a
    /// place in the task's ordered list, with no callback and no allocation of its own.
    /// Returns a key for [`SharedTask::remove_watch`]. This is how corio-runtime's `wait`
    /// watches many tasks at once.
    ///
    /// # Examples
    ///
    /// See [`DoneWatch`].
    pub fn add_watch(&self, watch: &DoneWatch, index: usize) -> u64 {
        if self.done() {
            watch.notify(index);
            return u64::MAX;
        }
        u64::from(self.inner.entries.borrow_mut().push_watch(watch, index))
    }

    /// Removes a watch added with [`SharedTask::add_watch`] that has not been told yet;
    /// `true` if it was found.
    ///
    /// # Examples
    ///
    /// ```
    /// # let (_, u) = corio_executor::park::pair();
    /// # let ex = corio_executor::LocalExecutor::new(u);
    /// use corio_executor::DoneWatch;
    /// let task = ex.spawn_local(std::future::pending::<()>()).share();
    /// let watch = DoneWatch::new();
    /// let key = task.add_watch(&watch, 0);
    /// assert!(task.remove_watch(&watch, key));
    /// assert!(!task.remove_watch(&watch, key));
    /// # ex.close();
    /// ```
    pub fn remove_watch(&self, watch: &DoneWatch, key: u64) -> bool {
        let Ok(key) = u32::try_from(key) else {
            return false;
        };
        let removed = self.inner.entries.borrow_mut().remove_watch(watch, key);
        removed.is_some()
    }
}

impl<T: 'static> SharedTask<T> {
    /// The task's outcome, cloned: `None` while it runs (asyncio's `result()` raises
    /// `InvalidStateError` then).
    ///
    /// # Examples
    ///
    /// ```
    /// # use corio_executor::{LocalExecutor, park};
    /// # let (mut parker, unparker) = park::pair();
    /// # let ex = LocalExecutor::new(unparker);
    /// let task = ex.spawn_local(async { 3 }).share();
    /// assert!(!task.done());
    /// assert_eq!(task.result(), None);
    /// ex.block_on(corio_executor::yield_now(), &mut parker);
    /// assert!(task.done());
    /// assert_eq!(task.result(), Some(Ok(3)));
    /// assert_eq!(task.result(), Some(Ok(3))); // as often as asked
    /// ```
    pub fn result(&self) -> Option<Result<T, TaskError>>
    where
        T: Clone,
    {
        self.inner.settle();
        let out = self.inner.output.borrow().clone();
        if matches!(out, Some(Err(_))) {
            self.meta().mark_retrieved();
        }
        out
    }

    /// Calls `callback` with this task once it is done, through the executor's ready queue
    /// (asyncio's `add_done_callback`): never inside the code that completed the task, also
    /// when added to a finished task, and in the order of registration among the task's
    /// callbacks and awaiters. Returns an id for [`SharedTask::remove_done_callback`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::{cell::RefCell, rc::Rc};
    /// # use corio_executor::{LocalExecutor, park};
    /// # let (mut parker, unparker) = park::pair();
    /// # let ex = LocalExecutor::new(unparker);
    /// let log = Rc::new(RefCell::new(Vec::new()));
    /// let task = ex.spawn_local(async { 7 }).share();
    /// let l = log.clone();
    /// task.add_done_callback(move |t| l.borrow_mut().push(t.result().unwrap().unwrap()));
    /// let l = log.clone();
    /// let id = task.add_done_callback(move |_| l.borrow_mut().push(0));
    /// assert!(task.remove_done_callback(id));
    /// ex.block_on(async {
    ///     corio_executor::yield_now().await; // the task runs and queues its callback
    ///     corio_executor::yield_now().await; // the callback runs
    /// }, &mut parker);
    /// assert_eq!(*log.borrow(), [7]);
    /// ```
    pub fn add_done_callback(&self, callback: impl FnOnce(&SharedTask<T>) + 'static) -> u64 {
        let id = self.inner.entries.borrow_mut().next_id();
        if self.done() {
            match local_inner(self.meta().shared()) {
                Some(inner) if !inner.is_closed() => {
                    let task = self.clone();
                    inner.push_local(Ready::callback(CallbackCell::new_dyn(move || {
                        callback(&task);
                    })));
                }
                // No executor to queue it on: run it now rather than lose it.
                _ => callback(self),
            }
        } else {
            self.inner
                .entries
                .borrow_mut()
                .push_callback(id, Box::new(callback));
            let keep = self.inner.keep.take();
            self.inner
                .keep
                .set(Some(keep.unwrap_or_else(|| self.inner.clone())));
        }
        id
    }
}

impl<T> Clone for SharedTask<T> {
    fn clone(&self) -> Self {
        SharedTask {
            inner: self.inner.clone(),
            slot: None,
            mark: AwaitMark::new(),
        }
    }
}

impl<T: Clone + 'static> Future for SharedTask<T> {
    type Output = Result<T, TaskError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let meta = this.inner.meta();
        if meta.is_done() {
            match this.result() {
                Some(out) => {
                    // The list was emptied when the task completed: the slot is gone.
                    this.slot = None;
                    this.mark.clear();
                    return Poll::Ready(out);
                }
                // Done, but async-task does not hold the outcome yet: it will once the step
                // that finished the task returns (this is a hook of that step).
                None => {
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
            }
        }
        if let Some(misuse) = crate::task::await_misuse(meta) {
            return Poll::Ready(Err(misuse));
        }
        let old = this
            .inner
            .entries
            .borrow_mut()
            .set_waiter(&mut this.slot, cx.waker());
        // An old waker (foreign code) is dropped once the list is released.
        drop(old);
        this.mark.polled();
        Poll::Pending
    }
}

impl<T> Drop for SharedTask<T> {
    fn drop(&mut self) {
        let meta = self.inner.meta();
        if let Some(i) = self.slot
            && !meta.is_done()
        {
            let old = self.inner.entries.borrow_mut().end(i);
            drop(old);
        }
        // Dropped with the future of a task that was cancelled while awaiting it: so is
        // this task (asyncio).
        if self.mark.abandoned_by_cancel() {
            meta.request_cancel();
        }
    }
}

impl<T> PartialEq for SharedTask<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

impl<T> Eq for SharedTask<T> {}

impl<T> Hash for SharedTask<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.meta().id().hash(state);
    }
}

impl<T> fmt::Debug for SharedTask<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let meta = self.meta();
        f.debug_struct("Task")
            .field("name", &meta.name())
            .field("state", &meta.state_name())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll, Waker};

    use crate::{LocalExecutor, park};

    /// Awaiters that come and go (a fresh clone polled once by a `timeout`, then dropped),
    /// and callbacks added and removed, do not grow a pending task's list.
    #[test]
    fn awaiters_and_callbacks_that_go_leave_no_entries_behind() {
        let (_parker, unparker) = park::pair();
        let ex = LocalExecutor::new(unparker);
        let task = ex.spawn_local(std::future::pending::<u8>()).share();
        let mut cx = Context::from_waker(Waker::noop());
        for _ in 0..100 {
            let mut waiter = task.clone();
            assert_eq!(Pin::new(&mut waiter).poll(&mut cx), Poll::Pending);
            drop(waiter);
            let id = task.add_done_callback(|_| {});
            assert!(task.remove_done_callback(id));
        }
        assert_eq!(task.inner.entries.borrow().len(), 0);
        // A live awaiter keeps its place, and a later one comes after it.
        let mut first = task.clone();
        assert_eq!(Pin::new(&mut first).poll(&mut cx), Poll::Pending);
        let mut second = task.clone();
        assert_eq!(Pin::new(&mut second).poll(&mut cx), Poll::Pending);
        drop(second);
        assert_eq!(task.inner.entries.borrow().len(), 1);
        assert_eq!(Pin::new(&mut first).poll(&mut cx), Poll::Pending);
        assert_eq!(task.inner.entries.borrow().len(), 1);
        ex.close();
    }

    /// Watches take a place in the ordered list like awaiters and callbacks: removed ones
    /// leave nothing behind, and a watch is told at completion, in its place.
    #[test]
    fn watches_come_and_go_and_are_told_in_order() {
        use std::cell::RefCell;
        use std::rc::Rc;

        use crate::DoneWatch;

        let (mut parker, unparker) = park::pair();
        let ex = LocalExecutor::new(unparker);
        let task = ex.spawn_local(async { 5u8 }).share();
        let watch = DoneWatch::new();
        for i in 0..100 {
            let key = task.add_watch(&watch, i);
            assert!(task.remove_watch(&watch, key));
        }
        assert_eq!(task.inner.entries.borrow().len(), 0);
        // A callback, then a watch, then a waiter: the watch is told when the task
        // completes, before the callback runs (callbacks go through the ready queue).
        let log = Rc::new(RefCell::new(Vec::new()));
        let l = log.clone();
        let w = watch.clone();
        task.add_done_callback(move |_| l.borrow_mut().push(("callback", w.count())));
        let key = task.add_watch(&watch, 7);
        let other = DoneWatch::new();
        assert!(!task.remove_watch(&other, key)); // not that watch's key
        assert_eq!(ex.block_on(task.clone(), &mut parker), Ok(5));
        ex.block_on(crate::yield_now(), &mut parker);
        assert_eq!(watch.take_finished(), [7]);
        assert_eq!(*log.borrow(), [("callback", 1)]);
        // A watch added to a finished task is told at once.
        let _ = task.add_watch(&other, 3);
        assert_eq!(other.take_finished(), [3]);
    }
}
