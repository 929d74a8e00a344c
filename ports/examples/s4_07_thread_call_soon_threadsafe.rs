//! Seed s4-07: functions scheduled with `call_soon_threadsafe` on a loop that runs in
//! another thread run there one after the other: the blocking 6 s one holds the loop, then
//! the 3 s one runs (9 s in all); a third call stops the loop.
//!
//! Rust differences: the loop thread makes its own loop and sends its `LoopHandle` back
//! (an `EventLoop` is `!Send`), where Python passes the loop made in the main thread;
//! `new_loop.call_soon_threadsafe(new_loop.stop)` -> `handle.stop()`, which is queued behind
//! the two callbacks as Python's is. The main thread joins the loop thread at the end, as
//! Python joins its non-daemon thread at exit.

use std::error::Error;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use corio::{EventLoop, LoopError, LoopHandle};

fn start_loop(handle_tx: mpsc::Sender<LoopHandle>) -> Result<(), LoopError> {
    let lp = EventLoop::new()?;
    corio::set_event_loop(Some(lp.clone()));
    let _ = handle_tx.send(lp.handle());
    lp.run_forever()?;
    lp.close()
}

fn more_work(x: u64) {
    println!("More work {x}");
    thread::sleep(Duration::from_secs(x));
    println!("Finished more work {x}");
}

fn main() -> Result<(), Box<dyn Error>> {
    let (handle_tx, handle_rx) = mpsc::channel();
    let t = thread::spawn(move || start_loop(handle_tx));
    let new_loop = handle_rx
        .recv()
        .map_err(|_| "the loop thread failed to start")?;
    println!("The main thread is running...");
    new_loop.call_soon_threadsafe(|| more_work(6))?; // schedules a function
    new_loop.call_soon_threadsafe(|| more_work(3))?;
    new_loop.stop()?;
    t.join().map_err(|_| "the loop thread panicked")??;
    Ok(())
}
