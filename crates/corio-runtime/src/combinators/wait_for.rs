//! `wait_for`: an awaitable with a timeout that cancels it and waits for the cancellation.

use std::future::IntoFuture;
use std::time::Duration;

use corio_executor::TaskError;
use corio_time::Elapsed;

/// Awaits `awaitable` for at most `timeout`; on expiry cancels it, **waits until it has
/// finished cancelling**, and fails with [`Elapsed`] (asyncio's `wait_for`).
///
/// - The awaitable runs as a task of its own (asyncio's `ensure_future`), so a timeout can
///   cancel it and then wait for it. When a [`Task`](crate::Task) handle is given, the
///   inner task is cancelled through the handle and has finished cancelling (its
///   destructors have run, `cancelled()` is true) when `wait_for` returns.
/// - `timeout` is a `Duration` or `None` (no limit: the awaitable is simply awaited).
///   `Duration::ZERO` is asyncio's `timeout <= 0`: the awaitable is cancelled at once
///   without running (a task given as a handle is not cancelled by a zero timeout: see the
///   differences in `docs/asyncio-mapping.md`).
/// - Outside a running loop (under another executor) the awaitable is polled in place and
///   dropped on expiry, as [`corio_time::timeout`] does.
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
/// Dropping the `wait_for` future (its awaiter was cancelled) cancels the awaitable, as
/// cancelling asyncio's `wait_for` does.
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
    let Ok(mut inner) = crate::current::create_task(awaitable.into_future()) else {
        // The running loop refused the task (it is closing): nothing ran, nothing will.
        return Err(Elapsed::new());
    };
    if !timeout.is_zero() {
        // `&mut inner`: on expiry only the timer goes; the handle stays registered as the
        // task's awaiter, and dropping `inner` (this future dropped) cancels the task.
        if let Ok(out) = corio_time::timeout(timeout, &mut inner).await {
            return finish(out);
        }
    }
    inner.cancel();
    match (&mut inner).await {
        // It finished after all (asyncio returns the result then).
        Ok(v) => Ok(v),
        Err(TaskError::Cancelled) => Err(Elapsed::new()),
        Err(other) => finish(Err(other)),
    }
}

fn finish<T>(out: Result<T, TaskError>) -> Result<T, Elapsed> {
    match out {
        Ok(v) => Ok(v),
        // Cancelled by someone else (the loop closing): the awaiter is going too.
        Err(TaskError::Cancelled) => Err(Elapsed::new()),
        Err(TaskError::Panicked(message)) => std::panic::resume_unwind(Box::new(message)),
        // `Pending` / `OutputTaken` cannot come from the only handle of a finished task.
        Err(_) => Err(Elapsed::new()),
    }
}
