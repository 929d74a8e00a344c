//! Seed s1-09: while two tasks sleep 3 s, the main coroutine goes on printing every second.
//!
//! Rust differences: `asyncio.create_task` -> `corio::spawn`, `asyncio.sleep` ->
//! `corio::sleep(Duration)`.

use corio_ports as util;

use std::error::Error;
use std::time::Duration;

use util::delay;

async fn hello_every_second() {
    for _ in 0..2 {
        corio::sleep(Duration::from_secs(1)).await;
        println!("I'm running other code while I'm waiting!");
    }
}

async fn main_task() -> Result<(), Box<dyn Error>> {
    let first_delay = corio::spawn(delay(3));
    let second_delay = corio::spawn(delay(3));
    hello_every_second().await;
    first_delay.await?;
    second_delay.await?;
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    corio::run(main_task())?
}
