//! The loop's executors (asyncio's `run_in_executor` family): hand blocking work to a thread
//! pool (the loop's default one, or any [`Executor`]) and await it without blocking the
//! loop; [`to_thread`]; setting and shutting down the default executor.

use std::cell::RefCell;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use corio_blocking::process::{ProcessFn, ProcessPoolExecutor};
use corio_blocking::{ConcurrentFuture, SubmitError, ThreadPoolExecutor};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::executor_future::ExecutorFuture;
use crate::{Elapsed, EventLoop, LoopError};

/// How long [`run`](crate::run) lets the default executor's threads finish their jobs at the
/// end (asyncio's `THREAD_JOIN_TIMEOUT`, 300 s).
pub(crate) const THREAD_JOIN_TIMEOUT: Duration = Duration::from_secs(300);

/// The loop's default executor: made on first use, as asyncio's is.
#[derive(Default)]
pub(crate) struct DefaultExecutor {
    executor: RefCell<Option<Arc<ThreadPoolExecutor>>>,
    /// Set by `shutdown_default_executor`: `run_in_executor(None, ..)` fails from then on
    /// (asyncio's "Executor shutdown has been called").
    shutdown_called: std::cell::Cell<bool>,
}

impl Drop for DefaultExecutor {
    fn drop(&mut self) {
        // A loop dropped without `close()`: do not join the threads here either.
        if let Some(executor) = self.executor.get_mut().take() {
            shutdown_nowait(executor);
        }
    }
}

/// Something [`EventLoop::run_in_executor`] can hand a job `J` to: Python's
/// `concurrent.futures.Executor`.
///
/// Implemented for corio-blocking's [`ThreadPoolExecutor`] (a job is a closure) and
/// [`ProcessPoolExecutor`] (a job is `(&FUNCTION, arg)`, a registered function and its
/// argument); implement it for your own executors, making the future with
/// [`wrap_future`](crate::wrap_future).
///
/// # Examples
///
/// ```
/// use corio_blocking::{SubmitError, ThreadPoolExecutor};
/// use corio_runtime::{Executor, ExecutorFuture};
///
/// /// Runs each job twice as big: a made-up executor over a thread pool.
/// struct Doubler(ThreadPoolExecutor);
///
/// impl Executor<u32> for Doubler {
///     type Output = u32;
///     fn submit_job(&self, job: u32) -> Result<ExecutorFuture<u32>, SubmitError> {
///         Ok(corio_runtime::wrap_future(self.0.submit(move || job * 2)?))
///     }
/// }
///
/// let out = corio_runtime::run(async {
///     let lp = corio_runtime::get_running_loop().unwrap();
///     lp.run_in_executor(&Doubler(ThreadPoolExecutor::new()), 21).unwrap().await
/// })?;
/// assert_eq!(out.unwrap(), 42);
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
pub trait Executor<J> {
    /// What the job gives.
    type Output: Send + 'static;

    /// Starts `job` (Python's `Executor.submit`).
    ///
    /// # Errors
    ///
    /// The executor refuses new jobs: it was shut down, or it is broken.
    fn submit_job(&self, job: J) -> Result<ExecutorFuture<Self::Output>, SubmitError>;
}

impl<F, T> Executor<F> for ThreadPoolExecutor
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    type Output = T;

    fn submit_job(&self, job: F) -> Result<ExecutorFuture<T>, SubmitError> {
        // The job leaves its value in a slot and the pool's own future only says when: so
        // the value is moved to the awaiting task, not cloned (ConcurrentFuture's `.await`
        // clones, for its many handles).
        let slot = Arc::new(Mutex::new(None));
        let s = slot.clone();
        let done = self.submit(move || {
            let value = job();
            *s.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(value);
        })?;
        Ok(ExecutorFuture::from_slot(done, slot))
    }
}

