//! Seed s4-10: the main thread hands two coroutines to a loop running in a child thread
//! (`run_coroutine_threadsafe`); they run concurrently there and send their results back
//! through a thread-safe queue, which the main thread reads (2 s, then 3 s).
//!
//! Rust differences: the child thread makes its own loop and sends its `LoopHandle` back (an
//! `EventLoop` is `!Send`), where Python passes the loop made in the main thread.
//! `threading.currentThread().ident` -> `util::thread_ident()` (an address unique to the
//! thread, as Python's `pthread_t` is); `queue.Queue` -> `std::sync::mpsc`;
//! `lp.call_soon_threadsafe(lp.stop)` -> `handle.stop()`, and the child thread is joined at
//! the end, as Python joins its non-daemon thread at exit.

use corio_ports as util;

use std::error::Error;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use corio::{EventLoop, LoopError, LoopHandle};

/// Runs an event loop in the child thread; it must be a new loop of its own.
fn thread_loop(handle_tx: mpsc::Sender<LoopHandle>) -> Result<(), LoopError> {
    println!("线程开启 tid: {}", util::thread_ident());
    let lp = EventLoop::new()?;
    corio::set_event_loop(Some(lp.clone())); // sets a new event loop
    let _ = handle_tx.send(lp.handle());
    lp.run_forever()?;
    lp.close()
}

async fn func(x: u64, q: mpsc::Sender<u64>) {
    println!(
        "func : {x} ,time: {} ,tid: {}",
        util::ctime(),
        util::thread_ident()
    );
    corio::sleep(Duration::from_secs(x)).await;
    // The main thread holds the receiver until it has both results.
    let _ = q.send(x);
}

fn main() -> Result<(), Box<dyn Error>> {
    let (q, results) = mpsc::channel();

    let (handle_tx, handle_rx) = mpsc::channel();
    let t = thread::spawn(move || thread_loop(handle_tx));
    let lp = handle_rx
        .recv()
        .map_err(|_| "the loop thread failed to start")?;

    let co1 = func(2, q.clone()); // two coroutines
    let co2 = func(3, q.clone());

    // Starts scheduling them on the child thread's loop.
    let _f1 = corio::run_coroutine_threadsafe(co1, &lp)?;
    let _f2 = corio::run_coroutine_threadsafe(co2, &lp)?;

    println!("开始事件: {}", util::ctime());
    for _ in 0..2 {
        let x = results.recv()?;
        println!("main : {x} ,time: {}", util::ctime());
    }
    lp.stop()?;
    t.join().map_err(|_| "the loop thread panicked")??;
    Ok(())
}
