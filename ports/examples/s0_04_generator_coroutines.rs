//! Seed s0-04: the chain of s0-03 in the old generator style (`@asyncio.coroutine` +
//! `yield from`; the seed itself had to switch to `async def`/`await` for Python 3.11).
//!
//! asyncio -> corio: Rust has no generator coroutines; the closest counterpart of the old
//! style is writing the steps as plain functions that return `impl Future` (built from
//! `async move` blocks) instead of `async fn`, and chaining them with `.await`.
#![allow(
    clippy::manual_async_fn,
    reason = "the seed shows the pre-async-def style on purpose"
)]

use std::error::Error;
use std::future::Future;

fn outer() -> impl Future<Output = (String, String)> {
    async {
        println!("in outer");
        println!("waiting for result1");
        let result1 = phase1().await;
        println!("waiting for result2");
        let result2 = phase2(result1.clone()).await;
        (result1, result2)
    }
}

fn phase1() -> impl Future<Output = String> {
    async {
        println!("in phase1");
        "result1".to_owned()
    }
}

fn phase2(arg: String) -> impl Future<Output = String> {
    async move {
        println!("in phase2");
        format!("result2 derived from {arg}")
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let event_loop = corio::get_event_loop()?;
    let outcome = event_loop.run_until_complete(outer());
    if let Ok(return_value) = &outcome {
        println!("return value: {return_value:?}");
    }
    event_loop.close()?;
    outcome?;
    Ok(())
}
