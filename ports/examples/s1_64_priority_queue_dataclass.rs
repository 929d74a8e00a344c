//! Seed s1-64: `@dataclass(order=True)` work items, ordered by their priority only, come
//! out of an `asyncio.PriorityQueue` lowest priority number first.
//!
//! asyncio -> corio: `asyncio.PriorityQueue()` -> `corio::channel::PriorityQueue::new(0)`
//! (0 = unbounded; a shared handle, cloned into the worker). The dataclass becomes a
//! struct whose `Ord` compares `priority` alone (`field(compare=False)` on `data`) and
//! whose `Display` is the dataclass repr. `asyncio.gather(queue.join(), worker_task)` ->
//! a task for `join`, then both awaited.

use std::cmp::Ordering;
use std::error::Error;
use std::fmt;

use corio::channel::PriorityQueue;

#[derive(Debug)]
struct WorkItem {
    priority: u32,
    /// Not compared, as `field(compare=False)`.
    data: &'static str,
}

impl WorkItem {
    const fn new(priority: u32, data: &'static str) -> WorkItem {
        WorkItem { priority, data }
    }
}

impl PartialEq for WorkItem {
    fn eq(&self, other: &Self) -> bool {
        self.priority == other.priority
    }
}

impl Eq for WorkItem {}

impl PartialOrd for WorkItem {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for WorkItem {
    fn cmp(&self, other: &Self) -> Ordering {
        self.priority.cmp(&other.priority)
    }
}

/// The dataclass's generated `__repr__`.
impl fmt::Display for WorkItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "WorkItem(priority={}, data={:?})",
            self.priority, self.data
        )
    }
}

async fn worker(queue: PriorityQueue<WorkItem>) -> Result<(), Box<dyn Error>> {
    while !queue.empty() {
        let work_item = queue.get().await?;
        println!("Processing work item {work_item}");
        queue.task_done()?;
    }
    Ok(())
}

async fn main_task() -> Result<(), Box<dyn Error>> {
    let priority_queue = PriorityQueue::new(0);

    let work_items = [
        WorkItem::new(3, "Lowest priority"),
        WorkItem::new(2, "Medium priority"),
        WorkItem::new(1, "High priority"),
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
