//! [`ConcurrentFuture`]: Python's `concurrent.futures.Future`, a result that any thread
//! may block on (with a timeout) and any task may `.await`.

use std::error::Error;
use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use slab::Slab;

use crate::error::{AlreadyDone, FutureError, Panic};

/// Where a future is in its life (Python's `PENDING`, `RUNNING`, then `FINISHED` or
/// `CANCELLED`).
enum Status<T> {
    Pending,
    Running,
    /// Done: a value, or how it failed ([`FutureError::Cancelled`] for a cancelled one).
    Finished(Result<T, FutureError>),
}

impl<T> Status<T> {
    /// A finished status whose value may have been moved out by
    /// [`ConcurrentFuture::take_result`] (then it reads as `Err(Cancelled)`).
    fn is_finished(&self) -> bool {
        matches!(self, Status::Finished(_))
    }
}

type Callback<T> = Box<dyn FnOnce(&ConcurrentFuture<T>) + Send>;

struct State<T> {
    status: Status<T>,
    /// Tasks awaiting the future, one slot per awaiting handle.
    wakers: Slab<Waker>,
    /// Done-callbacks not yet run, with their ids, in registration order.
    callbacks: Vec<(u64, Callback<T>)>,
    next_callback: u64,
}

struct Shared<T> {
    state: Mutex<State<T>>,
    /// Signalled (notify_all) when the future finishes; blocking waiters sleep on it.
    finished: Condvar,
}

/// A thread-safe future: Python's `concurrent.futures.Future`.
///
/// A job submitted to a [`ThreadPoolExecutor`](crate::ThreadPoolExecutor) or a
/// [`ProcessPoolExecutor`](crate::process::ProcessPoolExecutor) answers with one; anyone
/// may also make one with [`ConcurrentFuture::new`] and complete it from another thread.
/// Handles are cheap to clone and all see the same outcome.
///
/// - From any thread: [`result`](Self::result) and [`exception`](Self::exception) block
///   until the future is done or the timeout passes ([`FutureError::Timeout`]).
/// - From async code under any executor: `.await` it (its output is cloned, as for
///   `result`; dropping the awaiting future does not cancel the job).
/// - [`done`](Self::done), [`cancel`](Self::cancel) (which succeeds only while the job has
///   not started), [`add_done_callback`](Self::add_done_callback).
/// - Many at once: [`as_completed`](crate::as_completed) and [`wait`](crate::wait).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use corio_blocking::ConcurrentFuture;
///
/// let fut = ConcurrentFuture::new();
/// let setter = fut.clone();
/// std::thread::spawn(move || setter.set_result(String::from("done")).unwrap());
/// assert_eq!(fut.result(Duration::from_secs(60)).unwrap(), "done");
/// // And from async code:
/// assert_eq!(futures_lite::future::block_on(fut).unwrap(), "done");
/// ```
#[doc(alias = "concurrent.futures.Future")]
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct ConcurrentFuture<T> {
    shared: Arc<Shared<T>>,
    /// This handle's slot in `wakers` while it is being awaited.
    waker_key: Option<usize>,
}

impl<T> ConcurrentFuture<T> {
    /// A pending future, to be completed with [`set_result`](Self::set_result) and its
    /// siblings.
    ///
    /// # Examples
    ///
    /// ```
    /// let fut = corio_blocking::ConcurrentFuture::<u8>::new();
    /// assert!(!fut.done());
    /// ```
    pub fn new() -> ConcurrentFuture<T> {
        ConcurrentFuture {
            shared: Arc::new(Shared {
                state: Mutex::new(State {
                    status: Status::Pending,
                    wakers: Slab::new(),
                    callbacks: Vec::new(),
                    next_callback: 0,
                }),
                finished: Condvar::new(),
            }),
            waker_key: None,
        }
    }

    /// Locks the state. A panic never happens while the lock is held (user code — callbacks,
    /// wakers, drops of values — runs outside it), so poisoning cannot leave it torn.
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.shared
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the future finished: a value, a failure, or a cancellation.
    ///
    /// # Examples
    ///
    /// ```
    /// let fut = corio_blocking::ConcurrentFuture::new();
    /// fut.set_result(()).unwrap();
    /// assert!(fut.done());
    /// ```
    pub fn done(&self) -> bool {
        self.lock().status.is_finished()
    }

    /// Whether the job is running (a pool called
    /// [`set_running_or_notify_cancel`](Self::set_running_or_notify_cancel)).
    ///
    /// # Examples
    ///
    /// ```
    /// let fut = corio_blocking::ConcurrentFuture::<()>::new();
    /// assert!(fut.set_running_or_notify_cancel());
    /// assert!(fut.running());
    /// ```
    pub fn running(&self) -> bool {
        matches!(self.lock().status, Status::Running)
    }

