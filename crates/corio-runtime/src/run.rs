use std::future::Future;

use crate::current::{running_loop, set_event_loop};
use crate::executor_bridge::THREAD_JOIN_TIMEOUT;
use crate::sigint::{Interrupted, Interruptible, MainInterrupt};
use crate::{EventLoop, LoopError};

/// Runs `future` on a new loop and closes it (asyncio's `asyncio.run`).
///
/// The loop becomes this thread's loop while it runs. When the future is done, every task
/// still running is cancelled and given the chance to finish (their destructors run, and the
/// done-callbacks their ends queue run, as asyncio's `gather` over them lets them), the
/// default executor is shut down and its threads finish their jobs (at most 300 s, as
/// asyncio's `THREAD_JOIN_TIMEOUT`; see
/// [`shutdown_default_executor`](EventLoop::shutdown_default_executor)), then the loop is
/// closed.
///
/// **Ctrl+C**, as `asyncio.run` handles it: on the main thread, while SIGINT has its default
/// disposition, the first SIGINT cancels the main future (it is dropped on the loop's thread,
/// so its destructors — the cleanup — run), the remaining tasks are cancelled as above, and
/// `run` returns [`LoopError::Interrupted`], Rust's `KeyboardInterrupt`. A second SIGINT, or
/// one after the main future is done, ends the process at once (killed by SIGINT). SIGINT's
/// previous disposition is put back before `run` returns. A program that wants to end as
/// Python does on `KeyboardInterrupt` calls [`reraise_sigint`](crate::reraise_sigint) (exit
/// status 130 in a shell).
///
/// # Errors
///
/// [`LoopError::AlreadyRunning`] when called inside a running loop; [`LoopError::Task`] if
/// the future was cancelled or panicked; [`LoopError::Interrupted`] if Ctrl+C cancelled it;
/// [`LoopError::Io`] if the loop cannot be made.
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
    // Ctrl+C as asyncio.Runner handles it (sigint.rs); restored when `interrupt` drops.
    let interrupt = MainInterrupt::install(&lp);
    let out = lp.run_until_complete(Interruptible::new(future, interrupt.clone()));
    if let Some(interrupt) = &interrupt {
        interrupt.set_fatal();
    }
    let out = out.and_then(|main| main.map_err(|Interrupted| LoopError::Interrupted));
    let leftovers = lp.all_tasks();
    for task in &leftovers {
        task.cancel();
    }
    lp.run_while_ready(|| leftovers.iter().all(|t| t.done()));
    // asyncio.run waits for the cancelled tasks through `gather`, which completes one
    // iteration after the last of them, and stops the loop one iteration after that: the
    // done-callbacks their ends queued (a shared task's, a cancelled future's) run in those
    // two iterations, and so do the callbacks those schedule at once.
    let iterations = std::cell::Cell::new(0);
    lp.run_while_ready(|| iterations.replace(iterations.get() + 1) == 2);
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
