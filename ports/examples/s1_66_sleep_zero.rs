//! Seed s1-66: a new task starts only when its creator yields. Without `sleep(0)` the
//! tasks start when `gather` waits; with a `sleep(0)` after each `create_task`, each task
//! starts right away, before the creator prints.
//!
//! Rust differences: `asyncio.gather(task1, task2)` -> `corio::gather([task1, task2])`
//! (same types: the iterator form), which gives `Ok(vec![..])` or the first failure;
//! `asyncio.sleep(0)` -> `corio::sleep(Duration::ZERO)` (exactly one loop iteration).

use corio_ports as util;

use std::error::Error;
use std::time::Duration;

use util::delay;

async fn create_tasks_no_sleep() -> Result<(), Box<dyn Error>> {
    let task1 = corio::spawn(delay(1));
    let task2 = corio::spawn(delay(2));
    println!("获取到任务:");
    corio::gather([task1, task2]).await?;
    Ok(())
}

async fn create_tasks_sleep() -> Result<(), Box<dyn Error>> {
    let task1 = corio::spawn(delay(1));
    corio::sleep(Duration::ZERO).await;
    let task2 = corio::spawn(delay(2));
    corio::sleep(Duration::ZERO).await;
    println!("获取到任务:");
    corio::gather([task1, task2]).await?;
    Ok(())
}

async fn main_task() -> Result<(), Box<dyn Error>> {
    println!("--- 没有使用 asyncio.sleep(0) ---");
    create_tasks_no_sleep().await?;
    println!("--- 使用 asyncio.sleep(0) ---");
    create_tasks_sleep().await?;
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    corio::run(main_task())?
}
