//! Seed s1-38: `asyncio.wait` on tasks made from two coroutines, then `task is api_b` on
//! the pending ones: a task is never the coroutine it wraps, so nothing is cancelled and
//! nothing printed; the slow task is cancelled when `asyncio.run` ends.
//!
//! Rust differences: aiohttp -> `util::http::ClientSession` (hyper on corio). In Rust the
//! future `api_b` is moved into its task and cannot be compared with a task at all; the
//! port keeps the seed's test as a comparison of task ids, where a plain future, which is no
//! task, has none (`api_b_task_id` is `None`), so the test is false as in Python.

use corio_ports as util;

use std::error::Error;
use std::time::Duration;

use corio::TaskId;
use util::fetch_status;
use util::http::ClientSession;

async fn main_task(url: String) -> Result<(), Box<dyn Error>> {
    let session = ClientSession::new();
    let api_a = fetch_status(session.clone(), url.clone(), 0);
    let api_b = fetch_status(session.clone(), url, 2);
    // `api_b` is a future, not a task: it has no task id to be compared with.
    let api_b_task_id: Option<TaskId> = None;

    let tasks = [
        corio::try_spawn(api_a)?.share(),
        corio::try_spawn(api_b)?.share(),
    ];
    let (_done, pending) =
        corio::wait(tasks, Some(Duration::from_secs(1)), corio::ALL_COMPLETED).await?;

    for task in pending {
        if Some(task.id()) == api_b_task_id {
            println!("API B too slow, cancelling");
            task.cancel();
        }
    }
    session.close().await;
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let standin = util::standin::serve(Duration::from_millis(50))?;
    corio::run(main_task(standin.url()))?
}
