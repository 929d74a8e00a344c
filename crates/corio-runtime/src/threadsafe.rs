//! Handing coroutines to a loop from other threads (asyncio's `run_coroutine_threadsafe`):
//! the coroutine runs as a task on the loop's thread, and the caller gets a thread-safe
//! future of its output that any thread can block on.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};

use corio_blocking::ConcurrentFuture;
use pin_project_lite::pin_project;

use crate::{LoopError, LoopHandle};

/// Submits `future` to the loop behind `handle` from any thread, and gives a thread-safe
/// future of its output (asyncio's `asyncio.run_coroutine_threadsafe(coro, loop)`).
///
/// The future becomes a task on the loop's thread, scheduled as
/// [`call_soon_threadsafe`](LoopHandle::call_soon_threadsafe) schedules a callback. The
/// returned [`ConcurrentFuture`] can be blocked on with a timeout
/// ([`result`](ConcurrentFuture::result)), awaited under any executor, or cancelled:
/// cancelling it cancels the task (it is dropped at its next await point).
///
/// Nothing is dropped silently: the returned future always ends.
/// - With the task's output, or [`FutureError::Cancelled`](corio_blocking::FutureError)
///   if it was cancelled (through the returned future, or on the loop).
/// - With a [`CoroutinePanicked`] failure if the task panicked.
/// - With a [`LoopError::Closed`] failure if the loop was closed before the task
///   could start or finish.
///
/// # Errors
///
/// [`LoopError::Closed`] if the loop is closed already; `future` is dropped.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use corio_runtime::EventLoop;
///
/// let (tx, rx) = std::sync::mpsc::channel();
/// let loop_thread = std::thread::spawn(move || {
///     let lp = EventLoop::new().unwrap();
///     tx.send(lp.handle()).unwrap();
///     lp.run_forever().unwrap();
/// });
/// let handle = rx.recv().unwrap();
/// let fut = corio_runtime::run_coroutine_threadsafe(
///     async {
///         corio_runtime::sleep(Duration::from_millis(10)).await;
///         "done on the loop's thread"
///     },
///     &handle,
/// )?;
/// assert_eq!(fut.result(Duration::from_secs(60)).unwrap(), "done on the loop's thread");
/// handle.stop()?;
/// loop_thread.join().unwrap();
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
#[doc(alias = "asyncio.run_coroutine_threadsafe")]
pub fn run_coroutine_threadsafe<F>(
    future: F,
    handle: &LoopHandle,
) -> Result<ConcurrentFuture<F::Output>, LoopError>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    handle.run_coroutine_threadsafe(future)
}

impl LoopHandle {
    /// [`run_coroutine_threadsafe`] as a method of the handle.
    ///
    /// # Errors
    ///
    /// [`LoopError::Closed`] if the loop is closed already.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let lp = corio_runtime::EventLoop::new()?;
    /// let handle = lp.handle();
    /// let submitter = std::thread::spawn(move || {
    ///     let fut = handle.run_coroutine_threadsafe(async { 40 + 2 }).unwrap();
    ///     let answer = fut.result(Duration::from_secs(60)).unwrap();
    ///     handle.stop().unwrap();
    ///     answer
    /// });
    /// lp.run_forever()?;
    /// assert_eq!(submitter.join().unwrap(), 42);
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn run_coroutine_threadsafe<F>(
        &self,
        future: F,
    ) -> Result<ConcurrentFuture<F::Output>, LoopError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let result = ConcurrentFuture::new();
        let pending = Pending {
            submission: Some(Submission {
                future,
                result: result.clone(),
                handle: self.clone(),
            }),
        };
        self.call_soon_threadsafe(move || {
            let mut pending = pending;
            if let Some(submission) = pending.submission.take() {
                submission.start();
            }
        })?;
        Ok(result)
    }
}

/// What `run_coroutine_threadsafe` sends to the loop's thread.
struct Submission<F: Future> {
    future: F,
    result: ConcurrentFuture<F::Output>,
    handle: LoopHandle,
}

impl<F> Submission<F>
where
    F: Future + 'static,
    F::Output: Send + 'static,
{
    /// On the loop's thread: spawns the task, unless the future was cancelled meanwhile.
    fn start(self) {
        if self.result.cancelled() {
            return; // cancelled before it started: the coroutine never runs
        }
        let lp = match crate::get_running_loop() {
            Ok(lp) => lp,
            Err(e) => {
                let _ = self.result.set_exception(e);
                return;
            }
        };
        let result = self.result.clone();
        let chained = Chained {
            future: self.future,
            result: Some(self.result),
            cancel: None,
            handle: self.handle,
        };
        // The task runs detached; its outcome goes to `result`.
        if let Err(e) = lp.create_task(chained) {
            // `chained` was dropped, and resolved `result` as closed already.
            let _ = result.set_exception(e);
        }
    }
}

/// The callback's contents: resolves the thread-safe future with "loop closed" if the loop
/// drops the callback without running it (it was closed with the callback queued).
struct Pending<F: Future> {
    submission: Option<Submission<F>>,
}

impl<F: Future> Drop for Pending<F> {
    fn drop(&mut self) {
        if let Some(submission) = self.submission.take() {
            let _ = submission.result.set_exception(LoopError::Closed);
        }
    }
}

