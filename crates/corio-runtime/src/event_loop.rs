use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::rc::{Rc, Weak};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use corio_executor::{
    AnyTask, CallbackOutput, ExecutorEvent, Handle, LocalExecutor, StepKind, Task, Unpark,
};
use corio_reactor::{Notifier, Reactor};
use corio_time::TimerSource;

use crate::current::{self, RunningGuard};
use crate::debug::{Report, ReportKind, default_exception_handler};
use crate::handle::TimerHandle;
use crate::owners::Owners;
use crate::time_arg::{Delay, When};
use crate::timers::{LoopTimers, TimerEntry};
use crate::{Builder, LoopError, LoopHandle, SettableFuture};

/// How many iterations may pass, while callbacks keep the loop busy, before it checks for
/// I/O anyway. Checking costs a few syscalls (about 1.4 µs here), so a busy loop checks only
/// every so often; an idle loop always waits in the reactor. tokio uses 61 too.
const IO_CHECK_INTERVAL: u64 = 61;

type ExceptionHandler = Rc<dyn Fn(&EventLoop, &Report)>;

/// Wakes the loop from other threads, skipping the syscall when the loop is not asleep.
pub(crate) struct LoopUnpark {
    /// Set by the loop just before it blocks in the reactor, cleared by whoever wakes it.
    sleeping: AtomicBool,
    notifier: Notifier,
}

impl Unpark for LoopUnpark {
    fn unpark(&self) {
        if self.sleeping.swap(false, Ordering::SeqCst) {
            // A failed notify leaves the loop to wake at its next timer; nothing is lost,
            // the entry is already queued.
            let _ = self.notifier.notify();
        }
    }
}

pub(crate) struct LoopInner {
    pub(crate) executor: LocalExecutor,
    pub(crate) reactor: Reactor,
    pub(crate) timers: Rc<LoopTimers>,
    unpark: Arc<LoopUnpark>,
    running: Cell<bool>,
    /// Set by `stop()`: the current iteration finishes, then `run_forever` returns.
    stopping: Cell<bool>,
    closed: Cell<bool>,
    debug: Cell<bool>,
    slow_callback_duration: Cell<Duration>,
    handler: RefCell<Option<ExceptionHandler>>,
    /// Iterations run, to pace the I/O checks of a busy loop.
    iteration: Cell<u64>,
    /// The default executor of `run_in_executor(None, ..)` (see `executor_bridge`).
    pub(crate) default_executor: crate::executor_bridge::DefaultExecutor,
    /// Per-loop state of the loop methods other crates add (see `extensions.rs`).
    pub(crate) extensions: crate::extensions::Extensions,
    /// The owning handles; the loop closes when the last one goes (see `owners.rs`).
    pub(crate) owners: Owners,
}

/// An asyncio event loop: callbacks, timers, tasks and I/O on one thread.
///
/// It runs, in each iteration, what asyncio runs: it waits for I/O (not at all if something
/// is ready, else until the next timer), queues the I/O wakeups, then the timers that are
/// due, then runs exactly the entries that were ready when the batch began. Callbacks
/// (`call_soon`) and task steps share one FIFO queue.
///
/// `EventLoop` is a cheap handle (clones are the same loop) and is `!Send`: a loop belongs
/// to the thread that made it. Other threads use [`EventLoop::handle`].
///
/// ```compile_fail
/// fn send<T: Send>() {}
/// send::<corio_runtime::EventLoop>(); // a loop stays on its thread
/// ```
///
/// ```compile_fail
/// fn send<T: Send>() {}
/// send::<corio_runtime::Task<()>>(); // so do its tasks
/// ```
///
/// # Examples
///
/// ```
/// use std::{cell::RefCell, rc::Rc};
/// use corio_runtime::EventLoop;
///
/// let lp = EventLoop::new()?;
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// lp.call_later(0.01, move || l.borrow_mut().push("later"))?;
/// let l = log.clone();
/// lp.call_soon(move || l.borrow_mut().push("soon"))?;
/// let answer = lp.run_until_complete(async {
///     corio_runtime::sleep(std::time::Duration::from_millis(20)).await;
///     42
/// })?;
/// assert_eq!(answer, 42);
/// assert_eq!(*log.borrow(), ["soon", "later"]);
/// lp.close()?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
/// # Ownership
///
/// Dropping the last handle made outside the loop closes it, even if its tasks hold clones:
/// a handle obtained inside the loop's tasks and callbacks (`get_running_loop()`, a clone
/// made while the loop runs) does not keep the loop's tasks alive, so a task that holds its
/// own loop cannot leak it. Such a handle that outlives the loop's last outside handle sees a
/// closed loop. A handle cloned *outside* and moved into a task does keep the loop alive
/// until it is dropped or the loop is closed; inside a task, prefer `get_running_loop()`.
///
/// ```
/// use corio_runtime::{EventLoop, get_running_loop, sleep};
/// use std::time::Duration;
///
/// let lp = EventLoop::new()?;
/// let watcher = lp.create_task(async {
///     let lp = get_running_loop().unwrap(); // held across an await
///     sleep(Duration::from_secs(3600)).await;
///     lp.time()
/// })?;
/// drop(lp); // closes the loop: the pending task is dropped, nothing leaks
/// assert!(watcher.cancelled());
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
pub struct EventLoop {
    pub(crate) inner: Rc<LoopInner>,
    /// Whether this handle counts in `inner.owners` (see `owners.rs`).
    pub(crate) owning: bool,
}

