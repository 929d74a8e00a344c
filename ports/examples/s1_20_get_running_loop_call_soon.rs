//! Seed s1-20: `get_running_loop().call_soon(f)` queues `f` for the loop's next iteration:
//! it runs once the current coroutine yields, here at its first sleep.
//!
//! Rust differences: `asyncio.get_running_loop()` -> `corio::get_running_loop()?` (an
//! error outside a loop, as Python's `RuntimeError`); `call_soon` returns `Result<Handle>`
//! (an error on a closed loop).

use corio_ports as util;

use std::error::Error;

use util::delay;

fn call_later() {
    println!("I'm being called in the future!");
}

async fn main_task() -> Result<(), Box<dyn Error>> {
    let lp = corio::get_running_loop()?;
    lp.call_soon(call_later)?;
    delay(1).await;
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    corio::run(main_task())?
}
