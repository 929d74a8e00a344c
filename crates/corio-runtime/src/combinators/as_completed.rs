//! `as_completed`: outputs in the order the awaitables finish, with an overall timeout.

use std::fmt;
use std::future::{Future, IntoFuture, poll_fn};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use corio_time::{Elapsed, Sleep};
use futures_core::Stream;
use futures_util::stream::{FuturesUnordered, StreamExt};

use super::detach;

/// Runs the awaitables concurrently and hands out their outputs in the order they finish
/// (asyncio's `as_completed(aws, timeout=)`).
///
/// [`AsCompleted::next`] gives `Some(Ok(output))` for each one, then `None`. Once
/// `timeout` (counted from this call) has passed, every item still unfinished comes out as
/// `Some(Err(Elapsed))`, one per remaining item, and those awaitables **keep running** (they
/// move into a task of their own, as asyncio's are tasks). It is also a
/// [`Stream`](futures_core::Stream).
///
/// # Cancel safety
///
/// Dropping the `AsCompleted` lets the unfinished awaitables run on (as in asyncio, where
/// they are tasks): they move into a detached task. Cancel what you no longer want before
/// dropping it.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use corio_runtime::{as_completed, run, sleep};
///
/// run(async {
///     let phases = [30u64, 10, 20].map(|ms| async move {
///         sleep(Duration::from_millis(ms)).await;
///         ms
///     });
///     let mut done = as_completed(phases, None);
///     let mut order = Vec::new();
///     while let Some(out) = done.next().await {
///         order.push(out.unwrap());
///     }
///     assert_eq!(order, [10, 20, 30]);
///
///     let slow = [async { sleep(Duration::from_secs(60)).await }];
///     let mut late = as_completed(slow, Duration::from_millis(5));
///     assert!(late.next().await.unwrap().is_err()); // timed out; the sleep runs on
///     assert!(late.next().await.is_none());
/// })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
pub fn as_completed<I>(
    awaitables: I,
    timeout: impl Into<Option<Duration>>,
) -> AsCompleted<<I::Item as IntoFuture>::IntoFuture>
where
    I: IntoIterator,
    I::Item: IntoFuture,
    <I::Item as IntoFuture>::IntoFuture: 'static,
{
    let children: FuturesUnordered<_> = awaitables
        .into_iter()
        .map(IntoFuture::into_future)
        .collect();
    AsCompleted {
        left: children.len(),
        children,
        deadline: timeout
            .into()
            .map(|t| Box::pin(corio_time::sleep_until(corio_time::now() + t))),
        timed_out: false,
    }
}

/// The stream of [`as_completed`].
///
/// # Examples
///
/// ```
/// corio_runtime::run(async {
///     let mut it = corio_runtime::as_completed([1, 2].map(std::future::ready), None);
///     assert_eq!(it.len(), 2);
///     assert_eq!(it.next().await, Some(Ok(1)));
///     assert_eq!(it.len(), 1);
/// })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct AsCompleted<F: Future + 'static> {
    /// The awaitables not finished yet (empty once timed out: they moved into a task).
    children: FuturesUnordered<F>,
    /// Items still to hand out.
    left: usize,
    deadline: Option<Pin<Box<Sleep>>>,
    timed_out: bool,
}

impl<F: Future + 'static> AsCompleted<F> {
    /// The next output in completion order; `Some(Err(Elapsed))` for each remaining item
    /// once the timeout has passed; `None` when every item has been handed out.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the returned future loses no output.
    ///
    /// # Examples
    ///
    /// See [`as_completed`].
    pub async fn next(&mut self) -> Option<Result<F::Output, Elapsed>> {
        poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// How many items are still to come.
    ///
    /// # Examples
    ///
    /// See [`AsCompleted`].
    pub fn len(&self) -> usize {
        self.left
    }

    /// Whether every item has been handed out.
    ///
    /// # Examples
    ///
    /// ```
    /// let it = corio_runtime::as_completed(Vec::<std::future::Ready<()>>::new(), None);
    /// assert!(it.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.left == 0
    }

    /// Moves the unfinished awaitables into a task of their own, so that they run on.
    fn let_run_on(&mut self) {
        let mut rest = std::mem::take(&mut self.children);
        if !rest.is_empty() {
            detach(async move { while rest.next().await.is_some() {} });
        }
    }
}

impl<F: Future + 'static> Stream for AsCompleted<F> {
    type Item = Result<F::Output, Elapsed>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.left == 0 {
            return Poll::Ready(None);
        }
        if !this.timed_out {
            if let Poll::Ready(Some(out)) = Pin::new(&mut this.children).poll_next(cx) {
                this.left -= 1;
                return Poll::Ready(Some(Ok(out)));
            }
            let expired = match this.deadline.as_mut() {
                Some(d) => d.as_mut().poll(cx).is_ready(),
                None => false,
            };
            if !expired {
                return Poll::Pending;
            }
            this.timed_out = true;
            this.let_run_on();
        }
        this.left -= 1;
        Poll::Ready(Some(Err(Elapsed::new())))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

// The children are pinned inside `FuturesUnordered`; nothing else is.
impl<F: Future + 'static> Unpin for AsCompleted<F> {}

impl<F: Future + 'static> Drop for AsCompleted<F> {
    fn drop(&mut self) {
        self.let_run_on();
    }
}

impl<F: Future + 'static> fmt::Debug for AsCompleted<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsCompleted")
            .field("left", &self.left)
            .field("timed_out", &self.timed_out)
            .finish()
    }
}
