//! `wait_for`: an awaitable with a timeout that cancels it and waits for the cancellation.

use std::future::IntoFuture;
use std::time::Duration;

use corio_time::Elapsed;

/// Awaits `awaitable` for at most `timeout`; on expiry cancels it, waits until it has
/// finished cancelling, and fails with [`Elapsed`] (asyncio's `wait_for`).
///
/// - The awaitable is polled in place, so it may borrow (`wait_for(queue.get(), d)`). On
///   expiry it is dropped: a plain future's destructors run then and there; a
///   [`Task`](crate::Task) being awaited is cancelled by the drop, and `wait_for` then
///   gives up one loop pass, in which the task runs its cancelled step: when `wait_for`
///   returns, the task has finished cancelling (`cancelled()` is true, its cleanup ran).
/// - `timeout` is a `Duration`, or `None` for no limit (the awaitable is simply awaited).
///   `Duration::ZERO` is asyncio's `timeout <= 0`: the awaitable is dropped without being
///   polled (a coroutine never runs).
/// - It works under any executor (the timer falls back to corio-time's timer thread).
///
/// # Errors
///
/// [`Elapsed`] when the timeout passed first.
///
/// # Cancel safety
///
/// Dropping the `wait_for` future (its awaiter was cancelled) drops the awaitable, which
/// cancels a task being awaited, as cancelling asyncio's `wait_for` does.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use corio_runtime::{create_task, run, sleep, wait_for};
///
/// run(async {
///     let quick = wait_for(async { 1 }, Duration::from_secs(1)).await;
///     assert_eq!(quick, Ok(1));
///
///     let slow = create_task(sleep(Duration::from_secs(60))).unwrap();
///     let res = wait_for(slow.clone(), Duration::from_millis(10)).await;
///     assert!(res.is_err());
///     assert!(slow.cancelled()); // finished cancelling before wait_for returned
/// })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
#[doc(alias = "timeout")]
pub async fn wait_for<F: IntoFuture>(
    awaitable: F,
    timeout: impl Into<Option<Duration>>,
) -> Result<F::Output, Elapsed> {
    let Some(timeout) = timeout.into() else {
        return Ok(awaitable.await);
    };
    if timeout.is_zero() {
        drop(awaitable);
    } else if let Ok(out) = corio_time::timeout(timeout, awaitable.into_future()).await {
        return Ok(out);
    }
    // Timed out: the awaitable was dropped, and a task it awaited was asked to cancel.
    // One pass, in which a task cancelled by the drop runs its cancelled step (it was
    // queued before this yield, and the ready queue is FIFO).
    corio_executor::yield_now().await;
    Err(Elapsed::new())
}
