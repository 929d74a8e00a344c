//! Seed s0-07: `loop.call_at` takes times on the loop's own monotonic clock
//! (`loop.time()`), which has nothing to do with the wall clock (`time.time()`).
//!
//! asyncio -> corio: `loop.time()` -> `EventLoop::time()` (seconds, `f64`);
//! `call_at(now + 0.2, callback, 1, loop)` -> `call_at(now + 0.2, move || callback(1, &lp))`
//! with a clone of the loop handle; `time.time()` -> `SystemTime::now()` since the epoch.

use std::error::Error;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use corio::EventLoop;

fn callback(n: i32, lp: &EventLoop) {
    println!("callback {n} invoked at {}", lp.time());
}

async fn main_task(lp: EventLoop) -> Result<(), Box<dyn Error>> {
    let now = lp.time();
    let clock_time = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs_f64();
    println!("clock time: {clock_time}");
    println!("loop  time: {now}");

    println!("registering callbacks");
    let at = |n: i32| {
        let lp = lp.clone();
        move || callback(n, &lp)
    };
    lp.call_at(now + 0.2, at(1))?;
    lp.call_at(now + 0.1, at(2))?;
    lp.call_soon(at(3))?;

    corio::sleep(Duration::from_secs(1)).await;
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
