//! [`ThreadPool`]: the threads behind `to_thread`, `unblock` and
//! [`ThreadPoolExecutor`](crate::ThreadPoolExecutor). Threads start on demand, up to a limit, and an idle one
//! exits after its keep-alive.
//!
//! Jobs are `async-task` runnables: one allocation a job holds the closure, its output
//! slot and the waker of whoever awaits it, and dropping a queued runnable cancels it.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use async_task::Runnable;

use crate::error::{FutureError, Panic, SubmitError};
use crate::job_queue::{JobQueue, Staffing};
use crate::unblock::Unblock;

/// Python's default for `ThreadPoolExecutor` and asyncio's default executor:
/// `min(32, cpus + 4)`.
///
/// # Examples
///
/// ```
/// let n = corio_blocking::default_thread_count();
/// assert!((5..=32).contains(&n));
/// ```
pub fn default_thread_count() -> usize {
    (cpu_count() + 4).min(32)
}

/// The number of CPUs this process may use (at least 1).
pub(crate) fn cpu_count() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// How long an idle thread of [`ThreadPool::new`] waits for work before it exits.
pub const DEFAULT_KEEP_ALIVE: Duration = Duration::from_secs(10);

type Initializer = Arc<dyn Fn() + Send + Sync>;

/// The queue and the thread counts, under one lock.
type Queue = JobQueue<Runnable>;

pub(crate) struct PoolInner {
    queue: Mutex<Queue>,
    /// Idle threads wait here for jobs.
    work: Condvar,
    /// `shutdown(wait)` waits here for the last thread to exit.
    exited: Condvar,
    /// Jobs in the queue, readable without the lock.
    queued: AtomicUsize,
    max_threads: usize,
    keep_alive: Option<Duration>,
    name_prefix: String,
    /// Threads started so far, for their names.
    started: AtomicUsize,
    initializer: Option<Initializer>,
    stack_size: Option<usize>,
}

/// A pool of threads for blocking work.
///
/// It starts a thread when a job arrives and no thread is idle, up to
/// [`max_threads`](ThreadPoolBuilder::max_threads); an idle thread exits after
/// [`keep_alive`](ThreadPoolBuilder::keep_alive). A job that panics is reported to its
/// future as [`FutureError::Panicked`] and the thread goes on with the next job.
///
/// [`to_thread`](crate::to_thread) uses a process-wide pool of the default size; make your
/// own to bound a kind of work separately. Handles are cheap clones of one pool; when the
/// last one is dropped the pool shuts down without waiting: queued jobs still run, then
/// its threads exit.
///
/// # Examples
///
/// ```
/// use corio_blocking::ThreadPool;
///
/// let pool = ThreadPool::builder().max_threads(2).name_prefix("io").build();
/// # futures_lite::future::block_on(async {
/// let name = pool
///     .spawn(|| std::thread::current().name().unwrap().to_owned())
///     .await
///     .unwrap();
/// assert!(name.starts_with("io-"));
/// # });
/// ```
#[derive(Clone)]
pub struct ThreadPool {
    inner: Arc<PoolInner>,
    /// Shared by the user's handles only (the threads and queued jobs hold `inner`): when
    /// the last handle goes, the pool shuts down without waiting, so that its threads
    /// finish the queued jobs and exit instead of idling for ever.
    _handles: Arc<LastHandle>,
}

/// Shuts the pool down when dropped; see [`ThreadPool`]'s `_handles`.
struct LastHandle(Arc<PoolInner>);

impl Drop for LastHandle {
    fn drop(&mut self) {
        let mut queue = self.0.lock();
        queue.shutdown = true;
        drop(queue);
        self.0.work.notify_all();
    }
}

/// Settings for a [`ThreadPool`].
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use corio_blocking::ThreadPool;
///
/// let pool = ThreadPool::builder()
///     .max_threads(4)
///     .keep_alive(Some(Duration::from_secs(1)))
///     .initializer(|| println!("thread up"))
///     .build();
/// assert_eq!(pool.max_threads(), 4);
/// ```
#[must_use]
pub struct ThreadPoolBuilder {
    max_threads: usize,
    keep_alive: Option<Duration>,
    name_prefix: String,
    initializer: Option<Initializer>,
    stack_size: Option<usize>,
}

impl ThreadPoolBuilder {
    /// The most threads the pool runs at once (at least 1; default
    /// [`default_thread_count`]).
    ///
    /// # Examples
    ///
    /// See [`ThreadPoolBuilder`].
    pub fn max_threads(mut self, n: usize) -> Self {
        self.max_threads = n.max(1);
        self
    }

