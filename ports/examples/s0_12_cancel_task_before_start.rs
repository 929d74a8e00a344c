//! Seed s0-12: a task cancelled before its first step never runs its body; awaiting it
//! raises `CancelledError`.
//!
//! asyncio -> corio: `task.cancel()` -> `Task::cancel()`; `except asyncio.CancelledError`
//! -> matching `Err(TaskError::Cancelled)` from the await. The repr is the task's `Debug`
//! form, whose state reads "cancelling" as asyncio's does.

use std::error::Error;

use corio::{EventLoop, TaskError};

async fn task_func() -> &'static str {
    println!("in task_func");
    "the result"
}

async fn main_task(lp: EventLoop) -> Result<(), Box<dyn Error>> {
    println!("creating task");
    let task = lp.create_task(task_func())?;

    println!("canceling task");
    task.cancel();

    println!("canceled task {task:?}");
    match task.await {
        Err(TaskError::Cancelled) => println!("caught error from canceled task"),
        Err(other) => return Err(other.into()),
        Ok(result) => println!("task result: {result:?}"),
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let event_loop = corio::get_event_loop()?;
    let outcome = event_loop.run_until_complete(main_task(event_loop.clone()));
    event_loop.close()?;
    outcome??;
    Ok(())
}
