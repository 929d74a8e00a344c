//! Seed s0-08: `run_until_complete` on a bare future whose result a `call_soon` callback
//! sets; the result stays readable after the loop is closed.
//!
//! asyncio -> corio: `asyncio.Future()` -> `SettableFuture::new()` (bound to the thread's
//! loop, as asyncio binds it to `get_event_loop()`); the future is a cheap handle, so the
//! callback and `run_until_complete` each get a clone. Awaiting it gives
//! `Result<T, FutureError>`.

use std::error::Error;

use corio::SettableFuture;

fn mark_done(future: &SettableFuture<String>, result: &str) {
    println!("setting future result to {result:?}");
    if let Err(e) = future.set_result(result.to_owned()) {
        eprintln!("set_result failed: {e}");
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let event_loop = corio::get_event_loop()?;
    let all_done = SettableFuture::<String>::new();

    println!("scheduling mark_done");
    let target = all_done.clone();
    event_loop.call_soon(move || mark_done(&target, "the result"))?;

    println!("entering event loop");
    let outcome = event_loop.run_until_complete(all_done.clone());
    if let Ok(Ok(result)) = &outcome {
        println!("returned result: {result:?}");
    }
    println!("closing event loop");
    event_loop.close()?;
    outcome??;

    println!("future result: {:?}", all_done.result()?);
    Ok(())
}
