//! Seed s0-19: an `asyncio.Lock` taken by `main`, released from a `call_later` callback,
//! then taken in turn by one coroutine with `async with` and one with `acquire`/`release`.
//!
//! asyncio -> corio: `asyncio.Lock` -> `corio::sync::Lock` (shared through an `Rc`, since
//! tasks and callbacks are `'static`); `async with lock:` -> the guard of `lock.lock()`;
//! `functools.partial(unlock, lock)` -> a closure; `asyncio.wait([...])` over two tasks ->
//! awaiting each task. `release` returns a typed error instead of raising `RuntimeError`.

use std::error::Error;
use std::rc::Rc;

use corio::EventLoop;
use corio::sync::Lock;

fn unlock(lock: &Lock) {
    println!("callback releasing lock");
    if let Err(err) = lock.release() {
        eprintln!("unlock: {err}");
    }
}

async fn coro1(lock: Rc<Lock>) {
    println!("coro1 waiting for the lock");
    {
        let _guard = lock.lock().await;
        println!("coro1 acquired lock");
    }
    println!("coro1 released lock");
}

async fn coro2(lock: Rc<Lock>) -> Result<(), Box<dyn Error>> {
    println!("coro2 waiting for the lock");
    lock.acquire().await;
    println!("coro2 acquired lock");
    println!("coro2 released lock");
    lock.release()?;
    Ok(())
}

async fn main_task(lp: EventLoop) -> Result<(), Box<dyn Error>> {
    // Create and acquire a shared lock.
    let lock = Rc::new(Lock::new());
    println!("acquiring the lock before starting coroutines");
    lock.acquire().await;
    println!("lock acquired: {}", py_bool(lock.locked()));

    // Schedule a callback to unlock the lock.
    let shared = Rc::clone(&lock);
    lp.call_later(0.1, move || unlock(&shared))?;

    // Run the coroutines that want to use the lock.
    println!("waiting for coroutines");
    let first = corio::spawn(coro1(Rc::clone(&lock)));
    let second = corio::spawn(coro2(lock));
    first.await?;
    second.await??;
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
