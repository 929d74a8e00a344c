//! Seed s0-14: `asyncio.ensure_future` wraps a coroutine in a task, which runs only once
//! the creating coroutine gives the loop control.
//!
//! asyncio -> corio: `asyncio.ensure_future(coro)` -> `corio::spawn(fut)` (a Rust
//! future is always "a coroutine", and a `Task` is already awaitable, so there is nothing
//! else to ensure). The repr is the task's `Debug` form.

use std::error::Error;

use corio::Task;

async fn wrapped() -> &'static str {
    println!("wrapped");
    "result"
}

async fn inner(task: Task<&'static str>) -> Result<(), Box<dyn Error>> {
    println!("inner: starting");
    println!("inner: waiting for {task:?}");
    let result = task.await?;
    println!("inner: task returned {result:?}");
    Ok(())
}

async fn starter() -> Result<(), Box<dyn Error>> {
    println!("starter: creating task");
    let task = corio::spawn(wrapped());
    println!("starter: waiting for inner");
    inner(task).await?;
    println!("starter: inner returned");
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let event_loop = corio::get_event_loop()?;
    println!("entering event loop");
    let outcome = event_loop.run_until_complete(starter());
    event_loop.close()?;
    outcome??;
    Ok(())
}
