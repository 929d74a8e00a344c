//! [`ProcessPoolExecutor`]: worker processes started on demand, one manager thread per
//! worker that feeds it jobs from a shared queue and completes their futures.

use std::fmt;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::function::ProcessFn;
use super::spawn::Worker;
use super::wire::{Reply, Request};
use super::{check_registered, serialize_args};
use crate::error::{FutureError, SubmitError};
use crate::future::ConcurrentFuture;
use crate::job_queue::{JobQueue, Staffing};
use crate::thread_executor::MapResults;

/// Where a job's serialised result goes: its future, which deserialises it.
trait Target: Send {
    /// `set_running_or_notify_cancel`: `false` if the job was cancelled.
    fn start(&self) -> bool;
    fn finish(self: Box<Self>, outcome: Result<Vec<u8>, FutureError>);
}

impl<R: DeserializeOwned + Send + 'static> Target for ConcurrentFuture<R> {
    fn start(&self) -> bool {
        self.set_running_or_notify_cancel()
    }

    fn finish(self: Box<Self>, outcome: Result<Vec<u8>, FutureError>) {
        let outcome = outcome.and_then(|bytes| {
            postcard::from_bytes(&bytes).map_err(|e| {
                FutureError::Failed(Arc::from(Box::<dyn std::error::Error + Send + Sync>::from(
                    format!("cannot deserialise the worker's result: {e}"),
                )))
            })
        });
        let _ = self.set_outcome(outcome);
    }
}

struct Job {
    function: &'static str,
    args: Vec<u8>,
    target: Box<dyn Target>,
}

struct State {
    /// The jobs, and the manager threads as `threads` (each owns one worker process, or
    /// is starting one).
    queue: JobQueue<Job>,
    /// The pids of the live workers.
    pids: Vec<u32>,
    /// Replace a worker after this many jobs (Python's `max_tasks_per_child`).
    max_tasks_per_child: Option<usize>,
}

