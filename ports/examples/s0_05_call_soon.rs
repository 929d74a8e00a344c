//! Seed s0-05: `loop.call_soon` with a positional argument and with a
//! `functools.partial` that fixes a keyword argument; callbacks run in FIFO order.
//!
//! asyncio -> corio: `call_soon(callback, 1)` -> `call_soon(move || callback(1, ..))`; the
//! keyword default becomes an explicit argument and `functools.partial` a closure that
//! fixes it.

use std::error::Error;
use std::time::Duration;

use corio::{EventLoop, LoopError};

/// Python: `def callback(arg, *, kwarg='default')`.
fn callback(arg: i32, kwarg: &str) {
    println!("callback invoked with {arg} and {kwarg}");
}

async fn main_task(lp: EventLoop) -> Result<(), LoopError> {
    println!("registering callbacks");
    lp.call_soon(|| callback(1, "default"))?;
    let wrapped = |arg| callback(arg, "not default");
    lp.call_soon(move || wrapped(2))?;

    corio::sleep(Duration::from_secs_f64(0.1)).await;
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
