//! Seed s1-07: `asyncio.create_task` returns a `Task` at once; the coroutine starts when
//! the creator yields, and awaiting the task gives its result.
//!
//! Rust differences: `asyncio.create_task` -> `corio::spawn` (a panic outside a
//! running loop); `type(task)` -> `std::any::type_name_of_val`; awaiting a task gives
//! `Result<T, TaskError>` (Python raises instead).

use corio_ports as util;

use std::any::type_name_of_val;
use std::error::Error;

use util::delay;

async fn main_task() -> Result<(), Box<dyn Error>> {
    let sleep_for_three = corio::spawn(delay(3));
    println!("<class '{}'>", type_name_of_val(&sleep_for_three));
    let result = sleep_for_three.await?;
    println!("{result}");
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    corio::run(main_task())?
}
