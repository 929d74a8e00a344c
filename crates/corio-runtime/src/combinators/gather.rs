//! `gather` over an iterator of awaitables: outputs in argument order.

use std::any::{Any, TypeId};
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

use corio_executor::{AwaitMark, FutureSet, SharedTask, Task};

use super::detach;

/// Runs every awaitable concurrently and gives their outputs in argument order, whatever
/// order they finish in (asyncio's `gather(*aws)`).
///
/// Each awaitable's output is a `Result`. The first `Err` is returned as soon as it
/// happens, and the other children **keep running** (they are moved into a task of their
/// own, as asyncio's children are tasks): that is asyncio's rule, not tokio's `try_join`.
/// [`Gather::return_exceptions`] waits for every child and gives every outcome, in order.
/// [`Task`](crate::Task) handles fit as they are (their error is
/// [`TaskError`](crate::TaskError)); for a fixed set of awaitables of different types, use
/// [`gather!`](crate::gather!).
///
/// The children are polled in place, each with a waker of its own, so a wake polls only the
/// child it concerns: gathering 100,000 tasks costs one poll per task and per wake.
///
/// # Errors
///
/// The first `Err` that a child gives.
///
/// # Cancel safety
///
/// Dropping the `Gather` (the task awaiting it was cancelled) drops the children that have
/// not finished: a plain future is dropped, a [`Task`](crate::Task) being awaited is
/// cancelled (asyncio: cancelling `gather` cancels every child). Children start when the
/// `Gather` is first polled (Rust futures are lazy); tasks run already.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use corio_runtime::{gather, run, sleep, spawn};
///
/// run(async {
///     // The later ones finish first; the outputs still come in argument order.
///     let tasks = (1..=3).map(|i| {
///         spawn(async move {
///             sleep(Duration::from_millis(30 - 10 * i)).await;
///             i
///         })
///     });
///     assert_eq!(gather(tasks).await, Ok(vec![1, 2, 3]));
///
///     let outcomes = gather([Ok(1), Err("boom"), Ok(3)].map(std::future::ready))
///         .return_exceptions()
///         .await;
///     assert_eq!(outcomes, [Ok(1), Err("boom"), Ok(3)]);
/// })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
#[doc(alias = "join_all")]
#[doc(alias = "try_join_all")]
pub fn gather<I, T, E>(awaitables: I) -> Gather<<I::Item as IntoFuture>::IntoFuture>
where
    I: IntoIterator,
    I::Item: IntoFuture<Output = Result<T, E>>,
    <I::Item as IntoFuture>::IntoFuture: 'static,
    T: 'static,
{
    let children = FutureSet::new(awaitables.into_iter().map(IntoFuture::into_future));
    let mut outputs = Vec::new();
    outputs.resize_with(children.len(), || None);
    Gather {
        children,
        outputs,
        mark: AwaitMark::new(),
        cancel_child: task_canceller::<<I::Item as IntoFuture>::IntoFuture, T>(),
    }
}

/// How to cancel a child that is a task handle, if `F` is one.
///
/// A task handle cancels its task when it is dropped with a cancelled task that was
/// suspended awaiting it *in its last step*; the gather polls only the children that woke,
/// so a child polled in an earlier step would not count as awaited. A cancelled gather
/// therefore cancels its task children itself, recognising them by type.
fn task_canceller<F: 'static, T: 'static>() -> Option<fn(&dyn Any)> {
    if TypeId::of::<F>() == TypeId::of::<Task<T>>() {
        Some(|child| {
            if let Some(task) = child.downcast_ref::<Task<T>>() {
                task.cancel();
            }
        })
    } else if TypeId::of::<F>() == TypeId::of::<SharedTask<T>>() {
        Some(|child| {
            if let Some(task) = child.downcast_ref::<SharedTask<T>>() {
                task.cancel();
            }
        })
    } else {
        None
    }
}

/// The future of [`gather`]: `Ok(outputs)` in argument order, or the first `Err`.
///
/// # Examples
///
/// ```
/// corio_runtime::run(async {
///     let all = corio_runtime::gather(Vec::<std::future::Ready<Result<u8, ()>>>::new());
///     assert_eq!(all.await, Ok(vec![])); // nothing to wait for
/// })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Gather<F: Future + 'static> {
    /// The children, polled in place, each with a waker of its own.
    children: FutureSet<F>,
    /// One slot per child, in argument order; `Some` once it finished.
    outputs: Vec<Option<F::Output>>,
    /// The step of its task in which the gather last returned `Pending`.
    mark: AwaitMark,
    /// Cancels a child that is a task handle (see `task_canceller`).
    cancel_child: Option<fn(&dyn Any)>,
}

// The outputs are never pinned (the children are, inside `FutureSet`).
impl<F: Future + 'static> Unpin for Gather<F> {}

