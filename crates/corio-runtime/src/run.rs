use std::future::Future;

use crate::current::{running_loop, set_event_loop};
use crate::executor_bridge::THREAD_JOIN_TIMEOUT;
use crate::{EventLoop, LoopError};

/// Runs `future` on a new loop and closes it (asyncio's `asyncio.run`).
///
/// The loop becomes this thread's loop while it runs. When the future is done, every task
/// still running is cancelled and given the chance to finish (their destructors run), the
/// default executor is shut down and its threads finish their jobs (at most 300 s, as
/// asyncio's `THREAD_JOIN_TIMEOUT`; see
/// [`shutdown_default_executor`](EventLoop::shutdown_default_executor)), then the loop is
/// closed.
///
/// # Errors
///
/// [`LoopError::AlreadyRunning`] when called inside a running loop; [`LoopError::Task`] if
/// the future was cancelled or panicked; [`LoopError::Io`] if the loop cannot be made.
///
/// # Examples
///
/// ```
/// let answer = corio_runtime::run(async { 6 * 7 })?;
/// assert_eq!(answer, 42);
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
pub fn run<F>(future: F) -> Result<F::Output, LoopError>
where
    F: Future + 'static,
    F::Output: 'static,
{
    if running_loop().is_some() {
        return Err(LoopError::AlreadyRunning);
    }
    run_on(EventLoop::new()?, future)
}

pub(crate) fn run_on<F>(lp: EventLoop, future: F) -> Result<F::Output, LoopError>
where
    F: Future + 'static,
    F::Output: 'static,
{
    if running_loop().is_some() {
        return Err(LoopError::AlreadyRunning);
    }
    set_event_loop(Some(lp.clone()));
    let out = lp.run_until_complete(future);
    let leftovers = lp.all_tasks();
    for task in &leftovers {
        task.cancel();
    }
    lp.run_while_ready(|| leftovers.iter().all(|t| t.done()));
    if lp.has_default_executor() {
        // As asyncio.run: the default executor's threads finish their jobs while the loop
        // still runs (a job may call back into it), at most THREAD_JOIN_TIMEOUT.
        let shutdown = lp.clone();
        let _ = lp.run_until_complete(async move {
            shutdown
                .shutdown_default_executor(Some(THREAD_JOIN_TIMEOUT))
                .await
        });
    }
    set_event_loop(None);
    lp.close()?;
    out
}
