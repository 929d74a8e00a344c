//! [`ExecutorFuture`]: the loop's view of a job running in an executor (asyncio's
//! `wrap_future` of a `concurrent.futures.Future`), and [`wrap_future`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use corio_blocking::{ConcurrentFuture, FutureError};

/// Where a job leaves its value for the one [`ExecutorFuture`] that takes it.
type Slot<T> = Arc<Mutex<Option<T>>>;

/// Cancels the job behind an [`ExecutorFuture`] (its own `ConcurrentFuture` when it was
/// wrapped, else the completion signal, which the pool checks before it starts the job).
type Cancel = Box<dyn Fn() -> bool + Send + Sync>;

/// A job running in an executor, awaited from the loop: what
/// [`EventLoop::run_in_executor`](crate::EventLoop::run_in_executor),
/// [`to_thread`](crate::to_thread) and [`wrap_future`] return (asyncio's `Future` wrapping a
/// `concurrent.futures.Future`).
///
/// `.await` gives the job's value, or how it failed ([`FutureError`]: it panicked, it was
/// cancelled, its pool broke). Unlike [`ConcurrentFuture`], the value is moved out, so it
/// need not be `Clone`.
///
/// Dropping it does not stop the job: a job on a thread cannot be interrupted, and asyncio's
/// executor jobs also run on when nobody awaits them. [`cancel`](ExecutorFuture::cancel)
/// withdraws a job that has not started.
///
/// `Send`, so a task that awaits it may move between threads.
///
/// # Examples
///
/// ```
/// let sum = corio_runtime::run(async {
///     let job = corio_runtime::to_thread(|| (1..=10).sum::<u32>()).unwrap();
///     job.await
/// })?;
/// assert_eq!(sum.unwrap(), 55);
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct ExecutorFuture<T> {
    /// Done when the job is: `Ok(())` once its value is in `slot`, or how it failed.
    done: ConcurrentFuture<()>,
    slot: Slot<T>,
    cancel: Cancel,
}

impl<T> ExecutorFuture<T> {
    /// A future over a job that puts its value into `slot` before completing `done`.
    pub(crate) fn from_slot(done: ConcurrentFuture<()>, slot: Slot<T>) -> ExecutorFuture<T> {
        let signal = done.clone();
        ExecutorFuture {
            done,
            slot,
            cancel: Box::new(move || signal.cancel()),
        }
    }

    /// Withdraws the job if it has not started (asyncio's `Future.cancel()` on the wrapper,
    /// which cancels the `concurrent.futures.Future`). Returns whether it was withdrawn;
    /// awaiting then gives [`FutureError::Cancelled`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::mpsc;
    /// use corio_blocking::ThreadPoolExecutor;
    ///
    /// corio_runtime::run(async {
    ///     let lp = corio_runtime::get_running_loop().unwrap();
    ///     let pool = ThreadPoolExecutor::with_max_workers(1);
    ///     let (release, wait) = mpsc::channel::<()>();
    ///     let busy = lp.run_in_executor(&pool, move || wait.recv().ok()).unwrap();
    ///     let queued = lp.run_in_executor(&pool, || 2).unwrap();
    ///     assert!(queued.cancel()); // still queued behind `busy`
    ///     release.send(()).unwrap();
    ///     assert_eq!(busy.await.unwrap(), Some(()));
    ///     assert!(queued.await.unwrap_err().is_cancelled());
    /// })?;
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn cancel(&self) -> bool {
        (self.cancel)()
    }

    /// Whether the job has finished (or was cancelled).
    ///
    /// # Examples
    ///
    /// ```
    /// let fut = corio_runtime::wrap_future(corio_blocking::ConcurrentFuture::<u8>::new());
    /// assert!(!fut.done());
    /// ```
    pub fn done(&self) -> bool {
        self.done.done()
    }

    /// Blocks this thread until the job is done or `timeout` passes, and gives its value
    /// (`concurrent.futures.Future.result(timeout)`), for code outside the loop.
    ///
    /// # Errors
    ///
    /// How the job failed, or [`FutureError::Timeout`] (the job goes on; it may be waited
    /// for again).
    ///
    /// # Blocking
    ///
    /// Blocks the calling thread: never call it from a task on the loop that must complete
    /// the job, use `.await` there.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let pool = corio_blocking::ThreadPoolExecutor::new();
    /// let fut = corio_runtime::wrap_future(pool.submit(|| 7).unwrap());
    /// assert_eq!(fut.result(Duration::from_secs(60)).unwrap(), 7);
    /// ```
    pub fn result(&self, timeout: impl Into<Option<Duration>>) -> Result<T, FutureError> {
        self.done.result(timeout)?;
        self.take()
    }

    fn take(&self) -> Result<T, FutureError> {
        self.slot
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            // Taken already by an earlier `result` call: the value went there.
            .ok_or(FutureError::Cancelled)
    }
}

/// Wraps a thread-safe future so that the loop can await it without cloning its value
/// (asyncio's `wrap_future`). Cancelling the wrapper cancels `future`.
///
/// # Examples
///
/// ```
/// use corio_blocking::ConcurrentFuture;
///
/// let fut = ConcurrentFuture::new();
/// let setter = fut.clone();
/// let out = corio_runtime::run(async move {
///     std::thread::spawn(move || setter.set_result("from a thread").unwrap());
///     corio_runtime::wrap_future(fut).await
/// })?;
/// assert_eq!(out.unwrap(), "from a thread");
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
#[doc(alias = "asyncio.wrap_future")]
pub fn wrap_future<T>(future: ConcurrentFuture<T>) -> ExecutorFuture<T>
where
    T: Clone + Send + 'static,
{
    let done = ConcurrentFuture::new();
    let slot: Slot<T> = Arc::new(Mutex::new(None));
    let (d, s) = (done.clone(), slot.clone());
    future.add_done_callback(move |f| {
        // Called once `f` is done, so this does not wait.
        let outcome = match f.result(Duration::ZERO) {
            Ok(value) => {
                *s.lock().unwrap_or_else(PoisonError::into_inner) = Some(value);
                Ok(())
            }
            Err(e) => Err(e),
        };
        // Only this callback completes `done`.
        let _ = d.set_outcome(outcome);
    });
    ExecutorFuture {
        done,
        slot,
        cancel: Box::new(move || future.cancel()),
    }
}

impl<T> Future for ExecutorFuture<T> {
    type Output = Result<T, FutureError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match Pin::new(&mut self.done).poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(())) => Poll::Ready(self.take()),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
        }
    }
}

impl<T> fmt::Debug for ExecutorFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExecutorFuture")
            .field("done", &self.done())
            .finish_non_exhaustive()
    }
}
