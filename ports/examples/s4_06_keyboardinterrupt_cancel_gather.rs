//! Seed s4-06: as s4-05, with the tasks made inside `main()`: Ctrl+C interrupts
//! `run_until_complete(main())`, and the handler cancels all the loop's tasks at once through
//! `asyncio.gather(*all_tasks).cancel()`, which prints `True`.
//!
//! asyncio -> corio: Ctrl+C is a real SIGINT sent from `call_later(0.5, ...)`, turned into
//! `LoopError::Interrupted` (Rust's `KeyboardInterrupt`) by `corio::process::KeyboardInterrupt`
//! (a Rust program dies on SIGINT unless it opts in). `done, pending = await asyncio.wait(tasks)`
//! -> `corio::wait(tasks, None, ALL_COMPLETED)` over shared task handles, awaited inside `main`
//! as in the seed (no extra task).
//! `asyncio.gather(*tasks).cancel()` cancels every child and says whether any accepted; that
//! is written out over the tasks (`cancel` each, `True` if any did), since a gather here is a
//! future to await, not a handle to cancel.

use std::error::Error;
use std::time::Duration;

use corio::process::{KeyboardInterrupt, Signal, kill};
use corio::{ALL_COMPLETED, LoopError};

async fn do_some_work(x: u64) -> String {
    println!("Waiting:  {x}");
    corio::sleep(Duration::from_secs(x)).await;
    format!("Done after {x}s")
}

async fn main_task() -> Result<(), Box<dyn Error>> {
    let tasks = vec![
        corio::spawn(do_some_work(1)).share(),
        corio::spawn(do_some_work(2)).share(),
        corio::spawn(do_some_work(3)).share(),
    ];
    let (done, _pending) = corio::wait(tasks, None, ALL_COMPLETED).await?;
    for task in done {
        println!("Task result:  {}", task.await?);
    }
    Ok(())
}

/// Python's `print(True)`.
fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

fn main() -> Result<(), Box<dyn Error>> {
    let event_loop = corio::get_event_loop()?;
    // changed (as in the seed): Ctrl+C simulated by a real SIGINT after 0.5 s.
    event_loop.call_later(0.5, || kill(std::process::id(), Signal::INT))?;
    let ctrl_c = KeyboardInterrupt::install(&event_loop)?;
    let result = match event_loop.run_until_complete(main_task()) {
        Err(LoopError::Interrupted) => {
            let all = event_loop.all_tasks();
            let shown: Vec<String> = all.iter().map(|t| format!("{t:?}")).collect();
            println!("{{{}}}", shown.join(", "));
            // gather(*all_tasks(loop)).cancel(): every child cancelled, True if any accepted.
            let cancelled = all.iter().fold(false, |any, task| task.cancel() | any);
            println!("{}", py_bool(cancelled));
            event_loop.stop();
            event_loop.run_forever().map_err(Into::into)
        }
        Ok(outcome) => outcome,
        Err(other) => Err(other.into()),
    };
    drop(ctrl_c);
    event_loop.close()?;
    result
}
