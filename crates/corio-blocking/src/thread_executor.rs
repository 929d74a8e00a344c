//! [`ThreadPoolExecutor`]: Python's `concurrent.futures.ThreadPoolExecutor` on a
//! [`ThreadPool`]: `submit` gives a [`ConcurrentFuture`], `map` keeps input order,
//! `shutdown(wait, cancel_futures)`.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use crate::error::{FutureError, Panic, SubmitError};
use crate::future::ConcurrentFuture;
use crate::pool::{ThreadPool, ThreadPoolBuilder};
use crate::unblock::Unblock;

/// A pool of threads that runs submitted closures (Python's
/// `concurrent.futures.ThreadPoolExecutor`).
///
/// Threads start on demand up to the pool's size and, as in Python, stay until
/// [`shutdown`](Self::shutdown). Dropping the executor shuts it down and waits for the
/// running and queued jobs (Python's `with ThreadPoolExecutor() as pool:`); share it
/// between threads by reference or in an `Arc`.
///
/// # Examples
///
/// ```
/// use corio_blocking::ThreadPoolExecutor;
///
/// let pool = ThreadPoolExecutor::builder()
///     .max_threads(4)
///     .name_prefix("fetch")
///     .build_executor();
/// let squares: Vec<u64> = pool
///     .map(|n: u64| n * n, 1..=5, None)?
///     .collect::<Result<_, _>>()?;
/// assert_eq!(squares, [1, 4, 9, 16, 25]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[doc(alias = "concurrent.futures.ThreadPoolExecutor")]
pub struct ThreadPoolExecutor {
    pool: ThreadPool,
}

impl ThreadPoolBuilder {
    /// A [`ThreadPoolExecutor`] with these settings.
    ///
    /// # Examples
    ///
    /// See [`ThreadPoolExecutor`].
    pub fn build_executor(self) -> ThreadPoolExecutor {
        ThreadPoolExecutor { pool: self.build() }
    }
}

impl Default for ThreadPoolExecutor {
    fn default() -> Self {
        Self::new()
    }
}

