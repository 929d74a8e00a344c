//! Seed s1-04: `await` runs coroutines one after the other, each to its end.
//!
//! Rust differences: `asyncio.run` -> `corio::run`; otherwise the same.

use std::error::Error;

async fn add_one(number: i64) -> i64 {
    number + 1
}

async fn main_task() {
    let one_plus_one = add_one(1).await;
    let two_plus_one = add_one(2).await;
    println!("{one_plus_one}");
    println!("{two_plus_one}");
}

fn main() -> Result<(), Box<dyn Error>> {
    corio::run(main_task())?;
    Ok(())
}
