//! Seed s1-21: in debug mode the loop reports a task step that held it longer than
//! `slow_callback_duration` (100 ms): "Executing <Task ...> took N seconds".
//!
//! Rust differences: `asyncio.run(main(), debug=True)` -> `EventLoop::builder().debug(true)`
//! `.run(..)`; the report goes through the loop's exception handler, whose default prints
//! it on stderr when no `log` logger is installed (Python's logging does the same), with
//! the task's `Debug` form in place of its repr. The count is 300 000 000 instead of
//! 5 000 000 so that the work blocks the loop about as long as the Python copy's (~0.3 s,
//! well over the 100 ms threshold); `black_box` keeps the compiler from folding the loop
//! into a constant.

#[path = "util/mod.rs"]
mod util;

use std::error::Error;

use corio::EventLoop;
use util::cpu_bound_work;

async fn main_task() -> Result<(), Box<dyn Error>> {
    let task_one = corio::spawn(cpu_bound_work());
    task_one.await?;
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    EventLoop::builder().debug(true).run(main_task())?
}
