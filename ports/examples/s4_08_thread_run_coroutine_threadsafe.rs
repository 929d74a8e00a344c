//! Seed s4-08: coroutines handed with `run_coroutine_threadsafe` to a loop running in another
//! thread run there concurrently; the main thread blocks on the thread-safe futures'
//! `result()` for their values (6 s in all, not 9).
//!
//! Rust differences: the loop thread makes its own loop and sends its `LoopHandle` back (an
//! `EventLoop` is `!Send`), where Python passes the loop made in the main thread.
//! `future.result()` -> `ConcurrentFuture::result(None)` (no timeout), which gives a
//! `Result`: a coroutine that panicked or a loop closed under it is an error, not a hang.
//! `new_loop.call_soon_threadsafe(new_loop.stop)` -> `handle.stop()`; the loop thread is
//! joined at the end, as Python joins its non-daemon thread at exit.

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

async fn more_work(x: u64) -> String {
    println!("More work {x}");
    corio::sleep(Duration::from_secs(x)).await;
    println!("Finished more work {x}");
    format!("the task conducts about {x}s")
}

fn main() -> Result<(), Box<dyn Error>> {
    let (handle_tx, handle_rx) = mpsc::channel();
    let t = thread::spawn(move || start_loop(handle_tx));
    let new_loop = handle_rx
        .recv()
        .map_err(|_| "the loop thread failed to start")?;
    println!("The main thread is running...");
    // Schedules a coroutine; the thread-safe future gives its result.
    let future1 = corio::run_coroutine_threadsafe(more_work(6), &new_loop)?;
    let future2 = corio::run_coroutine_threadsafe(more_work(3), &new_loop)?;

    println!("{} {}", future1.result(None)?, future2.result(None)?);
    new_loop.stop()?;
    t.join().map_err(|_| "the loop thread panicked")??;
    Ok(())
}
