//! Seed s4-02: three `call_later` callbacks run by delay; the `call_soon` one runs before
//! all of them, whatever its place in the code.
//!
//! asyncio -> corio: `call_later(0.1, call_back, 1, 1, 2)` ->
//! `call_later(0.1, || call_back(1, 1, 2))`; the index is an int or a string in the seed,
//! so it is any `Display` value here.

use std::error::Error;
use std::fmt::Display;
use std::time::Duration;

fn call_back(index: impl Display, x: i32, y: i32) {
    println!("[Call_back--{index}]:{x} + {y} = {}", x + y);
}

async fn main_task() -> Result<(), Box<dyn Error>> {
    let lp = corio::get_event_loop()?;
    println!("注册callback函数");
    lp.call_later(0.1, || call_back(1, 1, 2))?;
    lp.call_later(0.3, || call_back(2, 3, 4))?;
    lp.call_later(0.2, || call_back(3, 5, 7))?;
    // call_soon runs before the call_later callbacks, wherever it is written.
    lp.call_soon(|| call_back("call_soon 方法", 9, 9))?;
    corio::sleep(Duration::from_secs_f64(0.5)).await;
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let lp = corio::get_event_loop()?;
    let outcome = lp.run_until_complete(main_task());
    lp.close()?;
    outcome??;
    Ok(())
}
