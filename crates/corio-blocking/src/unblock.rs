//! [`to_thread`] / [`unblock`]: run a blocking closure on the process-wide pool and await
//! its output from any executor; [`Unblock`] is that future.

use std::fmt;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};

use crate::error::FutureError;
use crate::pool::ThreadPool;

/// The future of a job on a [`ThreadPool`]: its output, or how it failed.
///
/// - [`FutureError::Panicked`] if the job panicked (the pool thread carries on);
/// - [`FutureError::Cancelled`] if the job was dropped before it ran (its pool was shut
///   down with `cancel_queued`, or had shut down before the job came).
///
/// Dropping an `Unblock` cancels its job if the job has not started; a started job runs to
/// the end (threads cannot be interrupted) and its output is dropped. [`detach`](Self::detach)
/// lets the job run unobserved.
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// let text = corio_blocking::unblock(|| std::fs::read_to_string("Cargo.toml")).await;
/// assert!(text.unwrap().unwrap().contains("corio-blocking"));
/// # });
/// ```
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Unblock<T> {
    task: async_task::FallibleTask<Result<T, FutureError>>,
}

impl<T> Unblock<T> {
    pub(crate) fn new(task: async_task::FallibleTask<Result<T, FutureError>>) -> Unblock<T> {
        Unblock { task }
    }

    /// Lets the job run to its end with nobody awaiting it; its output is dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = std::sync::mpsc::channel();
    /// corio_blocking::to_thread(move || tx.send(1).unwrap()).detach();
    /// assert_eq!(rx.recv().unwrap(), 1);
    /// ```
    pub fn detach(self) {
        self.task.detach();
    }

    /// Whether the job has finished (its output is ready, or it was cancelled).
    ///
    /// # Examples
    ///
    /// ```
    /// let job = corio_blocking::to_thread(|| 1);
    /// let _ = job.is_finished(); // true once a pool thread ran it
    /// # futures_lite::future::block_on(job).unwrap();
    /// ```
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }
}

impl<T> Future for Unblock<T> {
    type Output = Result<T, FutureError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match Pin::new(&mut self.task).poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(outcome)) => Poll::Ready(outcome),
            // The runnable was dropped unrun: the pool refused or cancelled the job.
            Poll::Ready(None) => Poll::Ready(Err(FutureError::Cancelled)),
        }
    }
}

impl<T> fmt::Debug for Unblock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Unblock")
            .field("finished", &self.task.is_finished())
            .finish()
    }
}

/// The process-wide pool behind [`to_thread`] and [`unblock`]: [`default_thread_count`](crate::default_thread_count)
/// threads at most, idle ones leaving after
/// [`DEFAULT_KEEP_ALIVE`](crate::DEFAULT_KEEP_ALIVE).
///
/// # Examples
///
/// ```
/// let pool = corio_blocking::global_pool();
/// assert_eq!(pool.max_threads(), corio_blocking::default_thread_count());
/// ```
pub fn global_pool() -> &'static ThreadPool {
    static POOL: OnceLock<ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| ThreadPool::builder().name_prefix("corio-to-thread").build())
}

/// Runs the blocking `f` on a pool thread and gives its output to whoever awaits
/// (asyncio's `to_thread`). Works under any executor.
///
/// The same as [`unblock`]; asyncio's name. A panic in `f` comes back as
/// [`FutureError::Panicked`] and the pool goes on.
///
/// # Errors
///
/// The future ends with [`FutureError::Panicked`] if `f` panicked.
///
/// # Cancel safety
///
/// Dropping the future before `f` starts means `f` never runs; once `f` runs, it runs to
/// its end and its output is dropped (Python cannot interrupt the thread either).
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// let n = corio_blocking::to_thread(|| {
///     std::thread::sleep(std::time::Duration::from_millis(10)); // blocking is fine here
///     42
/// })
/// .await
/// .unwrap();
/// assert_eq!(n, 42);
/// # });
/// ```
#[doc(alias = "asyncio.to_thread")]
pub fn to_thread<F, T>(f: F) -> Unblock<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    global_pool().spawn(f)
}

/// Runs the blocking `f` on a pool thread: the same as [`to_thread`], under the name the
/// `blocking` and `smol` crates use.
///
/// # Errors
///
/// The future ends with [`FutureError::Panicked`] if `f` panicked.
///
/// # Cancel safety
///
/// As [`to_thread`].
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// let err = corio_blocking::unblock(|| -> u8 { panic!("boom") }).await.unwrap_err();
/// assert!(err.is_panic());
/// // The pool is fine:
/// assert_eq!(corio_blocking::unblock(|| 1).await.unwrap(), 1);
/// # });
/// ```
pub fn unblock<F, T>(f: F) -> Unblock<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    global_pool().spawn(f)
}
