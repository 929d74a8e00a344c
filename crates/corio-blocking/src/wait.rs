//! Waiting on many [`ConcurrentFuture`]s from a thread: [`as_completed`] (in completion
//! order) and [`wait`] (until the first, the first failure, or all), as
//! `concurrent.futures` does.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::error::FutureError;
use crate::future::ConcurrentFuture;

/// The indexes of finished futures, in the order they finished, fed by done-callbacks.
struct Collector {
    finished: Mutex<VecDeque<usize>>,
    changed: Condvar,
}

impl Collector {
    fn new() -> Arc<Collector> {
        Arc::new(Collector {
            finished: Mutex::new(VecDeque::new()),
            changed: Condvar::new(),
        })
    }

    fn push(&self, index: usize) {
        self.finished
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push_back(index);
        self.changed.notify_all();
    }

    /// The next finished index, waiting until `deadline`; `None` on timeout.
    fn pop(&self, deadline: Option<Instant>) -> Option<usize> {
        let mut finished = self.finished.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(i) = finished.pop_front() {
                return Some(i);
            }
            finished = match deadline {
                None => self
                    .changed
                    .wait(finished)
                    .unwrap_or_else(PoisonError::into_inner),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return None;
                    }
                    self.changed
                        .wait_timeout(finished, left)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0
                }
            };
        }
    }
}

/// Registers a done-callback on each future that reports its index to `collector`.
/// Futures already done report at once, in input order.
fn watch<T: Send + 'static>(
    futures: Vec<ConcurrentFuture<T>>,
    collector: &Arc<Collector>,
) -> Vec<Option<(ConcurrentFuture<T>, u64)>> {
    futures
        .into_iter()
        .enumerate()
        .map(|(i, fut)| {
            let c = collector.clone();
            let id = fut.add_done_callback(move |_| c.push(i));
            Some((fut, id))
        })
        .collect()
}

fn deadline(timeout: Option<Duration>) -> Option<Instant> {
    timeout.and_then(|t| Instant::now().checked_add(t))
}

/// Yields the futures as they finish: those already done first, in input order, then
/// each as it completes (Python's `concurrent.futures.as_completed`).
///
/// With `timeout`, if some are still pending `timeout` after the call, the iterator yields
/// [`FutureError::Timeout`] once and ends. Duplicated handles of one future are yielded
/// once each.
///
/// # Blocking
///
/// `next()` blocks until a future finishes.
///
/// # Examples
///
/// ```
/// use std::sync::mpsc;
/// use corio_blocking::{ThreadPoolExecutor, as_completed};
///
/// let pool = ThreadPoolExecutor::new();
/// let (release, gate) = mpsc::channel::<()>();
/// let slow = pool.submit(move || { gate.recv().unwrap(); "slow" })?;
/// let fast = pool.submit(|| "fast")?;
/// let mut finished = as_completed([slow, fast], None);
/// assert_eq!(finished.next().unwrap()?.result(None)?, "fast");
/// release.send(()).unwrap();
/// assert_eq!(finished.next().unwrap()?.result(None)?, "slow");
/// assert!(finished.next().is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[doc(alias = "concurrent.futures.as_completed")]
pub fn as_completed<T, I>(futures: I, timeout: impl Into<Option<Duration>>) -> AsCompleted<T>
where
    I: IntoIterator<Item = ConcurrentFuture<T>>,
    T: Send + 'static,
{
    let deadline = deadline(timeout.into());
    let collector = Collector::new();
    let futures = watch(futures.into_iter().collect(), &collector);
    AsCompleted {
        remaining: futures.len(),
        futures,
        collector,
        deadline,
    }
}

/// The iterator of [`as_completed`].
///
/// # Examples
///
/// See [`as_completed`].
#[must_use = "iterators are lazy and do nothing unless consumed"]
pub struct AsCompleted<T> {
    futures: Vec<Option<(ConcurrentFuture<T>, u64)>>,
    remaining: usize,
    collector: Arc<Collector>,
    deadline: Option<Instant>,
}

impl<T> Iterator for AsCompleted<T> {
    type Item = Result<ConcurrentFuture<T>, FutureError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        match self.collector.pop(self.deadline) {
            Some(i) => {
                self.remaining -= 1;
                let (fut, _) = self.futures[i].take()?;
                Some(Ok(fut))
            }
            None => {
                // Python raises TimeoutError, which ends the iteration.
                self.remaining = 0;
                self.unwatch();
                Some(Err(FutureError::Timeout))
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.remaining + 1))
    }
}