impl ThreadPoolExecutor {
    /// An executor of [`default_thread_count`](crate::default_thread_count) threads at
    /// most (Python's default `max_workers`).
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = corio_blocking::ThreadPoolExecutor::new();
    /// assert_eq!(pool.submit(|| 2 + 2)?.result(None)?, 4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new() -> ThreadPoolExecutor {
        Self::builder().build_executor()
    }

    /// An executor of at most `max_workers` threads (at least 1).
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = corio_blocking::ThreadPoolExecutor::with_max_workers(2);
    /// assert_eq!(pool.max_workers(), 2);
    /// ```
    pub fn with_max_workers(max_workers: usize) -> ThreadPoolExecutor {
        Self::builder().max_threads(max_workers).build_executor()
    }

    /// Settings: size, thread name prefix, initializer. Threads are kept for the
    /// executor's life (no keep-alive), and named `ThreadPoolExecutor-{n}` by default.
    ///
    /// # Examples
    ///
    /// See [`ThreadPoolExecutor`].
    pub fn builder() -> ThreadPoolBuilder {
        ThreadPool::builder()
            .keep_alive(None)
            .name_prefix("ThreadPoolExecutor")
    }

    /// The most threads this executor runs at once.
    ///
    /// # Examples
    ///
    /// See [`ThreadPoolExecutor::with_max_workers`].
    pub fn max_workers(&self) -> usize {
        self.pool.max_threads()
    }

    /// The pool under the executor (for its counts).
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = corio_blocking::ThreadPoolExecutor::new();
    /// assert_eq!(pool.pool().thread_count(), 0);
    /// ```
    pub fn pool(&self) -> &ThreadPool {
        &self.pool
    }

    /// Schedules `f` and returns its [`ConcurrentFuture`].
    ///
    /// A panic in `f` ends the future with [`FutureError::Panicked`]; the thread goes on.
    ///
    /// # Errors
    ///
    /// [`SubmitError::Shutdown`] after [`shutdown`](Self::shutdown);
    /// [`SubmitError::Broken`] if the initializer panicked.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = corio_blocking::ThreadPoolExecutor::new();
    /// let fut = pool.submit(|| "hello".to_uppercase())?;
    /// assert_eq!(fut.result(None)?, "HELLO");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn submit<F, T>(&self, f: F) -> Result<ConcurrentFuture<T>, SubmitError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let fut = ConcurrentFuture::new();
        let completion = Completion {
            fut: Some(fut.clone()),
            pool: self.pool.clone(),
        };
        let job = async move {
            let mut completion = completion;
            let Some(fut) = completion.fut.take() else {
                return;
            };
            if !fut.set_running_or_notify_cancel() {
                return;
            }
            let outcome = catch_unwind(AssertUnwindSafe(f))
                .map_err(|p| FutureError::Panicked(Panic::from_payload(p)));
            // Cannot fail: only this job completes a running future.
            let _ = fut.set_outcome(outcome);
        };
        let (runnable, task) = async_task::spawn(job, self.pool.scheduler());
        task.detach();
        self.pool.try_schedule(runnable)?;
        Ok(fut)
    }

    /// Schedules `f` and returns a plain future of its output, like
    /// [`to_thread`](crate::to_thread) on this executor's threads (no `Clone` needed on
    /// the output, no blocking `result`).
    ///
    /// # Errors
    ///
    /// The future ends [`Cancelled`](FutureError::Cancelled) if the executor is shut
    /// down, [`Panicked`](FutureError::Panicked) if `f` panicked.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = corio_blocking::ThreadPoolExecutor::new();
    /// let v = futures_lite::future::block_on(pool.spawn(|| vec![1, 2]));
    /// assert_eq!(v.unwrap(), [1, 2]);
    /// ```
    pub fn spawn<F, T>(&self, f: F) -> Unblock<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.pool.spawn(f)
    }

    /// Runs `f` on every item and gives the outputs in input order (Python's
    /// `Executor.map`). Every job is submitted at once; the iterator then waits for each in
    /// turn. With `timeout`, an item not ready `timeout` after this call yields
    /// [`FutureError::Timeout`]. Dropping the iterator cancels the jobs not yet started.
    ///
    /// # Errors
    ///
    /// As [`submit`](Self::submit), for the whole call; each item is then `Err` if its job
    /// failed.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let pool = corio_blocking::ThreadPoolExecutor::new();
    /// // The first job is the slowest, yet comes first.
    /// let out: Vec<u64> = pool
    ///     .map(
    ///         |ms: u64| {
    ///             std::thread::sleep(Duration::from_millis(ms));
    ///             ms
    ///         },
    ///         [30, 1, 2],
    ///         None,
    ///     )?
    ///     .map(Result::unwrap)
    ///     .collect();
    /// assert_eq!(out, [30, 1, 2]);
    /// # Ok::<(), corio_blocking::SubmitError>(())
    /// ```
    pub fn map<F, A, T, I>(
        &self,
        f: F,
        items: I,
        timeout: impl Into<Option<Duration>>,
    ) -> Result<MapResults<T>, SubmitError>
    where
        F: Fn(A) -> T + Send + Sync + 'static,
        I: IntoIterator<Item = A>,
        A: Send + 'static,
        T: Send + 'static,
    {
        let f = std::sync::Arc::new(f);
        MapResults::submit_all(items, timeout.into(), |item| {
            let f = f.clone();
            self.submit(move || f(item))
        })
    }

    /// Stops taking jobs (Python's `shutdown`). With `cancel_futures`, the jobs not yet
    /// started are cancelled (their futures end [`Cancelled`](FutureError::Cancelled));
    /// otherwise they still run. With `wait`, blocks until every thread has finished.
    ///
    /// # Blocking
    ///
    /// With `wait`, until the running (and, without `cancel_futures`, the queued) jobs
    /// end.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::mpsc;
    /// use corio_blocking::ThreadPoolExecutor;
    ///
    /// let pool = ThreadPoolExecutor::with_max_workers(1);
    /// let (started, has_started) = mpsc::channel();
    /// let running = pool.submit(move || started.send(()).unwrap())?;
    /// has_started.recv().unwrap();
    /// let queued = pool.submit(|| ())?;
    /// pool.shutdown(true, true);
    /// assert!(running.result(None).is_ok());
    /// // The single thread was busy: the queued job had not started, and never will.
    /// # // (unless the first job ended before the second was queued)
    /// assert!(queued.cancelled() || queued.result(None).is_ok());
    /// assert!(pool.submit(|| ()).is_err());
    /// # Ok::<(), corio_blocking::SubmitError>(())
    /// ```
    pub fn shutdown(&self, wait: bool, cancel_futures: bool) {
        self.pool.shutdown(wait, cancel_futures);
    }
}

