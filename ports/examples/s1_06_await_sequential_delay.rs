//! Seed s1-06: awaiting a one-second `delay` holds up the caller; `add_one` runs only after.
//!
//! Rust differences: `asyncio.run` -> `corio::run`; util.py's `delay` -> `util::delay`.

use corio_ports as util;

use std::error::Error;

use util::delay;

async fn add_one(number: i64) -> i64 {
    number + 1
}

async fn hello_world() -> &'static str {
    delay(1).await;
    "Hello World!"
}

async fn main_task() {
    let message = hello_world().await;
    let one_plus_one = add_one(1).await;
    println!("{one_plus_one}");
    println!("{message}");
}

fn main() -> Result<(), Box<dyn Error>> {
    corio::run(main_task())?;
    Ok(())
}
