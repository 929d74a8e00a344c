//! Seed s1-08: three tasks that each sleep 3 s run at the same time: about 3 s in all.
//!
//! Rust differences: `asyncio.create_task` -> `corio::spawn`; awaiting a task gives
//! `Result<T, TaskError>`.

use corio_ports as util;

use std::error::Error;

use util::delay;

async fn main_task() -> Result<(), Box<dyn Error>> {
    let sleep_for_three = corio::spawn(delay(3));
    let sleep_again = corio::spawn(delay(3));
    let sleep_once_more = corio::spawn(delay(3));

    sleep_for_three.await?;
    sleep_again.await?;
    sleep_once_more.await?;
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    corio::run(main_task())?
}