impl<T> AsCompleted<T> {
    fn unwatch(&mut self) {
        for (fut, id) in self.futures.iter_mut().filter_map(Option::take) {
            fut.remove_done_callback(id);
        }
    }
}

impl<T> Drop for AsCompleted<T> {
    fn drop(&mut self) {
        self.unwatch();
    }
}

impl<T> fmt::Debug for AsCompleted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsCompleted")
            .field("remaining", &self.remaining)
            .finish()
    }
}

/// When [`wait`] returns (Python's `FIRST_COMPLETED`, `FIRST_EXCEPTION`,
/// `ALL_COMPLETED`).
///
/// # Examples
///
/// See [`wait`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReturnWhen {
    /// As soon as any future finishes or is cancelled.
    FirstCompleted,
    /// As soon as any future fails (a cancellation is not a failure); else when all are
    /// done.
    FirstException,
    /// When every future is done.
    #[default]
    AllCompleted,
}

/// The two sets of [`wait`]: the futures done and those not done, each in input order.
///
/// # Examples
///
/// See [`wait`].
#[derive(Debug)]
pub struct DoneAndNotDone<T> {
    /// The futures that finished (value, failure, or cancellation).
    pub done: Vec<ConcurrentFuture<T>>,
    /// The futures still pending or running.
    pub not_done: Vec<ConcurrentFuture<T>>,
}

/// Blocks until `return_when` holds or `timeout` passes, then splits the futures into done
/// and not done (Python's `concurrent.futures.wait`). A timeout is not an error: the
/// pending futures are in `not_done`.
///
/// # Blocking
///
/// Blocks the calling thread.
///
/// # Examples
///
/// ```
/// use std::sync::mpsc;
/// use std::time::Duration;
/// use corio_blocking::{ReturnWhen, ThreadPoolExecutor, wait};
///
/// let pool = ThreadPoolExecutor::new();
/// let (release, gate) = mpsc::channel::<()>();
/// let quick = pool.submit(|| ())?;
/// let held = pool.submit(move || gate.recv().unwrap())?;
/// let sets = wait([quick, held.clone()], None, ReturnWhen::FirstCompleted);
/// assert_eq!((sets.done.len(), sets.not_done.len()), (1, 1));
/// let sets = wait([held.clone()], Duration::from_millis(1), ReturnWhen::AllCompleted);
/// assert_eq!(sets.not_done.len(), 1); // a timeout is not an error
/// release.send(()).unwrap();
/// assert_eq!(wait([held], None, ReturnWhen::AllCompleted).done.len(), 1);
/// # Ok::<(), corio_blocking::SubmitError>(())
/// ```
#[doc(alias = "concurrent.futures.wait")]
pub fn wait<T, I>(
    futures: I,
    timeout: impl Into<Option<Duration>>,
    return_when: ReturnWhen,
) -> DoneAndNotDone<T>
where
    I: IntoIterator<Item = ConcurrentFuture<T>>,
    T: Send + 'static,
{
    let deadline = deadline(timeout.into());
    let collector = Collector::new();
    let mut watched = watch(futures.into_iter().collect(), &collector);
    let total = watched.len();
    let mut finished = vec![false; total];
    let mut count = 0;
    while count < total {
        let Some(i) = collector.pop(deadline) else {
            break;
        };
        finished[i] = true;
        count += 1;
        let stop = match return_when {
            ReturnWhen::AllCompleted => false,
            ReturnWhen::FirstCompleted => true,
            ReturnWhen::FirstException => watched[i]
                .as_ref()
                .is_some_and(|(fut, _)| matches!(fut.exception(Duration::ZERO), Ok(Some(_)))),
        };
        if stop {
            break;
        }
    }
    let mut sets = DoneAndNotDone {
        done: Vec::new(),
        not_done: Vec::new(),
    };
    for (i, slot) in watched.iter_mut().enumerate() {
        if let Some((fut, id)) = slot.take() {
            fut.remove_done_callback(id);
            // Late finishers (done after the loop stopped) count as done, as in Python.
            if finished[i] || fut.done() {
                sets.done.push(fut);
            } else {
                sets.not_done.push(fut);
            }
        }
    }
    sets
}
