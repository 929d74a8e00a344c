//! A settable future (asyncio.Future): set by a callback, awaited, with done-callbacks.

use std::error::Error;

use corio::{EventLoop, yield_now};

use super::section;

pub(crate) fn run() -> Result<(), Box<dyn Error>> {
    section("futures: SettableFuture, done callbacks");
    let lp = EventLoop::new()?;
    let fut = lp.create_future::<&'static str>();
    fut.add_done_callback(|f| println!("  done callback sees {:?}", f.result()));
    let setter = fut.clone();
    lp.call_later(0.01, move || {
        setter
            .set_result("set by a timer callback")
            .expect("first set");
        println!("  set_result returned (callbacks run later, through the loop)");
    })?;
    println!("  before: {fut:?}, result() = {:?}", fut.result());
    let value = lp.run_until_complete(fut.clone())??;
    println!(
        "  awaited: {value:?}; a second set_result: {:?}",
        fut.set_result("again")
    );
    lp.run_until_complete(yield_now())?; // let the done callback run
    lp.close()?;
    Ok(())
}
