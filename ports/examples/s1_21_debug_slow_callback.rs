//! Seed s1-21: in debug mode the loop reports a task step that held it longer than
//! `slow_callback_duration` (100 ms): "Executing <Task ...> took N seconds".
//!
//! Rust differences: `asyncio.run(main(), debug=True)` -> `EventLoop::builder().debug(true)`
//! `.run(..)`; the report goes through the loop's exception handler, whose default prints
//! it on stderr when no `log` logger is installed (Python's logging does the same), with
//! the task's `Debug` form in place of its repr. `cpu_bound_work` counts until 0.3 s have
//! passed (what the Python copy's count to 5 000 000 takes), three times the 100 ms
//! threshold, rather than to a fixed number: a fixed count ran under the threshold on a
//! fast enough CPU.

use corio_ports as util;

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
