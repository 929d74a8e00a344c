//! Seed s0-06: `loop.call_later` runs callbacks by deadline, and a `call_soon` callback
//! runs before both whatever the order of registration.
//!
//! asyncio -> corio: `call_later(0.2, callback, 1)` -> `call_later(0.2, move || callback(1))`
//! (the delay is seconds as `f64`, or a `Duration`).

use std::error::Error;
use std::time::Duration;

use corio::{EventLoop, LoopError};

fn callback(n: i32) {
    println!("callback {n} invoked");
}

async fn main_task(lp: EventLoop) -> Result<(), LoopError> {
    println!("registering callbacks");
    lp.call_later(0.2, || callback(1))?;
    lp.call_later(0.1, || callback(2))?;
    lp.call_soon(|| callback(3))?;

    corio::sleep(Duration::from_secs_f64(0.4)).await;
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let event_loop = corio::get_event_loop()?;
    println!("entering event loop");
    let outcome = event_loop.run_until_complete(main_task(event_loop.clone()));
    println!("closing event loop");
    event_loop.close()?;
    outcome??;
    Ok(())
}
