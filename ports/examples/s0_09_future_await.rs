//! Seed s0-09: a coroutine awaits a future that a `call_soon` callback resolves.
//!
//! asyncio -> corio: `asyncio.Future()` inside the coroutine -> `SettableFuture::new()`
//! (bound to the running loop); `await all_done` gives `Result<T, FutureError>`.

use std::error::Error;

use corio::{EventLoop, SettableFuture};

fn mark_done(future: &SettableFuture<String>, result: &str) {
    println!("setting future result to {result:?}");
    if let Err(e) = future.set_result(result.to_owned()) {
        eprintln!("set_result failed: {e}");
    }
}

async fn main_task(lp: EventLoop) -> Result<(), Box<dyn Error>> {
    let all_done = SettableFuture::<String>::new();

    println!("scheduling mark_done");
    let target = all_done.clone();
    lp.call_soon(move || mark_done(&target, "the result"))?;

    let result = all_done.await?;
    println!("returned result: {result:?}");
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let event_loop = corio::get_event_loop()?;
    let outcome = event_loop.run_until_complete(main_task(event_loop.clone()));
    event_loop.close()?;
    outcome??;
    Ok(())
}
