//! Seed s1-13: an asyncio `Future` made, set and read without any running loop.
//!
//! Rust differences: `asyncio.Future()` -> `corio::SettableFuture::new()`; `result()` is a
//! `Result` (`Err(FutureError::NotDone)` while pending, Python's `InvalidStateError`), and
//! `set_result` on a done future is `Err(FutureError::AlreadyDone)`.

use std::error::Error;

use corio::SettableFuture;

fn main() -> Result<(), Box<dyn Error>> {
    let my_future = SettableFuture::new();

    println!("Is my_future done? {}", py_bool(my_future.done()));

    my_future.set_result(42)?;

    println!("Is my_future done? {}", py_bool(my_future.done()));
    println!("What is the result of my_future? {}", my_future.result()?);
    Ok(())
}

/// Python prints booleans capitalised.
fn py_bool(value: bool) -> &'static str {
    if value { "True" } else { "False" }
}
