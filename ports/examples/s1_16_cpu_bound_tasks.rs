//! Seed s1-16: two CPU-bound coroutines run as tasks still run one after the other: a
//! step that never awaits holds the loop until it ends.
//!
//! Rust differences: the decorator -> `util::async_timed` wrapped around each body by
//! hand. `cpu_bound_work` counts for 0.3 s (what the Python copy's count to 5 000 000
//! takes) rather than to a fixed number, so the work blocks the loop as long on any CPU.

use corio_ports as util;

use std::error::Error;

use util::{async_timed, cpu_bound_work};

async fn main_task() -> Result<(), Box<dyn Error>> {
    async_timed("main", (), async {
        let task_one = corio::spawn(cpu_bound_work());
        let task_two = corio::spawn(cpu_bound_work());
        task_one.await?;
        task_two.await?;
        Ok(())
    })
    .await
}

fn main() -> Result<(), Box<dyn Error>> {
    corio::run(main_task())?
}