    /// Whether the future was cancelled.
    ///
    /// # Examples
    ///
    /// See [`ConcurrentFuture::cancel`].
    pub fn cancelled(&self) -> bool {
        matches!(
            self.lock().status,
            Status::Finished(Err(FutureError::Cancelled))
        )
    }

    /// Cancels the future if its job has not started: `true` if it is now cancelled (or
    /// already was), `false` if it is running or finished, as in Python.
    ///
    /// Waiters get [`FutureError::Cancelled`]; done-callbacks run on this thread.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_blocking::{ConcurrentFuture, FutureError};
    ///
    /// let fut = ConcurrentFuture::<u8>::new();
    /// assert!(fut.cancel());
    /// assert!(fut.cancelled());
    /// assert!(matches!(fut.result(None), Err(FutureError::Cancelled)));
    ///
    /// let running = ConcurrentFuture::<u8>::new();
    /// running.set_running_or_notify_cancel();
    /// assert!(!running.cancel());
    /// ```
    pub fn cancel(&self) -> bool {
        let state = self.lock();
        match state.status {
            Status::Running | Status::Finished(Ok(_)) => false,
            Status::Finished(Err(FutureError::Cancelled)) => true,
            Status::Finished(Err(_)) => false,
            Status::Pending => {
                self.finish(state, Err(FutureError::Cancelled));
                true
            }
        }
    }

    /// Marks the job as started, unless the future was cancelled: `true` means run the job,
    /// `false` means it was cancelled and must not run. Pools call it before each job, as
    /// Python's executors do.
    ///
    /// A future already running or finished for another reason also answers `false`.
    ///
    /// # Examples
    ///
    /// ```
    /// let fut = corio_blocking::ConcurrentFuture::<u8>::new();
    /// fut.cancel();
    /// assert!(!fut.set_running_or_notify_cancel());
    /// ```
    pub fn set_running_or_notify_cancel(&self) -> bool {
        let mut state = self.lock();
        match state.status {
            Status::Pending => {
                state.status = Status::Running;
                true
            }
            _ => false,
        }
    }

    /// Completes the future with a value.
    ///
    /// # Errors
    ///
    /// [`AlreadyDone`] if it is finished (cancelled included); the value is dropped.
    ///
    /// # Examples
    ///
    /// See [`AlreadyDone`].
    pub fn set_result(&self, value: T) -> Result<(), AlreadyDone> {
        self.set_outcome(Ok(value))
    }

    /// Completes the future with an error; waiters get [`FutureError::Failed`].
    ///
    /// # Errors
    ///
    /// [`AlreadyDone`] if it is finished.
    ///
    /// # Examples
    ///
    /// ```
    /// let fut = corio_blocking::ConcurrentFuture::<u8>::new();
    /// fut.set_exception("no luck").unwrap();
    /// assert_eq!(fut.result(None).unwrap_err().to_string(), "no luck");
    /// ```
    pub fn set_exception(
        &self,
        error: impl Into<Box<dyn Error + Send + Sync>>,
    ) -> Result<(), AlreadyDone> {
        self.set_outcome(Err(FutureError::Failed(Arc::from(error.into()))))
    }

    /// Completes the future with an outcome: a value or any [`FutureError`] (a bridge
    /// that ran the job elsewhere passes on how it ended, e.g. `Panicked` or `Cancelled`).
    ///
    /// # Errors
    ///
    /// [`AlreadyDone`] if it is finished.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_blocking::{ConcurrentFuture, FutureError};
    ///
    /// let fut = ConcurrentFuture::<u8>::new();
    /// fut.set_outcome(Err(FutureError::Cancelled)).unwrap();
    /// assert!(fut.cancelled());
    /// ```
    pub fn set_outcome(&self, outcome: Result<T, FutureError>) -> Result<(), AlreadyDone> {
        let state = self.lock();
        if state.status.is_finished() {
            return Err(AlreadyDone);
        }
        self.finish(state, outcome);
        Ok(())
    }

    /// Stores the outcome, then (with the lock released) wakes every waiter and runs the
    /// done-callbacks on this thread, in registration order. A panicking callback is
    /// caught and logged, as Python logs a raising one, and the next one still runs.
    fn finish(&self, mut state: MutexGuard<'_, State<T>>, outcome: Result<T, FutureError>) {
        state.status = Status::Finished(outcome);
        let wakers: Vec<Waker> = state.wakers.drain().collect();
        let callbacks = std::mem::take(&mut state.callbacks);
        drop(state);
        self.shared.finished.notify_all();
        for waker in wakers {
            waker.wake();
        }
        for (_, callback) in callbacks {
            self.run_callback(callback);
        }
    }

