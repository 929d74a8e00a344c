//! Seed s1-15: the `async_timed` decorator times two concurrent tasks (2 s and 3 s) and
//! the `main` that awaits them (3 s).
//!
//! Rust differences: the decorator -> `util::async_timed(name, args, body)` wrapped around
//! each body by hand; `asyncio.create_task` -> `corio::spawn`.

use corio_ports as util;

use std::error::Error;
use std::time::Duration;

use util::async_timed;

async fn delay(delay_seconds: u64) -> u64 {
    async_timed("delay", (delay_seconds,), async move {
        println!("sleeping for {delay_seconds} second(s)");
        corio::sleep(Duration::from_secs(delay_seconds)).await;
        println!("finished sleeping for {delay_seconds} second(s)");
        delay_seconds
    })
    .await
}

async fn main_task() -> Result<(), Box<dyn Error>> {
    async_timed("main", (), async {
        let task_one = corio::spawn(delay(2));
        let task_two = corio::spawn(delay(3));

        task_one.await?;
        task_two.await?;
        Ok(())
    })
    .await
}

fn main() -> Result<(), Box<dyn Error>> {
    corio::run(main_task())?
}