impl Drop for ThreadPoolExecutor {
    fn drop(&mut self) {
        self.pool.shutdown(true, false);
    }
}

impl fmt::Debug for ThreadPoolExecutor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadPoolExecutor")
            .field("pool", &self.pool)
            .finish()
    }
}

/// Completes a submitted job's future if the job is dropped without running: cancelled,
/// or failed with [`FutureError::BrokenPool`] if the pool broke.
struct Completion<T> {
    /// `None` once the job has taken it to run.
    fut: Option<ConcurrentFuture<T>>,
    pool: ThreadPool,
}

impl<T> Drop for Completion<T> {
    fn drop(&mut self) {
        if let Some(fut) = self.fut.take() {
            let outcome = match self.pool.broken() {
                Some(why) => FutureError::BrokenPool(why),
                None => FutureError::Cancelled,
            };
            let _ = fut.set_outcome(Err(outcome));
        }
    }
}

/// The outputs of [`ThreadPoolExecutor::map`] (and the process pool's), in input order.
///
/// # Examples
///
/// See [`ThreadPoolExecutor::map`].
#[must_use = "iterators are lazy; the jobs run anyway, but their outputs are lost"]
pub struct MapResults<T> {
    futures: std::collections::VecDeque<ConcurrentFuture<T>>,
    deadline: Option<Instant>,
}

impl<T> MapResults<T> {
    /// What both pools' `map` do: submits one job per item with `submit`, all at once and
    /// in order, the `timeout` counting from now. If a submission fails, cancels the jobs
    /// already submitted and returns its error.
    pub(crate) fn submit_all<A>(
        items: impl IntoIterator<Item = A>,
        timeout: Option<Duration>,
        mut submit: impl FnMut(A) -> Result<ConcurrentFuture<T>, SubmitError>,
    ) -> Result<MapResults<T>, SubmitError> {
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        let mut futures = std::collections::VecDeque::new();
        for item in items {
            match submit(item) {
                Ok(fut) => futures.push_back(fut),
                Err(e) => {
                    for fut in futures {
                        fut.cancel();
                    }
                    return Err(e);
                }
            }
        }
        Ok(MapResults { futures, deadline })
    }
}

impl<T> Iterator for MapResults<T> {
    type Item = Result<T, FutureError>;

    fn next(&mut self) -> Option<Self::Item> {
        let fut = self.futures.pop_front()?;
        let timeout = self
            .deadline
            .map(|deadline| deadline.saturating_duration_since(Instant::now()));
        let outcome = fut.take_result(timeout);
        if matches!(outcome, Err(FutureError::Timeout)) {
            // Python's map raises TimeoutError and the generator ends: the rest are
            // cancelled when this iterator is dropped.
            fut.cancel();
            for rest in self.futures.drain(..) {
                rest.cancel();
            }
        }
        Some(outcome)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.futures.len(), Some(self.futures.len()))
    }
}

impl<T> Drop for MapResults<T> {
    fn drop(&mut self) {
        for fut in self.futures.drain(..) {
            fut.cancel();
        }
    }
}

impl<T> fmt::Debug for MapResults<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapResults")
            .field("left", &self.futures.len())
            .finish()
    }
}
