//! Seed s0-01: start a coroutine with `get_event_loop` + `run_until_complete`, then close
//! the loop.
//!
//! asyncio -> corio: `asyncio.get_event_loop()` -> `corio::get_event_loop()`; an `async fn`
//! call builds a future (nothing runs until the loop polls it, as with a coroutine object);
//! the `finally:` block becomes code that runs after `run_until_complete` whatever it gave.

use std::error::Error;

async fn coroutine() {
    println!("in coroutine");
}

fn main() -> Result<(), Box<dyn Error>> {
    let event_loop = corio::get_event_loop()?;
    println!("starting coroutine");
    let coro = coroutine();
    println!("entering event loop");
    let outcome = event_loop.run_until_complete(coro);
    println!("closing event loop");
    event_loop.close()?;
    outcome?;
    Ok(())
}
