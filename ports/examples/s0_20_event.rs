//! Seed s0-20: an `asyncio.Event` set from a `call_later` callback wakes both coroutines
//! waiting on it.
//!
//! asyncio -> corio: `asyncio.Event` -> `corio::sync::Event` (shared through an `Rc`);
//! `functools.partial(set_event, event)` -> a closure; `asyncio.wait([...])` over two
//! tasks -> awaiting each task.

use std::error::Error;
use std::rc::Rc;

use corio::EventLoop;
use corio::sync::Event;

fn set_event(event: &Event) {
    println!("setting event in callback");
    event.set();
}

async fn coro1(event: Rc<Event>) {
    println!("coro1 waiting for event");
    event.wait().await;
    println!("coro1 triggered");
}

async fn coro2(event: Rc<Event>) {
    println!("coro2 waiting for event");
    event.wait().await;
    println!("coro2 triggered");
}

async fn main_task(lp: EventLoop) -> Result<(), Box<dyn Error>> {
    // Create a shared event.
    let event = Rc::new(Event::new());
    println!("event start state: {}", py_bool(event.is_set()));

    let shared = Rc::clone(&event);
    lp.call_later(0.1, move || set_event(&shared))?;

    let first = corio::spawn(coro1(Rc::clone(&event)));
    let second = corio::spawn(coro2(Rc::clone(&event)));
    first.await?;
    second.await?;
    println!("event end state: {}", py_bool(event.is_set()));
    Ok(())
}

/// Python's `str(bool)`.
fn py_bool(value: bool) -> &'static str {
    if value { "True" } else { "False" }
}

fn main() -> Result<(), Box<dyn Error>> {
    let event_loop = corio::get_event_loop()?;
    let outcome = event_loop.run_until_complete(main_task(event_loop.clone()));
    event_loop.close()?;
    outcome??;
    Ok(())
}
