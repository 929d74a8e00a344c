//! Seed s1-55: two coroutines take an `asyncio.Lock` in turn with `async with`; the second
//! waits the whole 2 s that the first holds it.
//!
//! asyncio -> corio: `asyncio.Lock` -> `corio::sync::Lock` (shared through an `Rc`);
//! `async with lock:` -> the guard of `lock.lock()`; `asyncio.gather(a(lock), b(lock))` ->
//! one task per coroutine, created in argument order, awaited in turn; util.py's `delay` ->
//! `util::delay`.

use corio_ports as util;

use std::error::Error;
use std::rc::Rc;

use corio::sync::Lock;
use util::delay;

async fn a(lock: Rc<Lock>) {
    println!("等待 a 获取锁");
    {
        let _guard = lock.lock().await;
        println!("a 获取到了锁");
        delay(2).await;
    }
    println!("a 释放了锁");
}

async fn b(lock: Rc<Lock>) {
    println!("等待 b 获取锁");
    {
        let _guard = lock.lock().await;
        println!("b 获取到了锁");
        delay(2).await;
    }
    println!("b 释放了锁");
}

async fn main_task() -> Result<(), Box<dyn Error>> {
    let lock = Rc::new(Lock::new());
    // gather: both coroutines become tasks at once.
    let first = corio::spawn(a(Rc::clone(&lock)));
    let second = corio::spawn(b(lock));
    first.await?;
    second.await?;
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    corio::run(main_task())?
}
