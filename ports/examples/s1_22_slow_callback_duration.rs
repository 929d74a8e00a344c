//! Seed s1-22: in debug mode, a coroutine raises the loop's slow-step threshold to 250 ms;
//! nothing is slow, so nothing is printed.
//!
//! Rust differences: `asyncio.run(main(), debug=True)` -> `EventLoop::builder().debug(true)`
//! `.run(..)`; the attribute `loop.slow_callback_duration = .250` ->
//! `set_slow_callback_duration(Duration)`; `asyncio.get_event_loop()` ->
//! `corio::get_event_loop()?` (inside a coroutine, the running loop).

use std::error::Error;
use std::time::Duration;

use corio::EventLoop;

async fn main_task() -> Result<(), Box<dyn Error>> {
    let lp = corio::get_event_loop()?;
    lp.set_slow_callback_duration(Duration::from_secs_f64(0.250));
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    EventLoop::builder().debug(true).run(main_task())?
}