struct Shared {
    state: Mutex<State>,
    work: Condvar,
    max_workers: usize,
    /// The initializer's name and serialised argument, sent to every new worker.
    initializer: Option<(&'static str, Vec<u8>)>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

/// A pool of worker processes (Python's `concurrent.futures.ProcessPoolExecutor`) that
/// run [`ProcessFn`]s registered with [`init`](super::init).
///
/// Workers start on demand, up to [`max_workers`](Self::max_workers) (default: the
/// number of CPUs), and live until [`shutdown`](Self::shutdown); each first runs the
/// initializer, if any. A worker that dies while running a job (killed, aborted) ends that
/// job's future with [`FutureError::WorkerDied`] and is replaced by a fresh one; the pool
/// goes on (unlike Python's, which breaks). A panic in a function ends its future with
/// [`FutureError::Panicked`] and the worker goes on.
///
/// Dropping the executor shuts it down and waits (Python's `with` block).
///
/// # Examples
///
/// ```
/// use corio_blocking::process::{self, ProcessFn, ProcessPoolExecutor};
///
/// fn pid(_: ()) -> u32 {
///     std::process::id()
/// }
/// static PID: ProcessFn<(), u32> = ProcessFn::new("pid", pid);
///
/// fn main() {
///     process::init(&[&PID]);
///     let pool = ProcessPoolExecutor::with_max_workers(1);
///     let child = pool.submit(&PID, ()).unwrap().result(None).unwrap();
///     assert_ne!(child, std::process::id()); // really another process
///     assert_eq!(pool.pids(), [child]);
/// }
/// ```
#[doc(alias = "concurrent.futures.ProcessPoolExecutor")]
#[doc(alias = "multiprocessing.Pool")]
pub struct ProcessPoolExecutor {
    shared: Arc<Shared>,
}

impl Default for ProcessPoolExecutor {
    fn default() -> Self {
        Self::new()
    }
}

impl ProcessPoolExecutor {
    /// A pool of as many workers as CPUs, at most.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = corio_blocking::process::ProcessPoolExecutor::new();
    /// assert!(pool.max_workers() >= 1);
    /// ```
    pub fn new() -> ProcessPoolExecutor {
        Self::with_max_workers(crate::pool::cpu_count())
    }

    /// A pool of at most `max_workers` workers (at least 1).
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = corio_blocking::process::ProcessPoolExecutor::with_max_workers(3);
    /// assert_eq!(pool.max_workers(), 3);
    /// ```
    pub fn with_max_workers(max_workers: usize) -> ProcessPoolExecutor {
        Self::build(max_workers, None)
    }

    /// A pool whose workers each run `initializer(initargs)` once at start (Python's
    /// `initializer=`, `initargs=`), with at most `max_workers` workers (`None`: as many
    /// as CPUs).
    ///
    /// If the initializer fails in a worker, the pool is broken: pending and new jobs fail
    /// ([`FutureError::BrokenPool`], [`SubmitError::Broken`]).
    ///
    /// # Errors
    ///
    /// [`SubmitError::NotInitialized`], [`SubmitError::NotRegistered`],
    /// [`SubmitError::Serialize`] for the initializer.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU32, Ordering};
    /// use corio_blocking::process::{self, ProcessFn, ProcessPoolExecutor};
    ///
    /// static BASE: AtomicU32 = AtomicU32::new(0);
    /// fn set_base(n: u32) {
    ///     BASE.store(n, Ordering::SeqCst); // a global of the worker process
    /// }
    /// fn add_base(n: u32) -> u32 {
    ///     BASE.load(Ordering::SeqCst) + n
    /// }
    /// static SET_BASE: ProcessFn<u32, ()> = ProcessFn::new("set_base", set_base);
    /// static ADD_BASE: ProcessFn<u32, u32> = ProcessFn::new("add_base", add_base);
    ///
    /// fn main() {
    ///     process::init(&[&SET_BASE, &ADD_BASE]);
    ///     let pool = ProcessPoolExecutor::with_initializer(Some(1), &SET_BASE, 100).unwrap();
    ///     assert_eq!(pool.submit(&ADD_BASE, 1).unwrap().result(None).unwrap(), 101);
    ///     assert_eq!(BASE.load(Ordering::SeqCst), 0); // the parent's is untouched
    /// }
    /// ```
    pub fn with_initializer<A: Serialize>(
        max_workers: Option<usize>,
        initializer: &'static ProcessFn<A, ()>,
        initargs: A,
    ) -> Result<ProcessPoolExecutor, SubmitError> {
        check_registered(initializer.name())?;
        let args = serialize_args(&initargs)?;
        Ok(Self::build(
            max_workers.unwrap_or_else(crate::pool::cpu_count),
            Some((initializer.name(), args)),
        ))
    }

    fn build(
        max_workers: usize,
        initializer: Option<(&'static str, Vec<u8>)>,
    ) -> ProcessPoolExecutor {
        ProcessPoolExecutor {
            shared: Arc::new(Shared {
                state: Mutex::new(State {
                    queue: JobQueue::new(),
                    pids: Vec::new(),
                    max_tasks_per_child: None,
                }),
                work: Condvar::new(),
                max_workers: max_workers.max(1),
                initializer,
                threads: Mutex::new(Vec::new()),
            }),
        }
    }

    /// Makes each worker exit after `tasks` jobs, a fresh one taking its place (Python's
    /// `max_tasks_per_child`, to give back what a leaky function holds); `tasks` is at
    /// least 1. Workers that ran fewer keep running.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_blocking::process::{self, ProcessFn, ProcessPoolExecutor};
    ///
    /// fn pid(_: ()) -> u32 {
    ///     std::process::id()
    /// }
    /// static PID: ProcessFn<(), u32> = ProcessFn::new("pid", pid);
    ///
    /// fn main() {
    ///     process::init(&[&PID]);
    ///     let pool = ProcessPoolExecutor::with_max_workers(1).max_tasks_per_child(2);
    ///     let pids: Vec<u32> =
    ///         (0..4).map(|_| pool.submit(&PID, ()).unwrap().result(None).unwrap()).collect();
    ///     assert_eq!(pids[0], pids[1]);
    ///     assert_ne!(pids[1], pids[2]); // the first worker left after two jobs
    ///     assert_eq!(pids[2], pids[3]);
    /// }
    /// ```
    #[must_use]
    pub fn max_tasks_per_child(self, tasks: usize) -> ProcessPoolExecutor {
        self.shared.lock().max_tasks_per_child = Some(tasks.max(1));
        self
    }

    /// The most worker processes this pool runs.
    ///
    /// # Examples
    ///
    /// See [`ProcessPoolExecutor::with_max_workers`].
    pub fn max_workers(&self) -> usize {
        self.shared.max_workers
    }

    /// The process ids of the live workers (Python's `pool._processes`).
    ///
    /// # Examples
    ///
    /// See [`ProcessPoolExecutor`].
    pub fn pids(&self) -> Vec<u32> {
        self.shared.lock().pids.clone()
    }

    /// Schedules `function(args)` in a worker process and returns its future.
    ///
    /// # Errors
    ///
    /// [`SubmitError::NotInitialized`] if [`init`](super::init) did not run,
    /// [`SubmitError::NotRegistered`] if `function` is not in its list,
    /// [`SubmitError::Serialize`], [`SubmitError::Shutdown`], [`SubmitError::Broken`].
    /// The future itself ends with the function's failure, if any.
    ///
    /// # Examples
    ///
    /// See [`ProcessPoolExecutor`].
    pub fn submit<A, R>(
        &self,
        function: &'static ProcessFn<A, R>,
        args: A,
    ) -> Result<ConcurrentFuture<R>, SubmitError>
    where
        A: Serialize,
        R: DeserializeOwned + Send + 'static,
    {
        check_registered(function.name())?;
        let args = serialize_args(&args)?;
        let fut = ConcurrentFuture::new();
        self.push(Job {
            function: function.name(),
            args,
            target: Box::new(fut.clone()),
        })?;
        Ok(fut)
    }

    /// Runs `function` on every item in the workers and gives the results in input order
    /// (Python's `Executor.map`; `multiprocessing.Pool.map`). All jobs are submitted at
    /// once; with `timeout`, an item not ready `timeout` after the call yields
    /// [`FutureError::Timeout`] and the iteration ends.
    ///
    /// # Errors
    ///
    /// As [`submit`](Self::submit), for the whole call.
    ///
    /// # Examples
    ///
    /// See the [module](super) docs.
    pub fn map<A, R, I>(
        &self,
        function: &'static ProcessFn<A, R>,
        items: I,
        timeout: impl Into<Option<Duration>>,
    ) -> Result<MapResults<R>, SubmitError>
    where
        I: IntoIterator<Item = A>,
        A: Serialize,
        R: DeserializeOwned + Send + 'static,
    {
        MapResults::submit_all(items, timeout.into(), |item| self.submit(function, item))
    }

    /// Stops taking jobs (Python's `shutdown`). With `cancel_futures`, the jobs not yet
    /// started are cancelled; otherwise they still run. Then every worker exits once the
    /// queue is empty; with `wait`, blocks until they have.
    ///
    /// # Blocking
    ///
    /// With `wait`, until the running (and, without `cancel_futures`, queued) jobs end and
    /// the workers exit.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_blocking::{SubmitError, process::{self, ProcessFn, ProcessPoolExecutor}};
    ///
    /// fn noop(_: ()) {}
    /// static NOOP: ProcessFn<(), ()> = ProcessFn::new("noop", noop);
    ///
    /// fn main() {
    ///     process::init(&[&NOOP]);
    ///     let pool = ProcessPoolExecutor::with_max_workers(1);
    ///     let fut = pool.submit(&NOOP, ()).unwrap();
    ///     pool.shutdown(true, false);
    ///     assert!(fut.done());
    ///     assert!(pool.pids().is_empty());
    ///     assert!(matches!(pool.submit(&NOOP, ()), Err(SubmitError::Shutdown)));
    /// }
    /// ```
    pub fn shutdown(&self, wait: bool, cancel_futures: bool) {
        let cancelled: Vec<Job> = {
            let mut state = self.shared.lock();
            state.queue.shutdown = true;
            if cancel_futures {
                state.queue.jobs.drain(..).collect()
            } else {
                Vec::new()
            }
        };
        self.shared.work.notify_all();
        for job in cancelled {
            job.target.finish(Err(FutureError::Cancelled));
        }
        if wait {
            let threads = std::mem::take(&mut *self.shared.threads());
            for thread in threads {
                let _ = thread.join();
            }
        }
    }

    fn push(&self, job: Job) -> Result<(), SubmitError> {
        let shared = &self.shared;
        let mut state = shared.lock();
        let pushed = state.queue.push(job, shared.max_workers);
        drop(state);
        // A refused job is dropped here, outside the lock.
        let staffing = pushed.map_err(|(_, error)| error)?;
        match staffing {
            Staffing::NotifyOne => shared.work.notify_one(),
            Staffing::StartThread => self.start_manager(),
            Staffing::None => {}
        }
        Ok(())
    }

    fn start_manager(&self) {
        let shared = self.shared.clone();
        let spawned = std::thread::Builder::new()
            .name("corio-process-pool".into())
            .spawn(move || shared.manage());
        match spawned {
            Ok(handle) => self.shared.threads().push(handle),
            Err(error) => {
                let mut state = self.shared.lock();
                state.queue.threads -= 1;
                if state.queue.threads == 0 {
                    let why: Arc<str> = format!("cannot start a manager thread: {error}").into();
                    drop(state);
                    self.shared.break_pool(why);
                }
            }
        }
    }
}

impl Drop for ProcessPoolExecutor {
    fn drop(&mut self) {
        self.shutdown(true, false);
    }
}

impl fmt::Debug for ProcessPoolExecutor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.shared.lock();
        f.debug_struct("ProcessPoolExecutor")
            .field("max_workers", &self.shared.max_workers)
            .field("pids", &state.pids)
            .field("queued", &state.queue.jobs.len())
            .field("shutdown", &state.queue.shutdown)
            .finish()
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // No user code runs under this lock (futures are completed outside it).
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn threads(&self) -> MutexGuard<'_, Vec<JoinHandle<()>>> {
        self.threads.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next job, or `None` once shut down with an empty queue.
    fn next_job(&self) -> Option<Job> {
        let mut state = self.lock();
        loop {
            if let Some(job) = state.queue.take() {
                return Some(job);
            }
            if state.queue.shutdown || state.queue.broken.is_some() {
                return None;
            }
            state.queue.idle += 1;
            state = self
                .work
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
            state.queue.woken();
        }
    }

    /// A new worker, initialised; on failure the reason (the pool is then broken if the
    /// initializer failed).
    fn start_worker(&self) -> Result<Worker, Arc<str>> {
        let mut worker = Worker::spawn()
            .map_err(|e| Arc::<str>::from(format!("cannot start a worker process: {e}")))?;
        let hello = Request::Hello {
            initializer: self
                .initializer
                .as_ref()
                .map(|(name, args)| ((*name).to_owned(), args.clone())),
        };
        match worker.call(&hello) {
            Ok(Reply::Ready) => {
                self.lock().pids.push(worker.pid());
                Ok(worker)
            }
            Ok(Reply::InitFailed(failure)) => {
                let _ = worker.close();
                Err(format!("the initializer failed in a worker: {failure}").into())
            }
            Ok(other) => {
                let why = format!("worker answered {other:?} to its start");
                let status = worker.reap();
                Err(format!("{why} ({status})").into())
            }
            Err(e) => {
                let pid = worker.pid();
                let status = worker.reap();
                Err(format!(
                    "worker process {pid} ended before it was ready ({status}; {e}): does main \
                     call corio_blocking::process::init first?"
                )
                .into())
            }
        }
    }

    /// A manager thread: owns one worker process at a time, feeds it jobs, replaces it
    /// when it dies.
    fn manage(self: Arc<Self>) {
        let mut worker: Option<Worker> = None;
        // Jobs the current worker has run.
        let mut done = 0;
        while let Some(job) = self.next_job() {
            if !job.target.start() {
                self.lock().queue.busy -= 1;
                continue;
            }
            let mut current = match worker.take() {
                Some(w) => w,
                None => match self.start_worker() {
                    Ok(w) => {
                        done = 0;
                        w
                    }
                    Err(why) => {
                        self.lock().queue.busy -= 1;
                        // Broken first: whoever sees this job fail must find the pool
                        // refusing new jobs.
                        self.break_pool(why.clone());
                        job.target.finish(Err(FutureError::BrokenPool(why)));
                        break;
                    }
                },
            };
            let request = Request::Call {
                function: job.function.to_owned(),
                args: job.args,
                last: false,
                daemon: false,
            };
            let outcome = match current.call(&request) {
                Ok(Reply::Done(outcome)) => {
                    done += 1;
                    if self
                        .lock()
                        .max_tasks_per_child
                        .is_some_and(|max| done >= max)
                    {
                        // Its last job: it exits, the next job starts a fresh one.
                        let pid = current.pid();
                        self.forget(pid);
                        if let Err(e) = current.close() {
                            log::warn!("corio-blocking: cannot reap worker {pid}: {e}");
                        }
                    } else {
                        worker = Some(current);
                    }
                    outcome.map_err(FutureError::from)
                }
                Ok(other) => {
                    let pid = current.pid();
                    self.forget(pid);
                    let status = current.reap();
                    Err(FutureError::WorkerDied {
                        pid,
                        status: format!("protocol error: {other:?}; {status}").into(),
                    })
                }
                Err(_) => {
                    // The worker died mid-job. Its replacement starts now, so that the pool
                    // keeps its size (and a broken initializer shows at once).
                    let pid = current.pid();
                    self.forget(pid);
                    let status = current.reap();
                    if !self.lock().queue.shutdown {
                        match self.start_worker() {
                            Ok(w) => {
                                done = 0;
                                worker = Some(w);
                            }
                            Err(why) => log::error!("corio-blocking: cannot replace worker: {why}"),
                        }
                    }
                    Err(FutureError::WorkerDied {
                        pid,
                        status: status.into(),
                    })
                }
            };
            self.lock().queue.busy -= 1;
            job.target.finish(outcome);
        }
        if let Some(w) = worker {
            let pid = w.pid();
            let _ = w.close();
            self.forget(pid);
        }
        self.lock().queue.threads -= 1;
    }

    fn forget(&self, pid: u32) {
        self.lock().pids.retain(|&p| p != pid);
    }

    /// A worker could not start or initialise: fail every queued job and refuse new ones.
    fn break_pool(&self, why: Arc<str>) {
        log::error!("corio-blocking: process pool broken: {why}");
        let jobs: Vec<Job> = {
            let mut state = self.lock();
            state.queue.broken = Some(why.clone());
            state.queue.jobs.drain(..).collect()
        };
        self.work.notify_all();
        for job in jobs {
            job.target.finish(Err(FutureError::BrokenPool(why.clone())));
        }
    }
}