/// A job for a process pool is a registered function and its argument, `(&FUNCTION, arg)`
/// (Python's `functools.partial(function, arg)`): the argument is serialised to a worker
/// process, the result deserialised back. The result must be `Clone` (it crosses through a
/// [`ConcurrentFuture`], whose handles all see it).
///
/// ```
/// use corio_blocking::process::{self, ProcessFn, ProcessPoolExecutor};
///
/// fn square(x: u64) -> (u64, u32) {
///     (x * x, std::process::id())
/// }
/// static SQUARE: ProcessFn<u64, (u64, u32)> = ProcessFn::new("square", square);
///
/// fn main() {
///     process::init(&[&SQUARE]); // a worker process starts here, runs its job, and exits
///     let pool = ProcessPoolExecutor::with_max_workers(2);
///     let (value, pid) = corio_runtime::run(async move {
///         let lp = corio_runtime::get_running_loop().unwrap();
///         lp.run_in_executor(&pool, (&SQUARE, 12)).unwrap().await.unwrap()
///     })
///     .unwrap();
///     assert_eq!(value, 144);
///     assert_ne!(pid, std::process::id()); // it ran in another process
/// }
/// ```
impl<A, R> Executor<(&'static ProcessFn<A, R>, A)> for ProcessPoolExecutor
where
    A: Serialize,
    R: DeserializeOwned + Clone + Send + 'static,
{
    type Output = R;

    fn submit_job(
        &self,
        (function, arg): (&'static ProcessFn<A, R>, A),
    ) -> Result<ExecutorFuture<R>, SubmitError> {
        Ok(crate::wrap_future(self.submit(function, arg)?))
    }
}

impl<E: Executor<J> + ?Sized, J> Executor<J> for Arc<E> {
    type Output = E::Output;

    fn submit_job(&self, job: J) -> Result<ExecutorFuture<E::Output>, SubmitError> {
        (**self).submit_job(job)
    }
}

/// The first argument of [`EventLoop::run_in_executor`]: `None` for the loop's default
/// executor, or `&executor` for any [`Executor`] (asyncio's `executor` argument).
///
/// # Examples
///
/// See [`EventLoop::run_in_executor`].
pub trait ExecutorArg<J> {
    /// What the job gives.
    type Output: Send + 'static;

    /// Starts `job` for `lp`.
    ///
    /// # Errors
    ///
    /// See [`EventLoop::run_in_executor`].
    fn submit_for(self, lp: &EventLoop, job: J) -> Result<ExecutorFuture<Self::Output>, LoopError>;
}

impl<E: Executor<J> + ?Sized, J> ExecutorArg<J> for &E {
    type Output = E::Output;

    fn submit_for(self, _lp: &EventLoop, job: J) -> Result<ExecutorFuture<E::Output>, LoopError> {
        Ok(self.submit_job(job)?)
    }
}

/// `None` is the loop's default executor; `Some(&pool)` is `&pool`.
impl<F, T> ExecutorArg<F> for Option<&ThreadPoolExecutor>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    type Output = T;

    fn submit_for(self, lp: &EventLoop, job: F) -> Result<ExecutorFuture<T>, LoopError> {
        match self {
            Some(executor) => Ok(executor.submit_job(job)?),
            None => Ok(lp.default_executor()?.submit_job(job)?),
        }
    }
}

impl EventLoop {
    /// Runs `job` in `executor` and gives a future of its output that the loop can await
    /// (asyncio's `loop.run_in_executor(executor, func)`): blocking work goes to other
    /// threads while the loop goes on.
    ///
    /// `executor` is `None` for the loop's default executor (a [`ThreadPoolExecutor`] of
    /// [`default_thread_count`](corio_blocking::default_thread_count) threads, made on first
    /// use, replaced with [`set_default_executor`](EventLoop::set_default_executor)), or
    /// `&executor` for any [`Executor`]: a `ThreadPoolExecutor` with a closure, or a process
    /// pool, with the job type it takes.
    ///
    /// The job starts now, not when the future is first polled; dropping the future does
    /// not stop it (see [`ExecutorFuture`]).
    ///
    /// # Errors
    ///
    /// [`LoopError::Closed`] on a closed loop; [`LoopError::Executor`] when the executor
    /// refuses the job (shut down, broken), or for `None` after
    /// [`shutdown_default_executor`](EventLoop::shutdown_default_executor).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_blocking::ThreadPoolExecutor;
    ///
    /// corio_runtime::run(async {
    ///     let lp = corio_runtime::get_running_loop().unwrap();
    ///     // The default executor:
    ///     let a = lp.run_in_executor(None, || std::thread::current().name().map(str::to_owned));
    ///     // An executor of one's own:
    ///     let pool = ThreadPoolExecutor::with_max_workers(2);
    ///     let b = lp.run_in_executor(&pool, || 6 * 7).unwrap();
    ///     assert!(a.unwrap().await.unwrap().unwrap().starts_with("corio-default"));
    ///     assert_eq!(b.await.unwrap(), 42);
    /// })?;
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn run_in_executor<A, J>(
        &self,
        executor: A,
        job: J,
    ) -> Result<ExecutorFuture<A::Output>, LoopError>
    where
        A: ExecutorArg<J>,
    {
        if self.is_closed() {
            return Err(LoopError::Closed);
        }
        executor.submit_for(self, job)
    }

    /// Makes `executor` the loop's default executor, the one `run_in_executor(None, ..)` and
    /// [`to_thread`] use (asyncio's `set_default_executor`). The previous one, if any, is
    /// shut down without waiting; its running jobs finish.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_blocking::ThreadPoolExecutor;
    ///
    /// let lp = corio_runtime::EventLoop::new()?;
    /// lp.set_default_executor(ThreadPoolExecutor::builder().name_prefix("mine").build_executor());
    /// let name = lp.run_until_complete(async {
    ///     corio_runtime::to_thread(|| std::thread::current().name().map(str::to_owned))
    ///         .unwrap()
    ///         .await
    /// })?;
    /// assert!(name.unwrap().unwrap().starts_with("mine"));
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn set_default_executor(&self, executor: ThreadPoolExecutor) {
        let bridge = &self.inner.default_executor;
        let previous = bridge.executor.replace(Some(Arc::new(executor)));
        bridge.shutdown_called.set(false);
        if let Some(previous) = previous {
            shutdown_nowait(previous);
        }
    }

    /// Shuts the default executor down and waits, without blocking the loop, until its
    /// threads have finished their jobs (asyncio's `shutdown_default_executor`). From then
    /// on, `run_in_executor(None, ..)` fails. [`run`](crate::run) calls it at the end, as
    /// `asyncio.run` does.
    ///
    /// The join happens on a helper thread, so the loop goes on running meanwhile. With a
    /// `timeout`, it stops waiting after that long: the executor is then shut down without
    /// waiting, and its threads finish their jobs on their own.
    ///
    /// # Errors
    ///
    /// [`Elapsed`] if the threads did not finish within `timeout`.
    ///
    /// # Cancel safety
    ///
    /// Cancelling it stops the waiting only: the executor is shut down already.
    ///
    /// # Examples
    ///
    /// ```
    /// let lp = corio_runtime::EventLoop::new()?;
    /// lp.run_until_complete(async {
    ///     let lp = corio_runtime::get_running_loop().unwrap();
    ///     lp.run_in_executor(None, || 1).unwrap().await.unwrap();
    ///     lp.shutdown_default_executor(None).await.unwrap();
    ///     assert!(lp.run_in_executor(None, || 2).is_err());
    /// })?;
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub async fn shutdown_default_executor(
        &self,
        timeout: Option<Duration>,
    ) -> Result<(), Elapsed> {
        let bridge = &self.inner.default_executor;
        bridge.shutdown_called.set(true);
        let Some(executor) = bridge.executor.borrow_mut().take() else {
            return Ok(());
        };
        let joined = ConcurrentFuture::<()>::new();
        let signal = joined.clone();
        let joiner = executor.clone();
        let spawned = std::thread::Builder::new()
            .name("corio-executor-shutdown".into())
            .spawn(move || {
                joiner.shutdown(true, false);
                let _ = signal.set_result(());
            });
        if spawned.is_err() {
            // No thread for the join: shut down without waiting rather than block the loop.
            shutdown_nowait(executor);
            return Ok(());
        }
        let waited = match timeout {
            None => {
                let _ = joined.await;
                Ok(())
            }
            Some(limit) => crate::timeout(limit, joined).await.map(drop),
        };
        if waited.is_err() {
            log::warn!(
                "the default executor did not finish joining its threads within {:?}",
                timeout.unwrap_or_default()
            );
        }
        shutdown_nowait(executor);
        waited
    }

    /// The default executor, made now if there is none.
    fn default_executor(&self) -> Result<Arc<ThreadPoolExecutor>, LoopError> {
        let bridge = &self.inner.default_executor;
        if bridge.shutdown_called.get() {
            return Err(LoopError::Executor(SubmitError::Shutdown));
        }
        let mut slot = bridge.executor.borrow_mut();
        let executor = slot.get_or_insert_with(|| {
            Arc::new(
                ThreadPoolExecutor::builder()
                    .name_prefix("corio-default-executor")
                    .build_executor(),
            )
        });
        Ok(executor.clone())
    }

    /// Whether a default executor was made (so `run` knows whether to shut one down).
    pub(crate) fn has_default_executor(&self) -> bool {
        self.inner.default_executor.executor.borrow().is_some()
    }

    /// At `close()`: shuts the default executor down without waiting (asyncio's `close`).
    pub(crate) fn close_default_executor(&self) {
        let executor = self.inner.default_executor.executor.borrow_mut().take();
        if let Some(executor) = executor {
            shutdown_nowait(executor);
        }
    }
}

/// Shuts `executor` down without waiting. Dropping a `ThreadPoolExecutor` joins its threads,
/// so the last handle is dropped on a helper thread, never on the loop's.
fn shutdown_nowait(executor: Arc<ThreadPoolExecutor>) {
    executor.shutdown(false, false);
    if Arc::strong_count(&executor) > 1 {
        return; // a join in progress holds it, and drops it on its own thread
    }
    let spawned = std::thread::Builder::new()
        .name("corio-executor-drop".into())
        .spawn(move || drop(executor));
    if let Err(e) = spawned {
        // Out of threads: the executor was dropped here, with the closure, and may have
        // waited for its running jobs.
        log::warn!("no thread to drop the default executor on: {e}");
    }
}

/// Runs `f` in the running loop's default executor and gives a future of its output
/// (asyncio's `asyncio.to_thread`).
///
/// Python's `to_thread` also copies the caller's `contextvars`; Rust has none to copy.
///
/// # Errors
///
/// [`LoopError::NoRunningLoop`] outside a running loop; see also
/// [`EventLoop::run_in_executor`].
///
/// # Examples
///
/// ```
/// let out = corio_runtime::run(async {
///     let blocking = corio_runtime::to_thread(|| {
///         std::thread::sleep(std::time::Duration::from_millis(10));
///         "slept on another thread"
///     })
///     .unwrap();
///     blocking.await.unwrap()
/// })?;
/// assert_eq!(out, "slept on another thread");
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
#[doc(alias = "asyncio.to_thread")]
pub fn to_thread<F, T>(f: F) -> Result<ExecutorFuture<T>, LoopError>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    crate::get_running_loop()?.run_in_executor(None, f)
}
