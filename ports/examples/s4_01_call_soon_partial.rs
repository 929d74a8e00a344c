//! Seed s4-01: `loop.call_soon` with a positional argument, and with `functools.partial`
//! to pass a keyword argument.
//!
//! asyncio -> corio: the seed's module-level `loop` global is fetched with
//! `corio::get_event_loop()` (inside the coroutine it is the running loop, the same one);
//! the keyword default becomes an explicit argument and the partial a closure.

use std::error::Error;
use std::time::Duration;

/// Python: `def call_back(args, kwargs="default")`.
fn call_back(args: i32, kwargs: &str) {
    println!("普通函数作为回调函数,获取参数:{args}, {kwargs}");
}

async fn main_task() -> Result<(), Box<dyn Error>> {
    let lp = corio::get_event_loop()?;
    println!("注册callback函数");
    lp.call_soon(|| call_back(1, "default"))?;
    let wrapped = |args| call_back(args, "xxoo"); // the partial: fixes the keyword argument
    lp.call_soon(move || wrapped(2))?;
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
