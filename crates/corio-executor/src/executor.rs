use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use crate::callback::{CallbackCell, CallbackOutput, Handle};
use crate::context::{self, Batch};
use crate::error::panic_message;
use crate::event::{ExecutorEvent, SlowStep, StepKind};
use crate::park::{Park, Unpark};
use crate::ready::{Ready, Step, discard, discard_entry, schedule};
use crate::registry::{Entry, Registry};
use crate::remote::{Remote, RemoteEntry, Shared};
use crate::task::core::{TaskFuture, TaskMeta};
use crate::task::raw::{check_layout, layout_known};
use crate::task::{AnyTask, Task, TaskId, current_task};

type Hook = Rc<dyn Fn(ExecutorEvent<'_>)>;

/// How long `close` waits for a task step that another thread is handing over (see
/// `Inner::shutdown`).
const CLOSE_IN_FLIGHT_BOUND: Duration = Duration::from_secs(5);

pub(crate) struct Inner {
    pub(crate) shared: Arc<Shared>,
    /// The FIFO ready queue. Invariant: never borrowed across user code (callbacks, polls,
    /// drops of futures), so that wakes from that code can always push.
    local: RefCell<VecDeque<Ready>>,
    /// The own wakers of the tasks that have not finished, for `tasks()` and for close.
    tasks: RefCell<Registry>,
    hook: RefCell<Option<Hook>>,
    slow_step: Cell<Option<Duration>>,
    closed: Cell<bool>,
}

impl Inner {
    pub(crate) fn is_closed(&self) -> bool {
        self.closed.get()
    }

    // Inlined: called out of line, the old 16-byte entry went through the stack in two
    // 8-byte stores and was read back as one 16-byte load, which stalled on store forwarding
    // (two thirds of this function's time in a profile of the spawn row).
    #[inline]
    pub(crate) fn push_local(&self, entry: Ready) {
        if self.closed.get() {
            discard_entry(entry);
            return;
        }
        self.local.borrow_mut().push_back(entry);
    }

    /// Queues the unfinished task registered under `key` (to be cancelled).
    /// A task that has not waited yet needs no wake: its runnable is queued, or it is
    /// running and looks at the flag when its step ends.
    pub(crate) fn wake_task(&self, key: u32, meta: &TaskMeta) {
        // Only if `key` is still this task's slot (after a close, it may be another's).
        let waker = match self.tasks.borrow().get_for(key, meta) {
            Some(Entry::Waiting(waker)) => Some(waker.clone()),
            _ => None,
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Stores the own waker of a task that waits for the first time.
    pub(crate) fn set_task_waker(&self, key: u32, meta: &TaskMeta, waker: &Waker) {
        self.tasks.borrow_mut().set_waker(key, meta, waker);
    }

    /// Where each task step in the local ready queue is, by task, for `any_task`: built once
    /// per listing, so that listing n never-polled queued tasks costs O(n), not a scan of the
    /// queue for each (a close with 20,000 queued tasks took seconds).
    fn queued_steps(&self) -> HashMap<*const TaskMeta, usize> {
        self.local
            .borrow()
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.task_meta().map(|meta| (meta, i)))
            .collect()
    }

    /// A handle to a registered task: from its stored waker, or, for a task that has not
    /// waited yet, from its runnable in the ready queue or its running step. `None` only for
    /// a task in its first step below the current one (a `block_on` inside a task's first
    /// step): its handle cannot be made from here.
    /// `queued` comes from `queued_steps` (the queue has not changed since).
    fn any_task(&self, entry: &Entry, queued: &HashMap<*const TaskMeta, usize>) -> Option<AnyTask> {
        match entry {
            Entry::Waiting(waker) => Some(AnyTask::from_waker(waker.clone())),
            Entry::Unpolled(meta) => {
                let queued = queued
                    .get(meta)
                    .and_then(|&i| self.local.borrow().get(i).and_then(Ready::task_waker));
                queued
                    .map(AnyTask::from_waker)
                    .or_else(|| current_task().filter(|t| std::ptr::eq(t.meta(), *meta)))
            }
        }
    }

    pub(crate) fn unregister_task(&self, key: u32, meta: &TaskMeta) {
        let removed = self.tasks.borrow_mut().remove(key, meta);
        drop(removed);
    }

    pub(crate) fn report(&self, event: ExecutorEvent<'_>) {
        let hook = self.hook.borrow().clone();
        match hook {
            // A panicking hook must not unwind into the executor's bookkeeping (asyncio's
            // `call_exception_handler` also catches its handler's errors): the event goes
            // to stderr then, with what the hook panicked with.
            Some(hook) => {
                if let Err(payload) = catch_unwind(AssertUnwindSafe(|| hook(event.clone()))) {
                    eprintln!("{event}");
                    eprintln!(
                        "the executor's hook panicked while reporting it: {}",
                        panic_message(payload.as_ref())
                    );
                }
            }
            None => eprintln!("{event}"),
        }
    }

    fn drain_remote(&self) {
        // A load or two; popping an empty queue costs read-modify-writes.
        if self.shared.queue.is_empty() {
            return;
        }
        while let Ok(entry) = self.shared.queue.pop() {
            self.push_local(match entry {
                RemoteEntry::Task(r) => Ready::task(r.into_inner()),
                RemoteEntry::Callback(cb) => Ready::callback(cb.into_local()),
            });
        }
    }

    fn run_callback(&self, f: impl FnOnce() -> Option<String>, name: &str, slow: Option<Duration>) {
        let started = slow.map(|_| Instant::now());
        match catch_unwind(AssertUnwindSafe(f)) {
            Ok(None) => {}
            Ok(Some(failure)) => self.report(ExecutorEvent::CallbackFailed {
                callback: name,
                message: &failure,
            }),
            Err(payload) => self.report(ExecutorEvent::CallbackPanicked {
                callback: name,
                message: &panic_message(&*payload),
            }),
        }
        if let (Some(threshold), Some(started)) = (slow, started) {
            let elapsed = started.elapsed();
            if elapsed > threshold {
                self.report(ExecutorEvent::SlowStep(&SlowStep {
                    kind: StepKind::Callback(name.to_owned()),
                    elapsed,
                }));
            }
        }
    }

    /// Drops every queued entry and every pending task's future, on this thread.
    fn shutdown(&self) -> Vec<AnyTask> {
        self.closed.set(true);
        // Closed first, so that no wake from another thread can leave a runnable in the
        // queue after the drain below (it would be dropped with the queue, maybe elsewhere).
        self.shared.queue.close();
        let drained = self.tasks.borrow_mut().drain();
        let queued = self.queued_steps();
        let mut pending: Vec<(AnyTask, Option<Waker>)> = drained
            .into_iter()
            .filter_map(|entry| {
                let Some(task) = self.any_task(&entry, &queued) else {
                    if let Entry::Unpolled(meta) = entry {
                        // SAFETY: a task registered as unpolled is queued or in its first
                        // step (it leaves the registry when it completes or first waits), so
                        // its runnable keeps its metadata alive. Not queued, it is in a step
                        // below this one (a `block_on` inside it): it stops at the step's end.
                        unsafe { &*meta }.mark_cancel_requested();
                    }
                    return None;
                };
                let waker = match entry {
                    Entry::Waiting(waker) => Some(waker),
                    Entry::Unpolled(_) => None,
                };
                Some((task, waker))
            })
            .collect();
        pending.sort_by_key(|(task, _)| task.id());
        for (task, waker) in &pending {
            // Scheduling the task hands its runnable to `schedule`, which discards it because
            // the executor is closed: its future is dropped here, on its own thread. A task
            // already queued (one that never waited, among others) is discarded with the
            // queue below; one that is running stops when its step ends.
            task.meta().mark_cancel_requested();
            if let Some(waker) = waker {
                waker.wake_by_ref();
            }
        }
        // A task woken from another thread after the queue closed, and before the wake
        // above, is not queued by that wake (it is scheduled already): its step is in the
        // late list, or on its way there. Every such step is dropped here, before close
        // returns, so that close leaves no task pending (issue 6, defect 1).
        let started = Instant::now();
        loop {
            if !self.discard_queued() {
                let in_flight = pending
                    .iter()
                    .any(|(task, _)| !task.meta().is_done() && !task.meta().in_step());
                // A step is in flight only while another thread runs async-task's wake and
                // our `schedule` (no user code): moments. The bound is a guard against a
                // case not foreseen here; the executor's drop still drops what comes later.
                if !in_flight || started.elapsed() > CLOSE_IN_FLIGHT_BOUND {
                    break;
                }
                std::thread::yield_now();
            }
        }
        pending.into_iter().map(|(task, _)| task).collect()
    }

    /// Drops every queued entry (local, remote, late); whether there was any.
    fn discard_queued(&self) -> bool {
        let entries = std::mem::take(&mut *self.local.borrow_mut());
        let mut any = !entries.is_empty();
        entries.into_iter().for_each(discard_entry);
        while let Ok(entry) = self.shared.queue.pop() {
            any = true;
            if let RemoteEntry::Task(r) = entry {
                discard(r.into_inner());
            }
        }
        for runnable in self.shared.drain_late() {
            any = true;
            discard(runnable.into_inner());
        }
        any
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        if !self.closed.get() {
            self.shutdown();
        }
        // Steps woken on other threads while the executor was closed but alive: their
        // futures are dropped here, on their thread.
        for runnable in self.shared.take_late() {
            discard(runnable.into_inner());
        }
        context::forget_dropped_executors();
    }
}

/// The waker of `block_on`'s main future.
struct MainWake {
    woken: AtomicBool,
    unpark: Arc<dyn Unpark>,
}

impl Wake for MainWake {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        if !self.woken.swap(true, Ordering::AcqRel) {
            self.unpark.unpark();
        }
    }
}

/// A single-thread executor: one FIFO ready queue for callbacks and task steps.
///
/// Cheap to clone (clones are the same executor); `!Send`: it lives on the thread that made
/// it, and so do its tasks, which may therefore be `!Send`. Other threads reach it through
/// [`LocalExecutor::remote`].
///
/// # Examples
///
/// ```
/// use corio_executor::{LocalExecutor, park};
///
/// let (mut parker, unparker) = park::pair();
/// let ex = LocalExecutor::new(unparker);
/// let shared = std::rc::Rc::new(5); // !Send is fine
/// let task = ex.spawn_local(async move { *shared * 2 });
/// assert_eq!(ex.block_on(task, &mut parker), Ok(10));
/// ```
#[derive(Clone)]
pub struct LocalExecutor {
    pub(crate) inner: Rc<Inner>,
}

impl LocalExecutor {
    /// An executor whose cross-thread wakes call `unpark` (the driver's [`Unpark`]).
    ///
    /// # Examples
    ///
    /// See [`LocalExecutor`].
    pub fn new(unpark: Arc<impl Unpark>) -> LocalExecutor {
        Self::with_unpark(unpark)
    }

    /// Like [`LocalExecutor::new`], with a type-erased unparker.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use corio_executor::{LocalExecutor, Unpark, park};
    /// let (_, unparker) = park::pair();
    /// let erased: Arc<dyn Unpark> = unparker;
    /// let _ex = LocalExecutor::with_unpark(erased);
    /// ```
    pub fn with_unpark(unpark: Arc<dyn Unpark>) -> LocalExecutor {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        let inner = Rc::new(Inner {
            shared: Arc::new(Shared::new(unpark, NEXT_ID.fetch_add(1, Ordering::Relaxed))),
            local: RefCell::new(VecDeque::new()),
            tasks: RefCell::new(Registry::default()),
            hook: RefCell::new(None),
            slow_step: Cell::new(None),
            closed: Cell::new(false),
        });
        context::register_executor(&inner);
        LocalExecutor { inner }
    }

    /// Spawns a task; its first step is queued behind what is already ready (asyncio's
    /// `create_task`: the task does not run until the creator yields).
    ///
    /// On a closed executor the future is dropped at once and the task is cancelled.
    ///
    /// # Examples
    ///
    /// See [`LocalExecutor`].
    pub fn spawn_local<F>(&self, future: F) -> Task<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let meta = TaskMeta::new(TaskId::next(), self.inner.shared.clone());
        let builder = async_task::Builder::new().metadata(meta);
        // SAFETY: async-task's conditions for a `!Send` future and a non-'static one:
        // - the runnable is used and dropped on this thread only: the local queue is this
        //   thread's; a runnable woken elsewhere crosses the remote queue and is run or
        //   dropped here (`drain_remote`, `shutdown`), or leaked where it is (`schedule`,
        //   `SendRunnable`), never dropped on another thread;
        // - the future borrows nothing but the metadata, which async-task allows;
        // - `schedule` is `Send + Sync` (it captures nothing), and reads only the metadata's
        //   thread-safe `shared` field when called from another thread.
        let (runnable, join) = unsafe {
            builder.spawn_unchecked(
                |_: &TaskMeta| TaskFuture {
                    future: Some(future),
                },
                schedule,
            )
        };
        if !layout_known() {
            check_layout(&runnable, &runnable.waker());
        }
        let meta = runnable.metadata();
        let key = self.inner.tasks.borrow_mut().insert(meta);
        meta.set_registry_key(key);
        let task = Task::new(join);
        self.inner.push_local(Ready::task(runnable));
        task
    }

    /// Spawns a `Send` task. On this single-thread executor it runs like
    /// [`spawn_local`](LocalExecutor::spawn_local); the bound keeps code portable to a
    /// multi-thread executor.
    ///
    /// # Examples
    ///
    /// ```
    /// # let (mut parker, unparker) = corio_executor::park::pair();
    /// # let ex = corio_executor::LocalExecutor::new(unparker);
    /// let t = ex.spawn(async { String::from("sendable") });
    /// assert_eq!(ex.block_on(t, &mut parker).unwrap(), "sendable");
    /// ```
    pub fn spawn<F>(&self, future: F) -> Task<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.spawn_local(future)
    }

    /// Queues `f` at the back of the ready queue (asyncio's `call_soon`).
    ///
    /// `f` returns `()` or a `Result<T, E>`; an error or a panic is reported (see
    /// [`ExecutorEvent`]) and the executor goes on.
    ///
    /// # Examples
    ///
    /// See [`Handle`].
    pub fn call_soon<R: CallbackOutput>(&self, f: impl FnOnce() -> R + 'static) -> Handle {
        let cell = CallbackCell::new_dyn(f);
        self.inner.push_local(Ready::callback(cell.clone()));
        Handle { cell }
    }

    /// Queues an already-made callback handle again (used by timers: the loop keeps the
    /// handle while it waits, then queues it when due).
    ///
    /// # Examples
    ///
    /// ```
    /// # let (_, unparker) = corio_executor::park::pair();
    /// # let ex = corio_executor::LocalExecutor::new(unparker);
    /// let handle = ex.callback(|| println!("later"));
    /// ex.push_handle(&handle);
    /// assert_eq!(ex.run_batch(), 1);
    /// ```
    pub fn push_handle(&self, handle: &Handle) {
        self.inner.push_local(Ready::callback(handle.cell.clone()));
    }

    /// Makes a callback handle without queueing it; see [`LocalExecutor::push_handle`].
    ///
    /// # Examples
    ///
    /// See [`LocalExecutor::push_handle`].
    pub fn callback<R: CallbackOutput>(&self, f: impl FnOnce() -> R + 'static) -> Handle {
        Handle {
            cell: CallbackCell::new_dyn(f),
        }
    }

    /// A handle for other threads; see [`Remote`].
    ///
    /// # Examples
    ///
    /// See [`Remote`].
    pub fn remote(&self) -> Remote {
        Remote {
            shared: self.inner.shared.clone(),
        }
    }

    /// Whether anything is ready to run (locally or from other threads).
    ///
    /// # Examples
    ///
    /// ```
    /// # let (_, unparker) = corio_executor::park::pair();
    /// # let ex = corio_executor::LocalExecutor::new(unparker);
    /// assert!(!ex.has_ready());
    /// ex.call_soon(|| {});
    /// assert!(ex.has_ready());
    /// ```
    pub fn has_ready(&self) -> bool {
        !self.inner.local.borrow().is_empty() || !self.inner.shared.queue.is_empty()
    }

    /// Runs exactly the entries that were ready when it began (entries they queue wait for
    /// the next batch), and returns how many ran. One asyncio loop iteration's worth.
    ///
    /// # Examples
    ///
    /// ```
    /// # let (_, unparker) = corio_executor::park::pair();
    /// let ex = corio_executor::LocalExecutor::new(unparker);
    /// let again = ex.clone();
    /// ex.call_soon(move || { again.call_soon(|| {}); });
    /// assert_eq!(ex.run_batch(), 1); // the nested callback waits
    /// assert_eq!(ex.run_batch(), 1);
    /// assert_eq!(ex.run_batch(), 0);
    /// ```
    pub fn run_batch(&self) -> usize {
        let inner = &*self.inner;
        inner.drain_remote();
        let n = inner.local.borrow().len();
        let slow = inner.slow_step.get();
        let _batch = Batch::enter(inner, slow);
        for _ in 0..n {
            let entry = inner.local.borrow_mut().pop_front();
            match entry.map(Ready::take) {
                Some(Step::Task(runnable)) => {
                    runnable.run();
                }
                Some(Step::Callback(cb)) => inner.run_callback(|| cb.run(), cb.name(), slow),
                None => break,
            }
        }
        n
    }

    /// Runs `future` to completion on this thread, running the executor's tasks meanwhile
    /// and parking in `park` when nothing is ready.
    ///
    /// # Examples
    ///
    /// See [`LocalExecutor`].
    pub fn block_on<F: Future>(&self, future: F, park: &mut impl Park) -> F::Output {
        let main = Arc::new(MainWake {
            woken: AtomicBool::new(true),
            unpark: self.inner.shared.unpark.clone(),
        });
        let waker = Waker::from(main.clone());
        let mut cx = Context::from_waker(&waker);
        let mut future = pin!(future);
        loop {
            if main.woken.swap(false, Ordering::AcqRel)
                && let Poll::Ready(out) = future.as_mut().poll(&mut cx)
            {
                return out;
            }
            self.run_batch();
            if !main.woken.load(Ordering::Acquire) && !self.has_ready() {
                park.park(None);
            }
        }
    }

    /// The tasks that have not finished (asyncio's `all_tasks()`), oldest first.
    ///
    /// # Examples
    ///
    /// ```
    /// # let (mut parker, unparker) = corio_executor::park::pair();
    /// # let ex = corio_executor::LocalExecutor::new(unparker);
    /// let t = ex.spawn_local(async {}).share();
    /// assert_eq!(ex.tasks(), [t.as_any()]);
    /// ex.block_on(t, &mut parker).unwrap();
    /// assert!(ex.tasks().is_empty());
    /// ```
    pub fn tasks(&self) -> Vec<AnyTask> {
        let queued = self.inner.queued_steps();
        let entries = self.inner.tasks.borrow();
        let mut tasks: Vec<AnyTask> = entries
            .iter()
            .filter_map(|entry| self.inner.any_task(entry, &queued))
            .collect();
        tasks.sort_by_key(AnyTask::id);
        tasks
    }

    /// Sets the hook that receives the executor's reports; see [`ExecutorEvent`].
    ///
    /// # Examples
    ///
    /// See [`ExecutorEvent`].
    pub fn set_hook(&self, hook: impl Fn(ExecutorEvent<'_>) + 'static) {
        *self.inner.hook.borrow_mut() = Some(Rc::new(hook));
    }

    /// Reports every step (task step or callback) slower than `threshold`; `None` turns the
    /// check off (the default: it costs two clock reads per step).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::{cell::Cell, rc::Rc, time::Duration};
    /// use corio_executor::{ExecutorEvent, LocalExecutor, park};
    ///
    /// let (_, unparker) = park::pair();
    /// let ex = LocalExecutor::new(unparker);
    /// ex.set_slow_step_threshold(Some(Duration::from_millis(5)));
    /// let slow = Rc::new(Cell::new(0));
    /// let s = slow.clone();
    /// ex.set_hook(move |e| if let ExecutorEvent::SlowStep(_) = e { s.set(s.get() + 1) });
    /// ex.call_soon(|| std::thread::sleep(Duration::from_millis(10)));
    /// ex.run_batch();
    /// assert_eq!(slow.get(), 1);
    /// ```
    pub fn set_slow_step_threshold(&self, threshold: Option<Duration>) {
        self.inner.slow_step.set(threshold);
    }

    /// Closes the executor: every queued callback is dropped, every unfinished task's future
    /// is dropped on this thread (its destructors run; its handles see it cancelled), and
    /// later spawns and remote calls fail or are dropped. Returns the tasks that were still
    /// pending. Closing twice does nothing the second time.
    ///
    /// # Examples
    ///
    /// ```
    /// # let (_, unparker) = corio_executor::park::pair();
    /// let ex = corio_executor::LocalExecutor::new(unparker);
    /// let t = ex.spawn_local(std::future::pending::<()>());
    /// let pending = ex.close();
    /// assert_eq!(pending.len(), 1);
    /// assert_eq!(pending[0].id(), t.id());
    /// assert!(t.cancelled());
    /// assert!(ex.is_closed());
    /// ```
    pub fn close(&self) -> Vec<AnyTask> {
        if self.inner.closed.get() {
            return Vec::new();
        }
        self.inner.shutdown()
    }

    /// Whether [`LocalExecutor::close`] was called.
    ///
    /// # Examples
    ///
    /// See [`LocalExecutor::close`].
    pub fn is_closed(&self) -> bool {
        self.inner.closed.get()
    }
}

impl fmt::Debug for LocalExecutor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalExecutor")
            .field("id", &self.inner.shared.id)
            .field("ready", &self.inner.local.borrow().len())
            .field("tasks", &self.inner.tasks.borrow().len())
            .field("closed", &self.inner.closed.get())
            .finish()
    }
}
