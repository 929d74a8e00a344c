//! Seed s1-14: a `Future` handed out at once and set a second later by a background task;
//! awaiting it suspends until then.
//!
//! Rust differences: `asyncio.Future()` -> `corio::SettableFuture::new()` (bound to the
//! running loop), shared with the task through a clone of the handle; awaiting it gives
//! `Result<T, FutureError>`. The task handle is dropped: the task runs on detached, as
//! Python's unreferenced task does.

use std::error::Error;
use std::time::Duration;

use corio::{LoopError, SettableFuture};

fn make_request() -> Result<SettableFuture<i32>, LoopError> {
    let future = SettableFuture::new();
    corio::spawn(set_future_value(future.clone()));
    Ok(future)
}

async fn set_future_value(future: SettableFuture<i32>) {
    corio::sleep(Duration::from_secs(1)).await;
    // Only this task sets the future, once: it cannot be done already.
    future.set_result(42).expect("nothing else sets the future");
}

async fn main_task() -> Result<(), Box<dyn Error>> {
    let future = make_request()?;
    println!("Is the future done? {}", py_bool(future.done()));
    let value = future.clone().await?;
    println!("Is the future done? {}", py_bool(future.done()));
    println!("{value}");
    Ok(())
}

/// Python prints booleans capitalised.
fn py_bool(value: bool) -> &'static str {
    if value { "True" } else { "False" }
}

fn main() -> Result<(), Box<dyn Error>> {
    corio::run(main_task())?
}
