//! call_soon is FIFO and runs before timers; call_later orders by deadline, even negative.

use std::cell::RefCell;
use std::error::Error;
use std::rc::Rc;
use std::time::Duration;

use corio::{EventLoop, sleep};

use super::section;

pub(crate) fn run() -> Result<(), Box<dyn Error>> {
    section("callbacks: call_soon, call_later, call_at");
    let lp = EventLoop::new()?;
    let log = Rc::new(RefCell::new(Vec::new()));
    let note = |s: &'static str| {
        let log = log.clone();
        move || log.borrow_mut().push(s)
    };
    lp.call_later(0.02, note("call_later(0.02)"))?;
    lp.call_later(-1, note("call_later(-1)"))?;
    lp.call_later(-2, note("call_later(-2)"))?;
    lp.call_soon(note("call_soon #1"))?;
    lp.call_at(lp.time() + 0.01, note("call_at(now + 0.01)"))?;
    lp.call_soon(note("call_soon #2"))?;
    let cancelled = lp.call_later(0.005, note("never: cancelled"))?;
    cancelled.cancel();
    lp.run_until_complete(sleep(Duration::from_millis(30)))?;
    for (i, line) in log.borrow().iter().enumerate() {
        println!("  {}. {line}", i + 1);
    }
    println!("  (asyncio's order: call_soon FIFO first, then timers by deadline, -2 before -1)");
    lp.close()?;
    Ok(())
}
