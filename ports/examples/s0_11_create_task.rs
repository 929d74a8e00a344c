//! Seed s0-11: `loop.create_task` schedules a coroutine; awaiting the task gives its
//! result; the task's repr shows it pending, then finished.
//!
//! asyncio -> corio: `loop.create_task(coro)` -> `EventLoop::create_task(fut)?` giving a
//! `Task<T>`; the repr is the task's `Debug` form (`Task { name: "Task-2", state: .. }`).
//! Awaiting `&mut task` keeps the handle for printing afterwards; the await gives
//! `Result<T, TaskError>`.

use std::error::Error;

use corio::EventLoop;

async fn task_func() -> &'static str {
    println!("in task_func");
    "the result"
}

async fn main_task(lp: EventLoop) -> Result<(), Box<dyn Error>> {
    println!("creating task");
    let mut task = lp.create_task(task_func())?;
    println!("waiting for {task:?}");
    let return_value = (&mut task).await?;
    println!("task completed {task:?}");
    println!("return value: {return_value:?}");
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let event_loop = corio::get_event_loop()?;
    let outcome = event_loop.run_until_complete(main_task(event_loop.clone()));
    event_loop.close()?;
    outcome??;
    Ok(())
}