    /// How long an idle thread waits for work before it exits; `None` keeps threads for
    /// the pool's life (Python's `ThreadPoolExecutor`). Default [`DEFAULT_KEEP_ALIVE`].
    ///
    /// # Examples
    ///
    /// See [`ThreadPoolBuilder`].
    pub fn keep_alive(mut self, keep_alive: Option<Duration>) -> Self {
        self.keep_alive = keep_alive;
        self
    }

    /// Threads are named `{prefix}-{n}` (Python's `thread_name_prefix`); default
    /// `"corio-blocking"`.
    ///
    /// # Examples
    ///
    /// See [`ThreadPool`].
    pub fn name_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.name_prefix = prefix.into();
        self
    }

    /// Runs `init` at the start of every thread, before its first job (Python's
    /// `initializer`). If it panics, the pool is broken: queued and new jobs fail with
    /// [`FutureError::BrokenPool`] / [`SubmitError::Broken`].
    ///
    /// # Examples
    ///
    /// See [`ThreadPoolBuilder`].
    pub fn initializer(mut self, init: impl Fn() + Send + Sync + 'static) -> Self {
        self.initializer = Some(Arc::new(init));
        self
    }

    /// The stack size of each thread (default: the standard library's).
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = corio_blocking::ThreadPool::builder().stack_size(256 * 1024).build();
    /// # drop(pool);
    /// ```
    pub fn stack_size(mut self, bytes: usize) -> Self {
        self.stack_size = Some(bytes);
        self
    }

    /// The pool. No thread starts until the first job.
    ///
    /// # Examples
    ///
    /// See [`ThreadPoolBuilder`].
    pub fn build(self) -> ThreadPool {
        let inner = Arc::new(PoolInner {
            queue: Mutex::new(JobQueue::new()),
            work: Condvar::new(),
            exited: Condvar::new(),
            queued: AtomicUsize::new(0),
            max_threads: self.max_threads,
            keep_alive: self.keep_alive,
            name_prefix: self.name_prefix,
            started: AtomicUsize::new(0),
            initializer: self.initializer,
            stack_size: self.stack_size,
        });
        ThreadPool {
            _handles: Arc::new(LastHandle(inner.clone())),
            inner,
        }
    }
}

impl fmt::Debug for ThreadPoolBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadPoolBuilder")
            .field("max_threads", &self.max_threads)
            .field("keep_alive", &self.keep_alive)
            .field("name_prefix", &self.name_prefix)
            .field("initializer", &self.initializer.is_some())
            .finish()
    }
}

impl Default for ThreadPool {
    fn default() -> Self {
        Self::new()
    }
}