impl EventLoop {
    /// A new loop with the default settings (asyncio's `new_event_loop()`); see
    /// [`EventLoop::builder`] for the others. Debug mode is on when the environment variable
    /// `CORIO_DEBUG` is set to a non-empty value other than `0`.
    ///
    /// # Errors
    ///
    /// [`LoopError::Io`] if the reactor cannot be created (out of file descriptors).
    ///
    /// # Examples
    ///
    /// See [`EventLoop`].
    pub fn new() -> Result<EventLoop, LoopError> {
        Builder::new().build()
    }

    /// Settings for a new loop: virtual time, debug mode, slow-step threshold.
    ///
    /// # Examples
    ///
    /// ```
    /// let lp = corio_runtime::EventLoop::builder().virtual_time(true).debug(true).build()?;
    /// assert!(lp.get_debug());
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn builder() -> Builder {
        Builder::new()
    }

    pub(crate) fn from_builder(builder: &Builder) -> Result<EventLoop, LoopError> {
        let reactor = Reactor::new()?;
        let unpark = Arc::new(LoopUnpark {
            sleeping: AtomicBool::new(false),
            notifier: reactor.notifier(),
        });
        let executor = LocalExecutor::new(unpark.clone());
        let clock = if builder.virtual_time {
            corio_time::Clock::new_virtual()
        } else {
            corio_time::Clock::monotonic()
        };
        let inner = Rc::new(LoopInner {
            executor,
            reactor,
            timers: Rc::new(LoopTimers::new(clock)),
            unpark,
            running: Cell::new(false),
            stopping: Cell::new(false),
            closed: Cell::new(false),
            debug: Cell::new(false),
            slow_callback_duration: Cell::new(builder.slow_callback_duration),
            handler: RefCell::new(None),
            iteration: Cell::new(0),
            default_executor: Default::default(),
            extensions: Default::default(),
            owners: Owners::one(),
        });
        let weak: Weak<LoopInner> = Rc::downgrade(&inner);
        inner.executor.set_hook(move |event| {
            if let Some(inner) = weak.upgrade() {
                EventLoop::not_owning(inner).report_executor_event(event);
            }
        });
        let lp = EventLoop::owning(inner);
        lp.set_debug(builder.debug.unwrap_or_else(debug_from_env));
        Ok(lp)
    }

    // ----- running and stopping -----

    fn check_can_run(&self) -> Result<(), LoopError> {
        if self.inner.closed.get() {
            return Err(LoopError::Closed);
        }
        if self.inner.running.get() || current::running_loop().is_some() {
            return Err(LoopError::AlreadyRunning);
        }
        Ok(())
    }

