//! Seed s3-02: an event loop runs forever in a background thread; the main thread hands it
//! two coroutines with `run_coroutine_threadsafe`. They run concurrently on the loop, so the
//! 3 s one reports first and the 6 s one 3 s later (6 s in all). Each reports through a
//! thread-safe queue the main thread reads; then the main thread stops the loop.
//!
//! Rust differences: an `EventLoop` belongs to the thread that made it (it is `!Send`), so
//! the background thread makes its own loop and sends its `LoopHandle` back, where Python
//! makes the loop in the main thread and passes it over.
//! `asyncio.run_coroutine_threadsafe(coro, loop)` ->
//! `corio::run_coroutine_threadsafe(future, &handle)`, which also gives a thread-safe future
//! (unused here, as in Python). `queue.Queue` -> `std::sync::mpsc`;
//! `new_loop.call_soon_threadsafe(new_loop.stop)` -> `handle.stop()`. The loop thread is
//! joined at the end, as Python joins its non-daemon thread at exit.

use corio_ports as util;

use std::error::Error;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use corio::{EventLoop, LoopError, LoopHandle};

/// The background thread: a loop of its own, running until stopped.
fn start_loop(handle_tx: mpsc::Sender<LoopHandle>) -> Result<(), LoopError> {
    let lp = EventLoop::new()?;
    corio::set_event_loop(Some(lp.clone()));
    let _ = handle_tx.send(lp.handle());
    lp.run_forever()?;
    lp.close()
}

async fn do_sleep(x: u64, queue: mpsc::Sender<&'static str>, msg: &'static str) {
    corio::sleep(Duration::from_secs(x)).await;
    // The main thread holds the receiver until it has both messages.
    let _ = queue.send(msg);
}

fn main() -> Result<(), Box<dyn Error>> {
    let (queue, messages) = mpsc::channel();

    let (handle_tx, handle_rx) = mpsc::channel();
    let t = thread::spawn(move || start_loop(handle_tx));
    let new_loop = handle_rx
        .recv()
        .map_err(|_| "the loop thread failed to start")?;

    println!("{}", util::ctime());

    // Two coroutines, handed over from this thread; it does not wait for them.
    let _first = corio::run_coroutine_threadsafe(do_sleep(6, queue.clone(), "第一个"), &new_loop)?;
    let _second = corio::run_coroutine_threadsafe(do_sleep(3, queue.clone(), "第二个"), &new_loop)?;

    for _ in 0..2 {
        let msg = messages.recv()?;
        println!("{msg} 协程运行完..");
        println!("{}", util::ctime());
    }
    new_loop.stop()?;
    t.join().map_err(|_| "the loop thread panicked")??;
    Ok(())
}
