//! Seed s1-59: two coroutines wait on an `asyncio.Event` that a `call_later(5.0, ...)`
//! callback sets; both then work for 1 s and clear it.
//!
//! asyncio -> corio: `asyncio.Event` -> `corio::sync::Event` (shared through an `Rc`);
//! `asyncio.get_running_loop().call_later(5.0, functools.partial(trigger_event, event))` ->
//! `corio::get_running_loop()?.call_later(5.0, closure)`; `asyncio.gather(...)` -> one task
//! per coroutine, created in argument order, awaited in turn.

use std::error::Error;
use std::rc::Rc;
use std::time::Duration;

use corio::sync::Event;

fn trigger_event(event: &Event) {
    event.set();
}

async fn do_work_on_event(event: Rc<Event>) {
    println!("等待 event...");
    event.wait().await;
    println!("开始工作!");
    corio::sleep(Duration::from_secs(1)).await;
    println!("完成工作!");
    event.clear();
}

async fn main_task() -> Result<(), Box<dyn Error>> {
    let event = Rc::new(Event::new());
    let shared = Rc::clone(&event);
    corio::get_running_loop()?.call_later(5.0, move || trigger_event(&shared))?;
    let first = corio::spawn(do_work_on_event(Rc::clone(&event)));
    let second = corio::spawn(do_work_on_event(event));
    first.await?;
    second.await?;
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    corio::run(main_task())?
}
