//! `wait_for`: an awaitable with a timeout that cancels it and waits for the cancellation.

use std::future::IntoFuture;
use std::time::Duration;

use corio_executor::TaskError;
use corio_time::Elapsed;

/// Awaits `awaitable` for at most `timeout`; on expiry cancels it, **waits until it has
/// finished cancelling**, and fails with [`Elapsed`] (asyncio's `wait_for`).
///
/// - The awaitable runs as a task of its own (asyncio's `ensure_future`), so that a
///   timeout can cancel it and then wait for it. When it is a task handle, cancelling
///   that wrapper task cancels the task the handle stands for (corio's rule: cancelling a
///   task cancels what it awaits), and that task has finished cancelling — its destructors
///   have run, `cancelled()` is true — when `wait_for` returns.
/// - `timeout` is a `Duration`, or `None` for no limit (the awaitable is simply awaited).
///   `Duration::ZERO` is asyncio's `timeout <= 0`: the awaitable is cancelled before its
///   first step.
/// - The awaitable must be `'static`. To time out a future that borrows (a queue's
///   `get()`), use [`timeout`](crate::timeout), which polls it in place and drops it on
///   expiry. Outside a running loop, `wait_for` does the same.
///
/// # Errors
///
/// [`Elapsed`] when the timeout passed first.
///
/// # Panics
///
/// If the awaitable panics, the panic is resumed in the caller, as an exception raised by
/// the awaited coroutine propagates through asyncio's `wait_for`.
///
/// # Cancel safety
///
/// When the task awaiting `wait_for` is cancelled, the awaitable is cancelled too, as
/// cancelling asyncio's `wait_for` does.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use corio_runtime::{run, sleep, spawn, wait_for};
///
/// run(async {
///     let quick = wait_for(async { 1 }, Duration::from_secs(1)).await;
///     assert_eq!(quick, Ok(1));
///
///     let slow = spawn(sleep(Duration::from_secs(60))).share();
///     let res = wait_for(slow.clone(), Duration::from_millis(10)).await;
///     assert!(res.is_err());
///     assert!(slow.cancelled()); // finished cancelling before wait_for returned
/// })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
pub async fn wait_for<F>(
    awaitable: F,
    timeout: impl Into<Option<Duration>>,
) -> Result<F::Output, Elapsed>
where
    F: IntoFuture + 'static,
    F::Output: 'static,
{
    let Some(timeout) = timeout.into() else {
        return Ok(awaitable.await);
    };
    if crate::current::running_loop().is_none() {
        // No loop here (another executor): polled in place, dropped on expiry.
        return corio_time::timeout(timeout, awaitable.into_future()).await;
    }
    let Ok(mut inner) = crate::current::try_spawn(awaitable.into_future()) else {
        // The running loop refused the task (it is closing): nothing ran, nothing will.
        return Err(Elapsed::new());
    };
    if !timeout.is_zero() {
        // `&mut inner`: on expiry only the timer goes, and the handle is awaited again below.
        if let Ok(out) = corio_time::timeout(timeout, &mut inner).await {
            return finish(out);
        }
    }
    inner.cancel();
    match (&mut inner).await {
        // It finished after all (asyncio returns the result then).
        Ok(v) => Ok(v),
        Err(e) => finish(Err(e)),
    }
}

fn finish<T>(out: Result<T, TaskError>) -> Result<T, Elapsed> {
    match out {
        Ok(v) => Ok(v),
        Err(TaskError::Panicked(panic)) => panic.resume(),
        // Cancelled (by the timeout, or by the loop closing under us); the other errors
        // cannot come from the only handle of a task this function spawned.
        Err(_) => Err(Elapsed::new()),
    }
}
