//! Seed s0-13: a task is cancelled (from a `call_soon` callback) while it sleeps; the task
//! sees the cancellation, and so does the coroutine awaiting it.
//!
//! asyncio -> corio: cancellation drops the task's future at its await point instead of
//! raising inside it, so the task's `except CancelledError: print(..); raise` becomes a drop
//! guard around the sleep that prints when the future is dropped mid-sleep (and is disarmed
//! once the sleep completes). The awaiter's `except CancelledError` is
//! `Err(TaskError::Cancelled)`. The callback and the awaiter each hold the task, so it is
//! shared (`Task::share`).

use std::error::Error;
use std::time::Duration;

use corio::{EventLoop, SharedTask, TaskError};

/// Prints the cancellation notice if dropped while still armed.
struct OnCancel {
    armed: bool,
}

impl Drop for OnCancel {
    fn drop(&mut self) {
        if self.armed {
            println!("task_func was canceled");
        }
    }
}

async fn task_func() -> &'static str {
    println!("in task_func, sleeping");
    let mut guard = OnCancel { armed: true };
    corio::sleep(Duration::from_secs(1)).await;
    guard.armed = false;
    "the result"
}

fn task_canceller(t: &SharedTask<&'static str>) {
    println!("in task_canceller");
    t.cancel();
    println!("canceled the task");
}

async fn main_task(lp: EventLoop) -> Result<(), Box<dyn Error>> {
    println!("creating task");
    let task = lp.create_task(task_func())?.share();
    let target = task.clone();
    lp.call_soon(move || task_canceller(&target))?;
    match task.await {
        Err(TaskError::Cancelled) => println!("main() also sees task as canceled"),
        Err(other) => return Err(other.into()),
        Ok(_) => {}
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
