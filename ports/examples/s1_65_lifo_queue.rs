//! Seed s1-65: work items put into an `asyncio.LifoQueue` come out last in, first out,
//! whatever their priority.
//!
//! asyncio -> corio: `asyncio.LifoQueue()` -> `corio::channel::LifoQueue::new(0)`
//! (0 = unbounded; a shared handle, cloned into the worker). The dataclass becomes a
//! struct whose `Display` is the dataclass repr; its `order=True` comparisons are not
//! needed, since a LIFO queue never compares items. `asyncio.gather(queue.join(),
//! worker_task)` -> a task for `join`, then both awaited.

use std::error::Error;
use std::fmt;

use corio::channel::LifoQueue;

#[derive(Debug)]
struct WorkItem {
    priority: u32,
    order: u32,
    data: &'static str,
}

impl WorkItem {
    const fn new(priority: u32, order: u32, data: &'static str) -> WorkItem {
        WorkItem {
            priority,
            order,
            data,
        }
    }
}

/// The dataclass's generated `__repr__`.
impl fmt::Display for WorkItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "WorkItem(priority={}, order={}, data={:?})",
            self.priority, self.order, self.data
        )
    }
}

async fn worker(queue: LifoQueue<WorkItem>) -> Result<(), Box<dyn Error>> {
    while !queue.empty() {
        let work_item = queue.get().await?;
        println!("出栈: {work_item}");
        queue.task_done()?;
    }
    Ok(())
}

async fn main_task() -> Result<(), Box<dyn Error>> {
    let lifo_queue = LifoQueue::new(0);

    let work_items = [
        WorkItem::new(3, 1, "Lowest priority first"),
        WorkItem::new(3, 2, "Lowest priority second"),
        WorkItem::new(3, 3, "Lowest priority third"),
        WorkItem::new(2, 4, "Medium priority"),
        WorkItem::new(1, 5, "High priority"),
    ];

    let worker_task = corio::spawn(worker(lifo_queue.clone()));

    for work in work_items {
        println!("入栈: {work}");
        lifo_queue.put_nowait(work)?;
    }

    let join = corio::spawn(async move { lifo_queue.join().await });
    join.await?;
    worker_task.await??;
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    corio::run(main_task())?
}