    fn run_callback(&self, callback: Callback<T>) {
        let this = self.clone();
        if let Err(payload) =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || callback(&this)))
        {
            log::error!(
                "exception calling callback for future: {}",
                Panic::from_payload(payload)
            );
        }
    }

    /// Waits until finished or `deadline`; returns the guard on a finished state, or
    /// `None` on timeout.
    fn wait_until(&self, timeout: Option<Duration>) -> Option<MutexGuard<'_, State<T>>> {
        let deadline = timeout.map(|t| Instant::now().checked_add(t));
        let mut state = self.lock();
        loop {
            if state.status.is_finished() {
                return Some(state);
            }
            state = match deadline {
                // No timeout, or one too far to represent: wait for ever.
                None | Some(None) => self
                    .shared
                    .finished
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner),
                Some(Some(deadline)) => {
                    let left = deadline.checked_duration_since(Instant::now())?;
                    if left.is_zero() {
                        return None;
                    }
                    self.shared
                        .finished
                        .wait_timeout(state, left)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0
                }
            };
        }
    }

    /// Blocks until the future is done, then gives its value (cloned, so every handle may
    /// ask).
    ///
    /// `timeout` is `None` (wait for ever) or a [`Duration`].
    ///
    /// # Errors
    ///
    /// [`FutureError::Timeout`] if it is still not done after `timeout` (it may be waited
    /// for again); [`FutureError::Cancelled`]; else how the job failed
    /// ([`Panicked`](FutureError::Panicked), [`Failed`](FutureError::Failed),
    /// [`WorkerDied`](FutureError::WorkerDied), ...).
    ///
    /// # Blocking
    ///
    /// Blocks the calling thread; in async code `.await` the future instead.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::mpsc;
    /// use std::time::Duration;
    /// use corio_blocking::{FutureError, ThreadPoolExecutor};
    ///
    /// let pool = ThreadPoolExecutor::new();
    /// let (release, gate) = mpsc::channel::<()>();
    /// let held = pool.submit(move || gate.recv().unwrap())?;
    /// assert!(matches!(held.result(Duration::from_millis(10)), Err(FutureError::Timeout)));
    /// release.send(()).unwrap();
    /// held.result(None)?; // now it finishes
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn result(&self, timeout: impl Into<Option<Duration>>) -> Result<T, FutureError>
    where
        T: Clone,
    {
        match self.wait_until(timeout.into()) {
            None => Err(FutureError::Timeout),
            Some(state) => match &state.status {
                Status::Finished(outcome) => outcome.clone(),
                _ => unreachable!("wait_until returns only finished states"),
            },
        }
    }

    /// Blocks until done, then moves the value out instead of cloning it. For handles the
    /// crate keeps to itself (a `map` iterator's), where no other handle reads it after:
    /// the future then reads as cancelled.
    pub(crate) fn take_result(&self, timeout: Option<Duration>) -> Result<T, FutureError> {
        match self.wait_until(timeout) {
            None => Err(FutureError::Timeout),
            Some(mut state) => {
                match std::mem::replace(
                    &mut state.status,
                    Status::Finished(Err(FutureError::Cancelled)),
                ) {
                    Status::Finished(outcome) => outcome,
                    _ => unreachable!("wait_until returns only finished states"),
                }
            }
        }
    }

    /// Blocks until the future is done, then gives its failure: `Ok(None)` if it has a
    /// value, `Ok(Some(error))` if its job failed (Python's `exception()`).
    ///
    /// # Errors
    ///
    /// [`FutureError::Timeout`] if it is still not done after `timeout`;
    /// [`FutureError::Cancelled`] if it was cancelled (Python raises `CancelledError`).
    ///
    /// # Blocking
    ///
    /// Blocks the calling thread.
    ///
    /// # Examples
    ///
    /// ```
    /// let fut = corio_blocking::ConcurrentFuture::<u8>::new();
    /// fut.set_exception("bad input").unwrap();
    /// let err = fut.exception(None).unwrap().unwrap();
    /// assert_eq!(err.to_string(), "bad input");
    /// ```
    pub fn exception(
        &self,
        timeout: impl Into<Option<Duration>>,
    ) -> Result<Option<FutureError>, FutureError> {
        match self.wait_until(timeout.into()) {
            None => Err(FutureError::Timeout),
            Some(state) => match &state.status {
                Status::Finished(Ok(_)) => Ok(None),
                Status::Finished(Err(FutureError::Cancelled)) => Err(FutureError::Cancelled),
                Status::Finished(Err(e)) => Ok(Some(e.clone())),
                _ => unreachable!("wait_until returns only finished states"),
            },
        }
    }

    /// Blocks until the future is done, without reading its outcome.
    ///
    /// Returns `false` if `timeout` passed first.
    ///
    /// # Blocking
    ///
    /// Blocks the calling thread.
    ///
    /// # Examples
    ///
    /// ```
    /// let fut = corio_blocking::ConcurrentFuture::<u8>::new();
    /// assert!(!fut.wait(std::time::Duration::from_millis(1)));
    /// fut.cancel();
    /// assert!(fut.wait(None));
    /// ```
    pub fn wait(&self, timeout: impl Into<Option<Duration>>) -> bool {
        self.wait_until(timeout.into()).is_some()
    }

    /// Calls `callback` with the future once it is done, on the thread that completes it
    /// (or on this thread, now, if it is done already), as Python does. Returns an id for
    /// [`remove_done_callback`](Self::remove_done_callback).
    ///
    /// A panic in the callback is caught and logged (`log::error!`); the other callbacks
    /// still run.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::mpsc;
    ///
    /// let fut = corio_blocking::ConcurrentFuture::new();
    /// let (tx, rx) = mpsc::channel();
    /// fut.add_done_callback(move |f| tx.send(f.result(None).unwrap()).unwrap());
    /// fut.set_result(7).unwrap();
    /// assert_eq!(rx.recv().unwrap(), 7);
    /// ```
    pub fn add_done_callback(
        &self,
        callback: impl FnOnce(&ConcurrentFuture<T>) + Send + 'static,
    ) -> u64 {
        let mut state = self.lock();
        let id = state.next_callback;
        state.next_callback += 1;
        if state.status.is_finished() {
            drop(state);
            self.run_callback(Box::new(callback));
        } else {
            state.callbacks.push((id, Box::new(callback)));
        }
        id
    }

    /// Removes a done-callback that has not run; `true` if it was found.
    ///
    /// # Examples
    ///
    /// ```
    /// let fut = corio_blocking::ConcurrentFuture::<()>::new();
    /// let id = fut.add_done_callback(|_| unreachable!());
    /// assert!(fut.remove_done_callback(id));
    /// fut.set_result(()).unwrap();
    /// ```
    pub fn remove_done_callback(&self, id: u64) -> bool {
        let mut state = self.lock();
        let before = state.callbacks.len();
        state.callbacks.retain(|(i, _)| *i != id);
        state.callbacks.len() != before
    }

    /// Whether two handles are of the same future.
    ///
    /// # Examples
    ///
    /// ```
    /// let a = corio_blocking::ConcurrentFuture::<()>::new();
    /// assert!(a.same_as(&a.clone()));
    /// assert!(!a.same_as(&corio_blocking::ConcurrentFuture::new()));
    /// ```
    pub fn same_as(&self, other: &ConcurrentFuture<T>) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

