//! Seed s0-15: `asyncio.wait` on three tasks (ALL_COMPLETED) gives back the done set; the
//! results are read from the finished tasks.
//!
//! Rust differences: `asyncio.wait(phases)` -> `corio::wait(phases, None, ALL_COMPLETED)`,
//! which gives `(done, pending)` as `Vec`s of the very handles given, each in the order
//! given (asyncio gives sets), so the tasks are shared handles (`Task::share`);
//! `t.result()` -> `SharedTask::result` (`Some` once done).

use std::error::Error;
use std::time::Duration;

use corio::{ALL_COMPLETED, EventLoop};

async fn phase(i: u32) -> String {
    println!("in phase {i}");
    corio::sleep(Duration::from_secs_f64(0.1 * f64::from(i))).await;
    println!("done with phase {i}");
    format!("phase {i} result")
}

async fn main_task(lp: EventLoop, num_phases: u32) -> Result<(), Box<dyn Error>> {
    println!("starting main");
    let phases = (0..num_phases)
        .map(|i| lp.create_task(phase(i)).map(|t| t.share()))
        .collect::<Result<Vec<_>, _>>()?;
    println!("waiting for phases to complete");
    let (completed, _pending) = corio::wait(phases, None, ALL_COMPLETED).await?;
    let results = completed
        .iter()
        .filter_map(|t| t.result())
        .collect::<Result<Vec<_>, _>>()?;
    println!("results: {results:?}");
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let event_loop = corio::get_event_loop()?;
    let outcome = event_loop.run_until_complete(main_task(event_loop.clone(), 3));
    event_loop.close()?;
    outcome??;
    Ok(())
}