thread_local! {
    /// The pool whose worker this thread is (its address), so that `shutdown(wait)` from a
    /// job does not wait for its own thread.
    static CURRENT_POOL: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl ThreadPool {
    /// A pool of [`default_thread_count`] threads at most, with the default keep-alive.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = corio_blocking::ThreadPool::new();
    /// assert_eq!(pool.max_threads(), corio_blocking::default_thread_count());
    /// ```
    pub fn new() -> ThreadPool {
        Self::builder().build()
    }

    /// Settings for a new pool.
    ///
    /// # Examples
    ///
    /// See [`ThreadPoolBuilder`].
    pub fn builder() -> ThreadPoolBuilder {
        ThreadPoolBuilder {
            max_threads: default_thread_count(),
            keep_alive: Some(DEFAULT_KEEP_ALIVE),
            name_prefix: "corio-blocking".into(),
            initializer: None,
            stack_size: None,
        }
    }

    /// Runs `f` on a pool thread; the returned future gives its output.
    ///
    /// Dropping the future before the job starts cancels the job; once started, it runs
    /// to the end and its output is dropped (a thread cannot be interrupted). Use
    /// [`Unblock::detach`] to let it run unobserved.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = corio_blocking::ThreadPool::new();
    /// let sum = futures_lite::future::block_on(pool.spawn(|| (1..=10).sum::<u32>()));
    /// assert_eq!(sum.unwrap(), 55);
    /// ```
    pub fn spawn<F, T>(&self, f: F) -> Unblock<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let job = async move {
            catch_unwind(AssertUnwindSafe(f))
                .map_err(|p| FutureError::Panicked(Panic::from_payload(p)))
        };
        let inner = self.inner.clone();
        let (runnable, task) = async_task::spawn(job, move |r| inner.schedule(r));
        runnable.schedule();
        Unblock::new(task.fallible())
    }

    /// Queues a runnable (used by [`ThreadPoolExecutor`](crate::ThreadPoolExecutor), which
    /// wants a refusal as an error rather than a cancelled future).
    pub(crate) fn try_schedule(&self, runnable: Runnable) -> Result<(), SubmitError> {
        self.inner.try_schedule(runnable)
    }

    /// A schedule function for `async_task::spawn` that queues on this pool.
    pub(crate) fn scheduler(&self) -> impl Fn(Runnable) + Send + Sync + 'static {
        let inner = self.inner.clone();
        move |r| inner.schedule(r)
    }

    /// The most threads the pool runs at once.
    ///
    /// # Examples
    ///
    /// See [`ThreadPoolBuilder`].
    pub fn max_threads(&self) -> usize {
        self.inner.max_threads
    }

    /// Threads alive now (busy, idle or starting).
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = corio_blocking::ThreadPool::new();
    /// assert_eq!(pool.thread_count(), 0); // none until the first job
    /// ```
    pub fn thread_count(&self) -> usize {
        self.inner.lock().threads
    }

    /// Threads parked waiting for work now.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = corio_blocking::ThreadPool::new();
    /// assert_eq!(pool.idle_count(), 0);
    /// ```
    pub fn idle_count(&self) -> usize {
        self.inner.lock().idle
    }

    /// Jobs queued and not yet started.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = corio_blocking::ThreadPool::new();
    /// assert_eq!(pool.queued_count(), 0);
    /// ```
    pub fn queued_count(&self) -> usize {
        self.inner.queued.load(Ordering::Relaxed)
    }

    /// Stops taking jobs. Queued jobs still run unless `cancel_queued`, in which case they
    /// are dropped (their futures end [`Cancelled`](FutureError::Cancelled)). With `wait`,
    /// blocks until every thread has exited (a job that calls it does not wait for its own
    /// thread).
    ///
    /// Later jobs are refused: [`spawn`](Self::spawn)'s future ends `Cancelled`.
    ///
    /// # Blocking
    ///
    /// With `wait`, until the running jobs end.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = corio_blocking::ThreadPool::new();
    /// let job = pool.spawn(|| 1);
    /// pool.shutdown(true, false);
    /// assert_eq!(pool.thread_count(), 0);
    /// assert_eq!(futures_lite::future::block_on(job).unwrap(), 1);
    /// let refused = futures_lite::future::block_on(pool.spawn(|| 2));
    /// assert!(refused.unwrap_err().is_cancelled());
    /// ```
    pub fn shutdown(&self, wait: bool, cancel_queued: bool) {
        let inner = &self.inner;
        let mut queue = inner.lock();
        queue.shutdown = true;
        let dropped: Vec<Runnable> = if cancel_queued {
            inner.queued.store(0, Ordering::Relaxed);
            queue.jobs.drain(..).collect()
        } else {
            Vec::new()
        };
        inner.work.notify_all();
        if wait {
            let own = usize::from(CURRENT_POOL.with(|c| c.get()) == inner.id());
            while queue.threads > own {
                queue = inner
                    .exited
                    .wait(queue)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        }
        drop(queue);
        // Outside the lock: dropping a runnable runs its future's destructor.
        drop(dropped);
    }

    /// Whether [`shutdown`](Self::shutdown) was called.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = corio_blocking::ThreadPool::new();
    /// pool.shutdown(false, false);
    /// assert!(pool.is_shutdown());
    /// ```
    pub fn is_shutdown(&self) -> bool {
        self.inner.lock().shutdown
    }

    /// Why the pool is broken (its initializer panicked), if it is.
    pub(crate) fn broken(&self) -> Option<Arc<str>> {
        self.inner.lock().broken.clone()
    }
}

impl fmt::Debug for ThreadPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let queue = self.inner.lock();
        f.debug_struct("ThreadPool")
            .field("max_threads", &self.inner.max_threads)
            .field("threads", &queue.threads)
            .field("idle", &queue.idle)
            .field("queued", &queue.jobs.len())
            .field("shutdown", &queue.shutdown)
            .finish()
    }
}

/// How long [`PoolInner::spin_for_work`] watches the queue: half of the rounds spin (a
/// few microseconds in all), half yield the CPU.
const SPIN_ROUNDS: u32 = 64;

impl PoolInner {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        // No code that can panic runs under this lock (jobs and drops run outside it).
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn id(&self) -> usize {
        std::ptr::from_ref(self) as usize
    }

    /// The schedule function of the runnables: queue, or drop (cancel) if refused.
    fn schedule(self: &Arc<Self>, runnable: Runnable) {
        if let Err(refused) = self.push(runnable) {
            drop(refused);
        }
    }

    fn try_schedule(self: &Arc<Self>, runnable: Runnable) -> Result<(), SubmitError> {
        self.push(runnable).map_err(|(_runnable, why)| why)
    }

