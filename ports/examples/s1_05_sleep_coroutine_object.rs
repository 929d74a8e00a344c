//! Seed s1-05: calling a coroutine function inside a coroutine without awaiting it gives a
//! coroutine object; nothing sleeps and no "Hello World!" is made.
//!
//! Rust differences: `asyncio.run` -> `corio::run`; the coroutine object is the future the
//! `async fn` returns, printed by its type name (futures have no `Debug`). Python's
//! never-awaited `RuntimeWarning` is Rust's compile-time `#[must_use]` warning, which the
//! port avoids by printing the future and dropping it on purpose.

use std::any::type_name_of_val;
use std::error::Error;
use std::time::Duration;

async fn hello_world_message() -> &'static str {
    corio::sleep(Duration::from_secs(1)).await;
    "Hello World!"
}

async fn main_task() {
    let message = hello_world_message();
    println!("<future {} at {:p}>", type_name_of_val(&message), &message);
    drop(message);
}

fn main() -> Result<(), Box<dyn Error>> {
    corio::run(main_task())?;
    Ok(())
}
