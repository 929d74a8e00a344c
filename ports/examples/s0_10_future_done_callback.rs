//! Seed s0-10: done-callbacks run in the order they were added, after `set_result`
//! returns; `functools.partial` passes each one an extra argument.
//!
//! asyncio -> corio: `add_done_callback(functools.partial(callback, n=1))` ->
//! `add_done_callback(move |f| callback(f, 1))`; the callbacks go through the loop's ready
//! queue, as in asyncio, so they print after "setting result of future".

use std::error::Error;

use corio::SettableFuture;

fn callback(future: &SettableFuture<String>, n: i32) {
    match future.result() {
        Ok(result) => println!("{n}: future done: {result}"),
        Err(e) => println!("{n}: future failed: {e}"),
    }
}

async fn register_callbacks(all_done: &SettableFuture<String>) {
    println!("registering callbacks on future");
    all_done.add_done_callback(|f| callback(f, 1));
    all_done.add_done_callback(|f| callback(f, 2));
}

async fn main_task(all_done: SettableFuture<String>) -> Result<(), corio::FutureError> {
    register_callbacks(&all_done).await;
    println!("setting result of future");
    all_done.set_result("the result".to_owned())
}

fn main() -> Result<(), Box<dyn Error>> {
    let event_loop = corio::get_event_loop()?;
    let all_done = SettableFuture::new();
    let outcome = event_loop.run_until_complete(main_task(all_done));
    event_loop.close()?;
    outcome??;
    Ok(())
}