impl<F: Future + 'static> Gather<F> {
    /// Waits for every child and gives every outcome in argument order, failures included
    /// (asyncio's `gather(..., return_exceptions=True)`).
    ///
    /// # Cancel safety
    ///
    /// As for [`gather`].
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_runtime::{gather, run, spawn, TaskError};
    ///
    /// run(async {
    ///     let ok = spawn(async { 1 });
    ///     let cancelled = spawn(async { 2 });
    ///     cancelled.cancel();
    ///     let out = gather([ok, cancelled]).return_exceptions().await;
    ///     assert_eq!(out, [Ok(1), Err(TaskError::Cancelled)]);
    /// })?;
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn return_exceptions(self) -> GatherAll<F> {
        GatherAll { inner: self }
    }

    /// How many children have not finished.
    ///
    /// # Examples
    ///
    /// ```
    /// let g = corio_runtime::gather([std::future::ready(Ok::<_, ()>(1))]);
    /// assert_eq!(g.pending(), 1);
    /// ```
    pub fn pending(&self) -> usize {
        self.children.len()
    }

    /// Polls the children until one finishes; `None` once all have.
    fn poll_child(&mut self, cx: &mut Context<'_>) -> Poll<Option<usize>> {
        match self.children.poll_next(cx) {
            Poll::Ready(Some((index, out))) => {
                self.outputs[index] = Some(out);
                Poll::Ready(Some(index))
            }
            Poll::Ready(None) => {
                self.mark.clear();
                Poll::Ready(None)
            }
            Poll::Pending => {
                self.mark.polled();
                Poll::Pending
            }
        }
    }

    fn take_outputs(&mut self) -> impl Iterator<Item = F::Output> + '_ {
        self.outputs
            .drain(..)
            .map(|out| out.expect("every child finished"))
    }
}

impl<F, T, E> Future for Gather<F>
where
    F: Future<Output = Result<T, E>> + 'static,
    T: 'static,
    E: 'static,
{
    type Output = Result<Vec<T>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        loop {
            match this.poll_child(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => {
                    // Every output is `Ok` here (the first `Err` returned at once): unwrapped
                    // into a vector of the exact length, with no `Result` collect that
                    // would grow it step by step.
                    let outputs = this.take_outputs().map(|out| match out {
                        Ok(v) => v,
                        Err(_) => unreachable!("a failure returns at once"),
                    });
                    return Poll::Ready(Ok(outputs.collect()));
                }
                Poll::Ready(Some(index)) => {
                    if matches!(this.outputs[index], Some(Err(_))) {
                        let Some(Err(e)) = this.outputs[index].take() else {
                            unreachable!("just checked")
                        };
                        // asyncio's rule: the first failure is reported, the others run on.
                        this.mark.clear();
                        let mut rest = std::mem::replace(
                            &mut this.children,
                            FutureSet::new(std::iter::empty()),
                        );
                        if !rest.is_empty() {
                            detach(std::future::poll_fn(move |cx| {
                                while let Some(out) = std::task::ready!(rest.poll_next(cx)) {
                                    drop(out);
                                }
                                Poll::Ready(())
                            }));
                        }
                        this.outputs.clear();
                        return Poll::Ready(Err(e));
                    }
                }
            }
        }
    }
}

impl<F: Future + 'static> Drop for Gather<F> {
    fn drop(&mut self) {
        // Cancelled while awaiting it: asyncio cancels every child. Plain futures are
        // cancelled by being dropped with the gather; task handles are asked here.
        if let Some(cancel) = self.cancel_child
            && self.mark.abandoned_by_cancel()
        {
            for child in self.children.pending() {
                cancel(child as &dyn Any);
            }
        }
    }
}

impl<F: Future + 'static> fmt::Debug for Gather<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gather")
            .field("children", &self.outputs.len())
            .field("pending", &self.children.len())
            .finish()
    }
}

/// The future of [`Gather::return_exceptions`]: every outcome, in argument order.
///
/// # Examples
///
/// ```
/// corio_runtime::run(async {
///     let all = corio_runtime::gather([std::future::ready(Err::<u8, _>("no"))]).return_exceptions();
///     assert_eq!(all.await, [Err("no")]);
/// })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct GatherAll<F: Future + 'static> {
    inner: Gather<F>,
}

impl<F: Future + 'static> Future for GatherAll<F> {
    type Output = Vec<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut self.get_mut().inner;
        loop {
            match this.poll_child(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(this.take_outputs().collect()),
                Poll::Ready(Some(_)) => {}
            }
        }
    }
}

impl<F: Future + 'static> fmt::Debug for GatherAll<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("GatherAll").field(&self.inner).finish()
    }
}
