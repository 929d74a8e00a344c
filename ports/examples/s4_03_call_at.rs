//! Seed s4-03: `loop.call_at` on the loop's clock; each callback prints the loop time it
//! ran at.
//!
//! asyncio -> corio: `loop.time()` -> `EventLoop::time()`; `call_at(now + 0.2, ..)` takes
//! seconds on that scale. The callbacks read the seed's global `loop` through a clone of
//! the loop handle.

use std::error::Error;
use std::time::Duration;

use corio::EventLoop;

fn call_back(lp: &EventLoop, index: &str) {
    println!(
        "[Call_back--{index}]: The running time point is {}",
        lp.time()
    );
}

async fn main_task() -> Result<(), Box<dyn Error>> {
    let lp = corio::get_event_loop()?;
    let now = lp.time();
    println!("当前的内部时间:{now}");
    println!("注册callback");
    let at = |index: &'static str| {
        let lp = lp.clone();
        move || call_back(&lp, index)
    };
    lp.call_at(now + 0.2, at("c_b-1"))?;
    lp.call_at(now + 0.1, at("c_b-2"))?;
    lp.call_soon(at("call_soon方法"))?;
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
