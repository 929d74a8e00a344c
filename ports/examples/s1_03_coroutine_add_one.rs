//! Seed s1-03: `asyncio.run` gives the coroutine's result, while calling an `async fn`
//! without running it only makes a coroutine object.
//!
//! Rust differences: `asyncio.run` -> `corio::run`; the coroutine object is the future the
//! `async fn` returns, printed by its type name (futures have no `Debug`). Python warns at
//! run time that it was never awaited; Rust warns at compile time (`#[must_use]`) unless
//! the future is used, as here, where it is only printed and dropped.

use std::any::type_name_of_val;
use std::error::Error;

async fn coroutine_add_one(number: i64) -> i64 {
    number + 1
}

fn main() -> Result<(), Box<dyn Error>> {
    let result = corio::run(coroutine_add_one(1))?;
    let coroutine = coroutine_add_one(1);
    println!(
        "<future {} at {:p}>",
        type_name_of_val(&coroutine),
        &coroutine
    );
    drop(coroutine);
    println!("{result}");
    Ok(())
}