impl<T> Default for ConcurrentFuture<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Clone for ConcurrentFuture<T> {
    fn clone(&self) -> Self {
        ConcurrentFuture {
            shared: self.shared.clone(),
            waker_key: None,
        }
    }
}

impl<T> Drop for ConcurrentFuture<T> {
    fn drop(&mut self) {
        if let Some(key) = self.waker_key.take() {
            let mut state = self.lock();
            // The slab was drained if the future finished meanwhile.
            if !state.status.is_finished() {
                state.wakers.try_remove(key);
            }
        }
    }
}

impl<T> Unpin for ConcurrentFuture<T> {}

impl<T: Clone> Future for ConcurrentFuture<T> {
    type Output = Result<T, FutureError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let shared = this.shared.clone();
        let mut state = shared.state.lock().unwrap_or_else(PoisonError::into_inner);
        if let Status::Finished(outcome) = &state.status {
            let outcome = outcome.clone();
            drop(state);
            this.waker_key = None;
            return Poll::Ready(outcome);
        }
        match this.waker_key.and_then(|key| state.wakers.get_mut(key)) {
            Some(waker) => waker.clone_from(cx.waker()),
            None => this.waker_key = Some(state.wakers.insert(cx.waker().clone())),
        }
        Poll::Pending
    }
}

impl<T> fmt::Debug for ConcurrentFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.lock().status {
            Status::Pending => "pending",
            Status::Running => "running",
            Status::Finished(Ok(_)) => "finished",
            Status::Finished(Err(FutureError::Cancelled)) => "cancelled",
            Status::Finished(Err(_)) => "finished with an error",
        };
        f.debug_struct("ConcurrentFuture")
            .field("state", &state)
            .finish()
    }
}
