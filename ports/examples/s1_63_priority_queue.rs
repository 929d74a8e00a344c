//! Seed s1-63: `(priority, data)` tuples put into an `asyncio.PriorityQueue` in the
//! order 3, 2, 1 come out lowest priority number first.
//!
//! asyncio -> corio: `asyncio.PriorityQueue()` -> `corio::channel::PriorityQueue::new(0)`
//! (0 = unbounded; a shared handle, cloned into the worker); a Rust tuple orders like a
//! Python tuple, and its `Debug` form is Python's repr with double quotes.
//! `asyncio.gather(queue.join(), worker_task)` -> a task for `join`, then both awaited.

use std::error::Error;

use corio::channel::PriorityQueue;

async fn worker(queue: PriorityQueue<(u32, &'static str)>) -> Result<(), Box<dyn Error>> {
    while !queue.empty() {
        let work_item = queue.get().await?;
        println!("Processing work item {work_item:?}");
        queue.task_done()?;
    }
    Ok(())
}

async fn main_task() -> Result<(), Box<dyn Error>> {
    let priority_queue = PriorityQueue::new(0);

    let work_items = [
        (3, "Lowest priority"),
        (2, "Medium priority"),
        (1, "High priority"),
    ];

    let worker_task = corio::spawn(worker(priority_queue.clone()));

    for work in work_items {
        priority_queue.put_nowait(work)?;
    }

    let join = corio::spawn(async move { priority_queue.join().await });
    join.await?;
    worker_task.await??;
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    corio::run(main_task())?
}
