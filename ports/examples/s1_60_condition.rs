//! Seed s1-60: two workers wait on an `asyncio.Condition` that a background task notifies
//! every 5 s with `notify_all`; each woken worker works 1 s holding the lock. The seed runs
//! forever, so it is bounded by `asyncio.wait_for(main(), timeout=12.5)` (two rounds).
//!
//! asyncio -> corio: `asyncio.Condition` -> `corio::sync::Condition` (shared through an
//! `Rc`); `async with condition:` -> the guard of `condition.lock()`, and
//! `await condition.wait()` -> `guard.wait()`, which consumes the guard and gives it back
//! once notified and re-locked. `asyncio.gather(...)` -> one task per coroutine, held as
//! `cancel_on_drop` handles so that, like gather, cancelling `main` cancels them;
//! `asyncio.wait_for(main(), timeout=12.5)` -> `corio::timeout`, whose `Err(Elapsed)` is
//! Python's `TimeoutError`. The detached `fire_event` task is cancelled when `corio::run`
//! ends, as `asyncio.run` cancels leftover tasks.

use std::error::Error;
use std::rc::Rc;
use std::time::Duration;

use corio::sync::Condition;

async fn do_work(condition: Rc<Condition>, name: &'static str) {
    loop {
        let guard = condition.lock().await;
        println!("{name} 等待 notify_all ...");
        let _guard = guard.wait().await;
        println!("{name} 监听到 notify_all 事件...");
        corio::sleep(Duration::from_secs(1)).await;
        println!("{name} 工作结束,释放锁.");
    }
}

async fn fire_event(condition: Rc<Condition>) {
    loop {
        corio::sleep(Duration::from_secs(5)).await;
        {
            let guard = condition.lock().await;
            println!("fire_event,即将通知所有开始工作.");
            guard.notify_all();
        }
        println!("fire_event 通知工作结束.");
    }
}

async fn main_task() -> Result<(), Box<dyn Error>> {
    let condition = Rc::new(Condition::new());
    corio::spawn(fire_event(Rc::clone(&condition)));
    let work1 = corio::spawn(do_work(Rc::clone(&condition), "work1")).cancel_on_drop();
    let work2 = corio::spawn(do_work(condition, "work2")).cancel_on_drop();
    work1.await?;
    work2.await?;
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    match corio::run(corio::timeout(Duration::from_secs_f64(12.5), main_task()))? {
        Ok(outcome) => outcome,
        Err(_elapsed) => {
            println!("<bounded: stopped after 12.5 s>");
            Ok(())
        }
    }
}
