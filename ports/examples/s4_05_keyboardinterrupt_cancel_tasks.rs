//! Seed s4-05: Ctrl+C while `run_until_complete(asyncio.wait(tasks))` runs. The
//! `KeyboardInterrupt` comes out of `run_until_complete` with the tasks still pending; the
//! handler prints them, cancels every one, and runs the loop once more (`stop()` +
//! `run_forever()`) so that the cancellations are delivered before `close()`.
//!
//! asyncio -> corio: the seed simulates Ctrl+C with a real SIGINT sent to itself from
//! `loop.call_later(0.5, os.kill, os.getpid(), signal.SIGINT)`, and so does the port
//! (`corio::process::kill`). Python turns SIGINT into `KeyboardInterrupt` by default; a Rust
//! program dies on it by default, so the port opts in with `corio::process::KeyboardInterrupt`,
//! under which the run returns `LoopError::Interrupted` (Rust's `KeyboardInterrupt`) and the
//! tasks stay pending, as in Python. `asyncio.wait(tasks)` -> `corio::wait(tasks, None,
//! ALL_COMPLETED)` over shared task handles (`wait` works through done-callbacks, as
//! asyncio's does); `run_until_complete` runs it as the loop's fourth task, as asyncio wraps
//! `wait()` in Task-4. The task set is printed with the tasks' `Debug` form in place of
//! Python's reprs.

use std::error::Error;
use std::time::Duration;

use corio::process::{KeyboardInterrupt, Signal, kill};
use corio::{ALL_COMPLETED, LoopError};

async fn do_some_work(x: u64) -> String {
    println!("Waiting:  {x}");
    corio::sleep(Duration::from_secs(x)).await;
    format!("Done after {x}s")
}

/// Python's `print(True)`.
fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

fn main() -> Result<(), Box<dyn Error>> {
    let event_loop = corio::get_event_loop()?;
    let tasks = vec![
        event_loop.create_task(do_some_work(1))?.share(),
        event_loop.create_task(do_some_work(2))?.share(),
        event_loop.create_task(do_some_work(3))?.share(),
    ];
    // changed (as in the seed): Ctrl+C simulated by a real SIGINT after 0.5 s.
    event_loop.call_later(0.5, || kill(std::process::id(), Signal::INT))?;
    // Python's default: SIGINT raises KeyboardInterrupt out of the loop's run.
    let ctrl_c = KeyboardInterrupt::install(&event_loop)?;
    let outcome = event_loop.run_until_complete(corio::wait(tasks, None, ALL_COMPLETED));
    let result = match outcome {
        Err(LoopError::Interrupted) => {
            let all = event_loop.all_tasks();
            let shown: Vec<String> = all.iter().map(|t| format!("{t:?}")).collect();
            println!("查看事件循环里的所有任务: {{{}}}", shown.join(", "));
            for task in event_loop.all_tasks() {
                println!("任务是否cancelled?? {}", py_bool(task.cancel()));
            }
            event_loop.stop();
            event_loop.run_forever().map_err(Into::into)
        }
        other => other.map(drop).map_err(Into::into),
    };
    drop(ctrl_c);
    event_loop.close()?;
    result
}
