//! Seed s0-16: `asyncio.wait(timeout=0.1)` returns with one task done and two pending,
//! without cancelling them; `main` cancels the pending ones itself, and they report it.
//!
//! Rust differences: `asyncio.wait(phases, timeout=0.1)` ->
//! `corio::wait(phases, Duration::from_secs_f64(0.1), ALL_COMPLETED)` over shared task
//! handles (`Task::share`); the `except CancelledError:` print
//! is a drop guard that speaks only if the phase is dropped before it finished (a
//! cancelled task's future is dropped at its next await).

use std::error::Error;
use std::time::Duration;

use corio::{ALL_COMPLETED, EventLoop};

/// Prints the cancellation line when a phase is dropped unfinished.
struct OnCancel {
    i: u32,
    finished: bool,
}

impl Drop for OnCancel {
    fn drop(&mut self) {
        if !self.finished {
            println!("phase {} canceled", self.i);
        }
    }
}

async fn phase(i: u32) -> String {
    println!("in phase {i}");
    let mut guard = OnCancel { i, finished: false };
    corio::sleep(Duration::from_secs_f64(0.1 * f64::from(i))).await;
    guard.finished = true;
    println!("done with phase {i}");
    format!("phase {i} result")
}

async fn main_task(lp: EventLoop, num_phases: u32) -> Result<(), Box<dyn Error>> {
    println!("starting main");
    let phases = (0..num_phases)
        .map(|i| lp.create_task(phase(i)).map(|t| t.share()))
        .collect::<Result<Vec<_>, _>>()?;
    println!("waiting 0.1 for phases to complete");
    let timeout = Duration::from_secs_f64(0.1);
    let (completed, pending) = corio::wait(phases, timeout, ALL_COMPLETED).await?;
    println!(
        "{} completed and {} pending",
        completed.len(),
        pending.len()
    );
    // Cancel remaining tasks so they do not generate errors as we exit without
    // finishing them.
    if !pending.is_empty() {
        println!("canceling tasks");
        for t in &pending {
            t.cancel();
        }
    }
    println!("exiting main");
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let event_loop = corio::get_event_loop()?;
    let outcome = event_loop.run_until_complete(main_task(event_loop.clone(), 3));
    event_loop.close()?;
    outcome??;
    Ok(())
}