/// A cancellation requested from any thread, waking the task that watches it.
#[derive(Default)]
struct CancelSignal {
    cancelled: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

impl CancelSignal {
    fn cancel(&self) {
        self.cancelled.store(true, Ordering::Release);
        let waker = self
            .waker
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Whether cancelled; if not, `waker` will be woken when it is.
    fn check(&self, waker: &Waker) -> bool {
        if self.cancelled.load(Ordering::Acquire) {
            return true;
        }
        let mut slot = self.waker.lock().unwrap_or_else(PoisonError::into_inner);
        match slot.as_ref() {
            Some(w) if w.will_wake(waker) => {}
            _ => *slot = Some(waker.clone()),
        }
        drop(slot);
        // A cancel between the first load and the store above found no waker to wake.
        self.cancelled.load(Ordering::Acquire)
    }
}

pin_project! {
    /// The task's future: the submitted future, its outcome chained to the thread-safe
    /// future (asyncio's `_chain_future`).
    struct Chained<F: Future> {
        #[pin]
        future: F,
        // Taken when the outcome is set; still here on drop means the task ended without one.
        result: Option<ConcurrentFuture<F::Output>>,
        // Watches for a cancel of `result` from any thread, from the task's first wait on
        // (a coroutine done in its first step, the common case, never pays for it).
        cancel: Option<Arc<CancelSignal>>,
        handle: LoopHandle,
    }

    impl<F: Future> PinnedDrop for Chained<F> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if let Some(result) = this.result.take() {
                // Dropped before it finished: the task was cancelled on the loop, or the
                // loop was closed with the task pending.
                if this.handle.is_closed() {
                    let _ = result.set_exception(LoopError::Closed);
                } else {
                    result.cancel();
                }
            }
        }
    }
}

impl<F: Future> Future for Chained<F> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.project();
        if this.result.is_none() {
            return Poll::Ready(());
        }
        if this.cancel.as_ref().is_some_and(|c| c.check(cx.waker())) {
            // The thread-safe future was cancelled (it says so already): the task ends here
            // and its future is dropped, as asyncio cancels the task.
            *this.result = None;
            return Poll::Ready(());
        }
        let future = this.future;
        let outcome = match catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
            Ok(Poll::Pending) => {
                if this.cancel.is_none()
                    && let Some(result) = this.result.as_ref()
                {
                    // The first wait: from now on a cancel from any thread wakes the task.
                    // A cancel that came already runs the callback at once, which wakes it.
                    let signal = Arc::new(CancelSignal::default());
                    signal.check(cx.waker());
                    let s = signal.clone();
                    result.add_done_callback(move |f| {
                        if f.cancelled() {
                            s.cancel();
                        }
                    });
                    *this.cancel = Some(signal);
                }
                return Poll::Pending;
            }
            Ok(Poll::Ready(value)) => Ok(value),
            Err(payload) => Err(panicked(payload)),
        };
        if let Some(result) = this.result.take() {
            // A cancel that raced the last step wins: the value is dropped, as asyncio's
            // `_set_state` does for a cancelled concurrent future.
            let _ = match outcome {
                Ok(value) => result.set_result(value),
                Err(e) => result.set_exception(e),
            };
        }
        Poll::Ready(())
    }
}

/// The failure a panic of the submitted future becomes.
fn panicked(payload: Box<dyn Any + Send>) -> CoroutinePanicked {
    let message = if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "Box<dyn Any>".to_owned()
    };
    CoroutinePanicked {
        message,
        payload: Mutex::new(Some(payload)),
    }
}

/// How a coroutine given to [`run_coroutine_threadsafe`] panicked: the failure of its
/// thread-safe future ([`FutureError::Failed`](corio_blocking::FutureError::Failed), which
/// downcasts to this). The loop goes on.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use corio_blocking::FutureError;
/// use corio_runtime::{CoroutinePanicked, EventLoop};
///
/// let lp = EventLoop::new()?;
/// let fut = lp.handle().run_coroutine_threadsafe(async { panic!("boom") })?;
/// lp.run_until_complete(corio_runtime::sleep(Duration::from_millis(1)))?;
/// match fut.result(Duration::ZERO) {
///     Err(FutureError::Failed(e)) => {
///         let panic = e.downcast_ref::<CoroutinePanicked>().unwrap();
///         assert_eq!(panic.message(), "boom");
///         assert_eq!(panic.take_payload().unwrap().downcast_ref::<&str>(), Some(&"boom"));
///     }
///     other => unreachable!("{other:?}"),
/// }
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
#[derive(thiserror::Error)]
#[error("coroutine panicked: {message}")]
pub struct CoroutinePanicked {
    message: String,
    payload: Mutex<Option<Box<dyn Any + Send>>>,
}

impl CoroutinePanicked {
    /// The panic message (`"Box<dyn Any>"` when the payload was neither `&str` nor
    /// `String`).
    ///
    /// # Examples
    ///
    /// See [`CoroutinePanicked`].
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Takes the panic's payload, to re-raise it with `std::panic::resume_unwind`; `None`
    /// once taken.
    ///
    /// # Examples
    ///
    /// See [`CoroutinePanicked`].
    pub fn take_payload(&self) -> Option<Box<dyn Any + Send>> {
        self.payload
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }
}

impl fmt::Debug for CoroutinePanicked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CoroutinePanicked")
            .field(&self.message)
            .finish()
    }
}
