//! Task handles: a unique `Task` gives its output once, a `SharedTask` to every awaiter;
//! a panic inside a task comes back as `TaskError::Panicked` with its message.

use std::error::Error;
use std::time::Duration;

use corio::{TaskError, sleep, spawn};

use super::section;

pub(crate) fn run() -> Result<(), Box<dyn Error>> {
    section("task handles: Task, SharedTask, panics");
    corio::run(async {
        // A `Task` is awaited once: the output moves out (no Clone needed).
        let unique = spawn(async { String::from("owned output") });
        println!("  Task awaited once -> {:?}", unique.await);

        // `share()` turns it into a clonable handle: every awaiter gets a clone.
        let shared = spawn(async {
            sleep(Duration::from_millis(5)).await;
            42
        })
        .share();
        let (first, second) = (shared.clone().await, shared.await);
        println!("  SharedTask awaited twice -> {first:?}, {second:?}");

        // A panic stays inside its task (asyncio: the exception is stored in the task);
        // the default hook would print it to stderr, so the tour silences it here.
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let failing = spawn(async {
            sleep(Duration::from_millis(1)).await;
            panic!("division by zero in step {}", 2);
        });
        let outcome = failing.await;
        std::panic::set_hook(hook);
        match outcome {
            Err(TaskError::Panicked(panic)) => {
                println!(
                    "  a panicking task -> TaskError::Panicked({:?})",
                    panic.message()
                );
            }
            other => println!("  unexpected: {other:?}"),
        }
        println!("  (asyncio: `await task` re-raises ZeroDivisionError; the loop runs on)");
    })?;
    Ok(())
}