    /// Queues a job and makes sure a thread will take it: a parked one is woken, else a
    /// thread that just finished a job takes it, else a new one starts if the limit allows,
    /// else a busy one takes it when done.
    fn push(self: &Arc<Self>, runnable: Runnable) -> Result<(), (Runnable, SubmitError)> {
        let mut queue = self.lock();
        let staffing = queue.push(runnable, self.max_threads)?;
        self.queued.fetch_add(1, Ordering::Relaxed);
        drop(queue);
        match staffing {
            Staffing::NotifyOne => self.work.notify_one(),
            Staffing::StartThread => self.start_thread(),
            Staffing::None => {}
        }
        Ok(())
    }

    fn start_thread(self: &Arc<Self>) {
        let n = self.started.fetch_add(1, Ordering::Relaxed);
        let mut builder = std::thread::Builder::new().name(format!("{}-{n}", self.name_prefix));
        if let Some(size) = self.stack_size {
            builder = builder.stack_size(size);
        }
        let inner = self.clone();
        if let Err(error) = builder.spawn(move || inner.worker()) {
            // Out of threads. If others are alive they drain the queue; with none, the
            // queued jobs would wait for ever, so they are failed (dropped: cancelled).
            log::error!("corio-blocking: cannot start a pool thread: {error}");
            let mut queue = self.lock();
            queue.threads -= 1;
            if queue.threads == 0 {
                let dropped: Vec<Runnable> = queue.jobs.drain(..).collect();
                self.queued.store(0, Ordering::Relaxed);
                drop(queue);
                drop(dropped);
            }
        }
    }

    /// A pool thread: runs the initializer, then jobs until idle past the keep-alive or
    /// shut down.
    fn worker(self: Arc<Self>) {
        CURRENT_POOL.with(|c| c.set(self.id()));
        if let Some(init) = &self.initializer
            && let Err(payload) = catch_unwind(AssertUnwindSafe(|| init()))
        {
            self.break_pool(Panic::from_payload(payload));
            return;
        }
        let mut queue = self.lock();
        loop {
            if let Some(runnable) = queue.take() {
                self.queued.fetch_sub(1, Ordering::Relaxed);
                drop(queue);
                // The job's own panics are caught inside it; this guards the rest (a
                // panicking waker, say) so the thread survives.
                if catch_unwind(AssertUnwindSafe(|| runnable.run())).is_err() {
                    log::error!("corio-blocking: a pool job's machinery panicked");
                }
                self.spin_for_work();
                queue = self.lock();
                queue.busy -= 1;
                continue;
            }
            if queue.shutdown {
                break;
            }
            queue.idle += 1;
            let timed_out;
            (queue, timed_out) = match self.keep_alive {
                Some(keep_alive) => {
                    let (q, t) = self
                        .work
                        .wait_timeout(queue, keep_alive)
                        .unwrap_or_else(PoisonError::into_inner);
                    (q, t.timed_out())
                }
                None => (
                    self.work
                        .wait(queue)
                        .unwrap_or_else(PoisonError::into_inner),
                    false,
                ),
            };
            // Unclaimed after the keep-alive with nothing queued: this thread exits.
            if !queue.woken() && timed_out && queue.jobs.is_empty() {
                break;
            }
        }
        queue.threads -= 1;
        drop(queue);
        self.exited.notify_all();
        // A thread leaving at shutdown wakes the next parked one, which must see the flag.
        self.work.notify_all();
    }

    /// After a job, watches the queue for a short while before parking. Waking a parked
    /// thread costs tens of microseconds; a caller that awaits one job and then submits
    /// the next (`to_thread` in a loop) gets its next job taken here, without that wake.
    /// The thread still counts as busy meanwhile, so a push neither wakes another thread
    /// nor starts one for a job it will take. Bounded, so an idle pool burns no CPU.
    fn spin_for_work(&self) {
        for round in 0..SPIN_ROUNDS {
            if self.queued.load(Ordering::Relaxed) > 0 {
                return;
            }
            if round < SPIN_ROUNDS / 2 {
                for _ in 0..32 {
                    std::hint::spin_loop();
                }
            } else {
                // Let the thread that is about to push run, on a busy machine.
                std::thread::yield_now();
            }
        }
    }

    /// The initializer panicked: refuse new jobs, fail the queued ones, let threads go.
    fn break_pool(&self, panic: Panic) {
        let why: Arc<str> = Arc::from(format!("initializer panicked: {}", panic.message()));
        log::error!("corio-blocking: {why}");
        let mut queue = self.lock();
        queue.broken = Some(why);
        queue.shutdown = true;
        queue.threads -= 1;
        let dropped: Vec<Runnable> = queue.jobs.drain(..).collect();
        self.queued.store(0, Ordering::Relaxed);
        drop(queue);
        self.work.notify_all();
        self.exited.notify_all();
        drop(dropped);
    }
}
