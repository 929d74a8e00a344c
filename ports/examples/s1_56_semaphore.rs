//! Seed s1-56: four coroutines share an `asyncio.Semaphore(2)`: two run, two wait until a
//! permit comes back.
//!
//! asyncio -> corio: `asyncio.Semaphore(2)` -> `corio::sync::Semaphore::new(2)` (shared
//! through an `Rc`); `async with semaphore:` -> the permit of `semaphore.permit()`, given
//! back when dropped; `asyncio.gather(*[...])` -> one task per coroutine, created in
//! order, awaited in turn.

use std::error::Error;
use std::rc::Rc;
use std::time::Duration;

use corio::sync::Semaphore;

async fn operation(semaphore: Rc<Semaphore>) {
    println!("等待获取信号量...");
    {
        let _permit = semaphore.permit().await;
        println!("获取到信号量!");
        corio::sleep(Duration::from_secs(2)).await;
    }
    println!("释放信号量!");
}

async fn main_task() -> Result<(), Box<dyn Error>> {
    let semaphore = Rc::new(Semaphore::new(2));
    let tasks = (0..4)
        .map(|_| corio::spawn(operation(Rc::clone(&semaphore))))
        .collect::<Vec<_>>();
    for task in tasks {
        task.await?;
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    corio::run(main_task())?
}
