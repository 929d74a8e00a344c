//! Seed s1-10: poll `task.done()` once a second and cancel the task after five seconds;
//! awaiting the cancelled task raises `CancelledError`.
//!
//! Rust differences: `task.cancel()` -> `Task::cancel`; awaiting the cancelled task gives
//! `Err(TaskError::Cancelled)` instead of raising `CancelledError`.

use corio_ports as util;

use std::error::Error;
use std::time::Duration;

use corio::TaskError;
use util::delay;

async fn main_task() -> Result<(), Box<dyn Error>> {
    let long_task = corio::spawn(delay(10));

    let mut seconds_elapsed = 0;

    while !long_task.done() {
        println!("Task not finished, checking again in a second.");
        corio::sleep(Duration::from_secs(1)).await;
        seconds_elapsed += 1;
        if seconds_elapsed == 5 {
            long_task.cancel();
        }
    }

    match long_task.await {
        Ok(_) => {}
        Err(TaskError::Cancelled) => println!("Our task was cancelled"),
        Err(other) => return Err(other.into()),
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    corio::run(main_task())?
}
