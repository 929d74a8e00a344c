//! Seed s1-11: `asyncio.wait_for` with a 1 s timeout on a 2 s task: the timeout cancels
//! the task, and once `wait_for` has raised, the task is cancelled.
//!
//! Rust differences: `asyncio.wait_for(task, timeout=1)` ->
//! `corio::wait_for(task.clone(), Duration::from_secs(1))` (a shared handle, kept to ask
//! `cancelled()` afterwards), which gives
//! `Err(Elapsed)` instead of raising `TimeoutError`; as in asyncio it has waited for the
//! task to finish cancelling, so `cancelled()` is already true.

use corio_ports as util;

use std::error::Error;
use std::time::Duration;

use util::delay;

async fn main_task() -> Result<(), Box<dyn Error>> {
    let delay_task = corio::spawn(delay(2)).share();
    match corio::wait_for(delay_task.clone(), Duration::from_secs(1)).await {
        Ok(result) => println!("{}", result?),
        Err(corio::Elapsed { .. }) => {
            println!("Got a timeout!");
            println!(
                "Was the task cancelled? {}",
                py_bool(delay_task.cancelled())
            );
        }
    }
    Ok(())
}

/// Python prints booleans capitalised.
fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

fn main() -> Result<(), Box<dyn Error>> {
    corio::run(main_task())?
}