    /// Runs until [`EventLoop::stop`] is called (asyncio's `run_forever`). A `stop()` made
    /// before the call makes it run one iteration.
    ///
    /// # Errors
    ///
    /// [`LoopError::Closed`], or [`LoopError::AlreadyRunning`] if this or another loop is
    /// running on this thread; [`LoopError::Interrupted`] if the run ended by
    /// [`interrupt`](EventLoop::interrupt).
    ///
    /// # Examples
    ///
    /// ```
    /// let lp = corio_runtime::EventLoop::new()?;
    /// let stopper = lp.clone();
    /// lp.call_later(0.001, move || stopper.stop())?;
    /// lp.run_forever()?;
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn run_forever(&self) -> Result<(), LoopError> {
        self.check_can_run()?;
        let _running = RunningGuard::enter(self);
        loop {
            self.run_once();
            if self.inner.stopping.get() {
                break;
            }
        }
        self.inner.stopping.set(false);
        drop(_running);
        if self.inner.owners.none_left() {
            // Every owning handle went while the loop ran (this run was made through a handle
            // from inside it): close it now, as the last owner's drop could not.
            let _ = self.close();
        }
        self.take_interrupt()
    }

    /// Runs the loop until `future` is done and gives its output (asyncio's
    /// `run_until_complete`). The future runs as a task (so `current_task()` works in it);
    /// its first step is queued behind what is already ready.
    ///
    /// # Errors
    ///
    /// [`LoopError::Closed`], [`LoopError::AlreadyRunning`];
    /// [`LoopError::StoppedBeforeComplete`] if `stop()` ended the run first (the task goes
    /// on existing and can be awaited in a later run); [`LoopError::Interrupted`] after
    /// [`interrupt`](EventLoop::interrupt) (likewise); [`LoopError::Task`] if the future was
    /// cancelled or panicked.
    ///
    /// # Examples
    ///
    /// See [`EventLoop`].
    pub fn run_until_complete<F>(&self, future: F) -> Result<F::Output, LoopError>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.check_can_run()?;
        // The loop stops once the future is done, however it ends (asyncio's
        // `_run_until_complete_cb`): the guard inside the task queues the stop when the
        // future is dropped, which happens as the task completes, is cancelled or panics,
        // behind what the task's last step queued.
        let armed = Rc::new(Cell::new(true));
        let stop = StopWhenDone {
            lp: Rc::downgrade(&self.inner),
            armed: armed.clone(),
        };
        let mut task = self.inner.executor.spawn_local(async move {
            let _stop = stop;
            future.await
        });
        let ran = self.run_forever();
        match task.try_take() {
            Some(out) => {
                ran?;
                Ok(out?)
            }
            None => {
                // The task goes on in later runs; it must not stop them.
                armed.set(false);
                ran?;
                Err(LoopError::StoppedBeforeComplete)
            }
        }
    }

    /// Asks the loop to stop: the current iteration finishes, then `run_forever` /
    /// `run_until_complete` return. Before a run, it makes the next run do one iteration.
    ///
    /// # Examples
    ///
    /// ```
    /// let lp = corio_runtime::EventLoop::new()?;
    /// lp.stop();
    /// lp.run_forever()?; // one iteration, then returns
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn stop(&self) {
        self.inner.stopping.set(true);
    }

    /// Whether the loop is running.
    ///
    /// # Examples
    ///
    /// ```
    /// let lp = corio_runtime::EventLoop::new()?;
    /// assert!(!lp.is_running());
    /// assert!(lp.run_until_complete(async { corio_runtime::get_running_loop().unwrap().is_running() })?);
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn is_running(&self) -> bool {
        self.inner.running.get()
    }

    /// Closes the loop: pending callbacks and timers are dropped, every unfinished task's
    /// future is dropped (its destructors run) and each is reported to the exception handler
    /// as asyncio reports it: "Task was destroyed but it is pending!" (in and out of debug
    /// mode, as asyncio's `Task.__del__` logs it). Closing a closed loop does nothing.
    ///
    /// # Errors
    ///
    /// [`LoopError::CloseWhileRunning`] if called while the loop runs.
    ///
    /// # Examples
    ///
    /// ```
    /// let lp = corio_runtime::EventLoop::new()?;
    /// lp.close()?;
    /// lp.close()?; // fine
    /// assert!(lp.is_closed());
    /// assert!(lp.run_forever().is_err());
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn close(&self) -> Result<(), LoopError> {
        if self.inner.running.get() {
            return Err(LoopError::CloseWhileRunning);
        }
        if self.inner.closed.replace(true) {
            return Ok(());
        }
        self.inner.timers.clear();
        // Described before closing, so the report shows them as they were: pending.
        // Reported in and out of debug mode, as asyncio's Task.__del__ logs it.
        let described: Vec<String> = self.all_tasks().iter().map(|t| format!("{t:?}")).collect();
        let pending = self.inner.executor.close();
        self.close_default_executor();
        for (task, description) in pending.into_iter().zip(described) {
            self.call_exception_handler(&Report {
                kind: ReportKind::PendingTaskDestroyed,
                message: format!("Task was destroyed but it is pending!\ntask: {description}"),
                task: Some(task),
            });
        }
        Ok(())
    }

    /// Whether the loop was closed.
    ///
    /// # Examples
    ///
    /// See [`EventLoop::close`].
    pub fn is_closed(&self) -> bool {
        self.inner.closed.get()
    }

    /// One iteration, as asyncio's `_run_once`.
    fn run_once(&self) {
        let inner = &*self.inner;
        let executor = &inner.executor;
        let timers = &inner.timers;
        let iteration = inner.iteration.get();
        inner.iteration.set(iteration.wrapping_add(1));

        let busy = executor.has_ready() || inner.stopping.get();
        if busy {
            if iteration.is_multiple_of(IO_CHECK_INTERVAL) && inner.reactor.source_count() > 0 {
                self.poll_io(Some(Duration::ZERO));
            }
        } else if timers.clock.is_virtual() {
            // Virtual time jumps to the (exact) next deadline once nothing else can happen now.
            let next = timers.next_deadline();
            let io = if inner.reactor.source_count() > 0 {
                self.poll_io(Some(Duration::ZERO))
            } else {
                0
            };
            if io == 0 && !executor.has_ready() {
                match next {
                    Some(at) => {
                        timers.clock.advance_to(at);
                    }
                    None => self.park(None),
                }
            }
        } else {
            // Real time: sleep until the next deadline, or until the timer wheel's bucket
            // that holds it comes up (a little earlier, for a deadline milliseconds away).
            let now = timers.clock.now();
            let timeout = timers
                .next_wakeup(now)
                .map(|at| at.saturating_duration_since(now));
            self.park(timeout);
        }
        timers.fire_due(executor);
        executor.run_batch();
    }

    /// Blocks in the reactor, unless a wake from another thread came in meanwhile.
    fn park(&self, timeout: Option<Duration>) {
        let inner = &*self.inner;
        inner.unpark.sleeping.store(true, Ordering::SeqCst);
        if !inner.executor.has_ready() {
            self.poll_io(timeout);
        }
        inner.unpark.sleeping.store(false, Ordering::SeqCst);
    }

    fn poll_io(&self, timeout: Option<Duration>) -> usize {
        match self.inner.reactor.poll(timeout) {
            Ok(n) => n,
            Err(e) => {
                self.call_exception_handler(&Report {
                    kind: ReportKind::Io,
                    message: format!("error while waiting for I/O: {e}"),
                    task: None,
                });
                0
            }
        }
    }

    pub(crate) fn set_running(&self, running: bool) {
        self.inner.running.set(running);
    }

    pub(crate) fn timer_source(&self) -> Rc<dyn TimerSource> {
        self.inner.timers.clone()
    }

    /// Runs iterations until `done()` holds or nothing is left to run, without blocking.
    pub(crate) fn run_while_ready(&self, done: impl Fn() -> bool) {
        let _running = RunningGuard::enter(self);
        while !done() && self.inner.executor.has_ready() {
            self.run_once();
        }
    }

    // ----- scheduling -----

    fn check_open(&self) -> Result<(), LoopError> {
        if self.inner.closed.get() {
            Err(LoopError::Closed)
        } else {
            Ok(())
        }
    }

    /// Schedules `f` at the back of the ready queue (asyncio's `call_soon`): callbacks run
    /// in the order they were scheduled, before timers that fall due in the same iteration.
    ///
    /// `f` returns `()` or a `Result<T, E>`: an error (or a panic) goes to the exception
    /// handler and the loop goes on, as asyncio does with an exception in a callback.
    ///
    /// # Errors
    ///
    /// [`LoopError::Closed`].
    ///
    /// # Examples
    ///
    /// See [`EventLoop`].
    pub fn call_soon<R: CallbackOutput>(
        &self,
        f: impl FnOnce() -> R + 'static,
    ) -> Result<Handle, LoopError> {
        self.check_open()?;
        Ok(self.inner.executor.call_soon(f))
    }

    /// Schedules `f` from this thread, as [`LoopHandle::call_soon_threadsafe`] does from
    /// others (asyncio's `call_soon_threadsafe`).
    ///
    /// # Errors
    ///
    /// [`LoopError::Closed`].
    ///
    /// # Examples
    ///
    /// ```
    /// let lp = corio_runtime::EventLoop::new()?;
    /// lp.call_soon_threadsafe(|| println!("hi"))?;
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn call_soon_threadsafe<R: CallbackOutput>(
        &self,
        f: impl FnOnce() -> R + Send + 'static,
    ) -> Result<corio_executor::ThreadsafeHandle, LoopError> {
        self.handle().call_soon_threadsafe(f)
    }

    /// Schedules `f` to run after `delay` (asyncio's `call_later`). Zero and negative delays
    /// run as soon as possible, earliest deadline first; equal deadlines run in the order
    /// they were scheduled. A callback never runs before its deadline.
    ///
    /// # Errors
    ///
    /// [`LoopError::Closed`]; [`LoopError::InvalidTime`] for a NaN delay.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::{cell::RefCell, rc::Rc, time::Duration};
    /// let lp = corio_runtime::EventLoop::builder().virtual_time(true).build()?;
    /// let log = Rc::new(RefCell::new(Vec::new()));
    /// for (delay, name) in [(-1.0, "a"), (-2.0, "b"), (0.5, "c")] {
    ///     let l = log.clone();
    ///     lp.call_later(delay, move || l.borrow_mut().push(name))?;
    /// }
    /// lp.run_until_complete(corio_runtime::sleep(Duration::from_secs(1)))?;
    /// assert_eq!(*log.borrow(), ["b", "a", "c"]);
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn call_later<R: CallbackOutput>(
        &self,
        delay: impl Into<Delay>,
        f: impl FnOnce() -> R + 'static,
    ) -> Result<TimerHandle, LoopError> {
        self.check_open()?;
        let clock = &self.inner.timers.clock;
        let deadline = delay.into().deadline(clock, clock.now())?;
        Ok(self.schedule_timer(deadline, f))
    }

    /// Schedules `f` at `when`, a time of the loop's clock: an [`Instant`] from
    /// [`EventLoop::now`] or seconds on the scale of [`EventLoop::time`] (asyncio's
    /// `call_at`).
    ///
    /// # Errors
    ///
    /// [`LoopError::Closed`]; [`LoopError::InvalidTime`] for a NaN time.
    ///
    /// # Examples
    ///
    /// ```
    /// let lp = corio_runtime::EventLoop::builder().virtual_time(true).build()?;
    /// let start = lp.time();
    /// let inner = lp.clone();
    /// lp.call_at(start + 10.0, move || assert_eq!(inner.time(), start + 10.0))?;
    /// lp.run_until_complete(corio_runtime::sleep(std::time::Duration::from_secs(11)))?;
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn call_at<R: CallbackOutput>(
        &self,
        when: impl Into<When>,
        f: impl FnOnce() -> R + 'static,
    ) -> Result<TimerHandle, LoopError> {
        self.check_open()?;
        let deadline = when.into().deadline(&self.inner.timers.clock)?;
        Ok(self.schedule_timer(deadline, f))
    }

    fn schedule_timer<R: CallbackOutput>(
        &self,
        deadline: Instant,
        f: impl FnOnce() -> R + 'static,
    ) -> TimerHandle {
        let handle = self.inner.executor.callback(f);
        let key = self
            .inner
            .timers
            .queue
            .borrow_mut()
            .insert(deadline, TimerEntry::Call(handle.clone()));
        TimerHandle {
            handle,
            key,
            deadline,
            when: self.inner.timers.clock.to_secs(deadline),
            owner: Rc::downgrade(&self.inner),
        }
    }

    /// Wraps `future` in a task and schedules its first step (asyncio's `loop.create_task`).
    /// The task runs even if the handle is dropped. `!Send` futures are fine. Inside a
    /// running loop, [`spawn`](crate::spawn) says the same without naming the loop.
    ///
    /// # Errors
    ///
    /// [`LoopError::Closed`].
    ///
    /// # Examples
    ///
    /// ```
    /// let lp = corio_runtime::EventLoop::new()?;
    /// let task = lp.create_task(async { "done" })?;
    /// assert_eq!(lp.run_until_complete(task)?, Ok("done"));
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    #[doc(alias = "spawn")]
    pub fn create_task<F>(&self, future: F) -> Result<Task<F::Output>, LoopError>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.check_open()?;
        Ok(self.inner.executor.spawn_local(future))
    }

    /// A new [`SettableFuture`] bound to this loop (asyncio's `create_future`).
    ///
    /// # Examples
    ///
    /// See [`SettableFuture`].
    pub fn create_future<T: 'static>(&self) -> SettableFuture<T> {
        SettableFuture::bound_to(Rc::downgrade(&self.inner))
    }

    /// The tasks of this loop that have not finished (asyncio's `all_tasks(loop)`).
    ///
    /// # Examples
    ///
    /// ```
    /// let lp = corio_runtime::EventLoop::new()?;
    /// let t = lp.create_task(async {})?.share();
    /// assert_eq!(lp.all_tasks(), [t.as_any()]);
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn all_tasks(&self) -> Vec<AnyTask> {
        self.inner.executor.tasks()
    }

    /// A `Send + Sync` handle for other threads: `call_soon_threadsafe`, `stop`.
    ///
    /// # Examples
    ///
    /// See [`LoopHandle`].
    pub fn handle(&self) -> LoopHandle {
        LoopHandle {
            remote: self.inner.executor.remote(),
        }
    }

    /// The address of the loop's shared state: the same for every clone of this loop,
    /// different from every other live loop's (Python's `id(loop)`). Compare loops with
    /// `==`; this is for printing.
    ///
    /// # Examples
    ///
    /// ```
    /// let lp = corio_runtime::EventLoop::new()?;
    /// assert_eq!(lp.as_ptr(), lp.clone().as_ptr());
    /// assert_ne!(lp.as_ptr(), corio_runtime::EventLoop::new()?.as_ptr());
    /// println!("loop:{}", lp.as_ptr() as usize);
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn as_ptr(&self) -> *const () {
        Rc::as_ptr(&self.inner).cast()
    }

    // ----- time -----

    /// The loop's clock in seconds (asyncio's `loop.time()`); only differences mean anything.
    ///
    /// # Examples
    ///
    /// ```
    /// let lp = corio_runtime::EventLoop::new()?;
    /// let t = lp.time();
    /// assert!(lp.time() >= t);
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn time(&self) -> f64 {
        self.inner.timers.clock.time()
    }

    /// The loop's clock as an [`Instant`] (virtual under virtual time).
    ///
    /// # Examples
    ///
    /// ```
    /// let lp = corio_runtime::EventLoop::new()?;
    /// assert!(lp.now() <= std::time::Instant::now());
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn now(&self) -> Instant {
        self.inner.timers.clock.now()
    }

    /// Whether the loop runs on a virtual clock.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!corio_runtime::EventLoop::new()?.is_virtual_time());
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn is_virtual_time(&self) -> bool {
        self.inner.timers.clock.is_virtual()
    }

    // ----- debug mode and reports -----

    /// Turns debug mode on or off: in debug mode, every callback or task step slower than
    /// [`slow_callback_duration`](EventLoop::slow_callback_duration) is reported, and tasks
    /// still pending at `close()` are reported.
    ///
    /// # Examples
    ///
    /// ```
    /// let lp = corio_runtime::EventLoop::new()?;
    /// lp.set_debug(true);
    /// assert!(lp.get_debug());
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn set_debug(&self, enabled: bool) {
        self.inner.debug.set(enabled);
        self.inner
            .executor
            .set_slow_step_threshold(enabled.then(|| self.inner.slow_callback_duration.get()));
    }

    /// Whether debug mode is on.
    ///
    /// # Examples
    ///
    /// See [`EventLoop::set_debug`].
    pub fn get_debug(&self) -> bool {
        self.inner.debug.get()
    }

    /// The slow-step threshold of debug mode (default 100 ms).
    ///
    /// # Examples
    ///
    /// ```
    /// let lp = corio_runtime::EventLoop::new()?;
    /// assert_eq!(lp.slow_callback_duration(), std::time::Duration::from_millis(100));
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn slow_callback_duration(&self) -> Duration {
        self.inner.slow_callback_duration.get()
    }

    /// Sets the slow-step threshold of debug mode.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let lp = corio_runtime::EventLoop::new()?;
    /// lp.set_slow_callback_duration(Duration::from_millis(250));
    /// assert_eq!(lp.slow_callback_duration(), Duration::from_millis(250));
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn set_slow_callback_duration(&self, threshold: Duration) {
        self.inner.slow_callback_duration.set(threshold);
        if self.get_debug() {
            self.inner.executor.set_slow_step_threshold(Some(threshold));
        }
    }

    /// Sets (or with `None`, resets) the handler of the loop's reports (asyncio's
    /// `set_exception_handler`). The default is [`default_exception_handler`].
    ///
    /// # Examples
    ///
    /// See [`Report`].
    pub fn set_exception_handler<H>(&self, handler: Option<H>)
    where
        H: Fn(&EventLoop, &Report) + 'static,
    {
        *self.inner.handler.borrow_mut() = handler.map(|h| Rc::new(h) as ExceptionHandler);
    }

    /// Whether a custom exception handler is set (asyncio's `get_exception_handler() is not
    /// None`); the handler itself is a closure and is not handed back.
    ///
    /// # Examples
    ///
    /// ```
    /// let lp = corio_runtime::EventLoop::new()?;
    /// assert!(!lp.has_exception_handler());
    /// lp.set_exception_handler(Some(|_: &corio_runtime::EventLoop, _: &corio_runtime::Report| {}));
    /// assert!(lp.has_exception_handler());
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn has_exception_handler(&self) -> bool {
        self.inner.handler.borrow().is_some()
    }

    /// Passes `report` to the exception handler (asyncio's `call_exception_handler`).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_runtime::{EventLoop, Report, ReportKind};
    /// let lp = EventLoop::new()?;
    /// lp.set_exception_handler(Some(|_: &EventLoop, r: &Report| assert_eq!(r.message, "hello")));
    /// lp.call_exception_handler(&Report { kind: ReportKind::Io, message: "hello".into(), task: None });
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn call_exception_handler(&self, report: &Report) {
        let handler = self.inner.handler.borrow().clone();
        match handler {
            Some(handler) => handler(self, report),
            None => default_exception_handler(report),
        }
    }

    fn report_executor_event(&self, event: ExecutorEvent<'_>) {
        let report = match event {
            ExecutorEvent::SlowStep(step) => Report {
                kind: ReportKind::SlowStep {
                    elapsed: step.elapsed,
                },
                message: step.to_string(),
                task: match &step.kind {
                    StepKind::Task(t) => Some(t.clone()),
                    StepKind::Callback(_) => None,
                },
            },
            ExecutorEvent::CallbackFailed { .. } => Report {
                kind: ReportKind::CallbackFailed,
                message: event.to_string(),
                task: None,
            },
            ExecutorEvent::CallbackPanicked { .. } => Report {
                kind: ReportKind::CallbackPanicked,
                message: event.to_string(),
                task: None,
            },
            ExecutorEvent::UnretrievedPanic { .. } => Report {
                kind: ReportKind::UnretrievedPanic,
                message: event.to_string(),
                task: None,
            },
            _ => Report {
                kind: ReportKind::Io,
                message: event.to_string(),
                task: None,
            },
        };
        self.call_exception_handler(&report);
    }
}

fn debug_from_env() -> bool {
    std::env::var_os("CORIO_DEBUG").is_some_and(|v| !v.is_empty() && v != "0")
}

impl PartialEq for EventLoop {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

impl Eq for EventLoop {}

impl fmt::Debug for EventLoop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventLoop")
            .field("running", &self.is_running())
            .field("closed", &self.is_closed())
            .field("debug", &self.get_debug())
            .field("virtual_time", &self.is_virtual_time())
            .finish()
    }
}

/// Stops the loop, through its ready queue, when dropped: lives in the task of
/// `run_until_complete`, so it goes when the task's future goes (done, cancelled or
/// panicked), unless the run it belongs to already returned.
struct StopWhenDone {
    lp: Weak<LoopInner>,
    armed: Rc<Cell<bool>>,
}

impl Drop for StopWhenDone {
    fn drop(&mut self) {
        if !self.armed.get() {
            return;
        }
        if let Some(inner) = self.lp.upgrade() {
            let lp = self.lp.clone();
            inner.executor.call_soon(move || {
                if let Some(inner) = lp.upgrade() {
                    inner.stopping.set(true);
                }
            });
        }
    }
}
