//! Seed s1-19: a loop made by hand (`asyncio.new_event_loop`), run until a coroutine is
//! done, and closed whatever happened (`finally`). It prints nothing.
//!
//! Rust differences: `new_event_loop()` -> `corio::EventLoop::new()?`; the `try/finally`
//! becomes: keep the run's result, close, then report the result.

use std::error::Error;
use std::time::Duration;

use corio::EventLoop;

async fn main_task() {
    corio::sleep(Duration::from_secs(1)).await;
}

fn main() -> Result<(), Box<dyn Error>> {
    let lp = EventLoop::new()?;
    let outcome = lp.run_until_complete(main_task());
    lp.close()?;
    outcome?;
    Ok(())
}
