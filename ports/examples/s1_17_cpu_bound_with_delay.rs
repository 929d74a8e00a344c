//! Seed s1-17: two CPU-bound tasks hold the loop, so a third task that only wants to sleep
//! does not even start until both are finished.
//!
//! Rust differences: the decorator -> `util::async_timed` wrapped around each body by
//! hand; util.py's `delay` -> `util::delay`. `cpu_bound_work` counts for 0.3 s (what the
//! Python copy's count to 5 000 000 takes) rather than to a fixed number, so the work
//! blocks the loop as long on any CPU.

use corio_ports as util;

use std::error::Error;

use util::{async_timed, cpu_bound_work, delay};

async fn main_task() -> Result<(), Box<dyn Error>> {
    async_timed("main", (), async {
        let task_one = corio::spawn(cpu_bound_work());
        let task_two = corio::spawn(cpu_bound_work());
        let delay_task = corio::spawn(delay(4));
        task_one.await?;
        task_two.await?;
        delay_task.await?;
        Ok(())
    })
    .await
}

fn main() -> Result<(), Box<dyn Error>> {
    corio::run(main_task())?
}
