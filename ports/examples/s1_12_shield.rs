//! Seed s1-12: `wait_for(shield(task), 5)` times out after 5 s, but the shield keeps the
//! 10 s task running; awaiting the task afterwards gives its result.
//!
//! Rust differences: `asyncio.shield(task)` -> `corio::shield(task.clone())` over a shared
//! handle (`Task::share`): the shield watches one clone, the other is awaited afterwards;
//! `wait_for` gives
//! `Err(Elapsed)` instead of raising `TimeoutError`.

use corio_ports as util;

use std::error::Error;
use std::time::Duration;

use util::delay;

async fn main_task() -> Result<(), Box<dyn Error>> {
    let task = corio::spawn(delay(10)).share();
    match corio::wait_for(corio::shield(task.clone()), Duration::from_secs(5)).await {
        Ok(result) => println!("{}", result?),
        Err(_elapsed) => {
            println!("任务已超时,但不会停止运行!");
            let result = task.await?;
            println!("{result}");
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    corio::run(main_task())?
}
