//! Seed s4-11: a loop runs forever in a second thread; the main thread keeps handing it
//! coroutines (`run_coroutine_threadsafe`) until Ctrl+C, then stops the loop. The tasks still
//! pending when the loop goes are reported: "Task was destroyed but it is pending!".
//!
//! asyncio -> corio: the seed bounds the endless loop with a real SIGINT sent by a
//! `threading.Timer` after 3.5 s; so does the port (a thread that sleeps, then
//! `corio::process::kill`). Python raises `KeyboardInterrupt` in the main thread's
//! `time.sleep(1)`; in Rust the main thread's "loop with sleeps" is a `corio::run`, which
//! handles Ctrl+C as `asyncio.run` does: the main future is cancelled and `run` returns
//! `LoopError::Interrupted` (Rust's `KeyboardInterrupt`). `run_coroutine_threadsafe(coro, loop)`
//! -> `handle.call_soon_threadsafe(|| try_spawn(..))` (the coroutine is made on the loop's
//! thread). Python reports the destroyed tasks when the interpreter exits; corio reports them
//! from `close()` on the loop's thread, after `run_forever` returns.

use std::error::Error;
use std::time::Duration;

use corio::process::{Signal, kill};
use corio::{EventLoop, LoopError, LoopHandle};

async fn task(index: u32, x: u64) {
    println!("The task_{index} will waite {x}s");
    corio::sleep(Duration::from_secs(x)).await;
    println!("Done after {x}s");
}

fn start_loop(ready: std::sync::mpsc::Sender<LoopHandle>) -> Result<(), LoopError> {
    let event_loop = EventLoop::new()?;
    corio::set_event_loop(Some(event_loop.clone()));
    // The receiver waits for this; it cannot be gone.
    let _ = ready.send(event_loop.handle());
    event_loop.run_forever()?;
    // Python's tasks die with the interpreter; here they go with the loop, reported as asyncio
    // reports them.
    event_loop.close()
}

fn run_coroutine_threadsafe(new_loop: &LoopHandle, index: u32, x: u64) -> Result<(), LoopError> {
    new_loop.call_soon_threadsafe(move || corio::try_spawn(task(index, x)).map(drop))?;
    Ok(())
}

/// The seed's `while 1:` body, until Ctrl+C cancels it.
async fn feed(new_loop: LoopHandle) -> Result<(), LoopError> {
    loop {
        run_coroutine_threadsafe(&new_loop, 1, 1)?;
        corio::sleep(Duration::from_secs(1)).await;
        run_coroutine_threadsafe(&new_loop, 2, 2)?;
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let (ready, handle) = std::sync::mpsc::channel();
    let t = std::thread::spawn(move || start_loop(ready));
    let new_loop = handle.recv()?;
    println!("The main thread is running...");
    // changed (as in the seed): bounded by a real SIGINT after 3.5 s from a timer thread.
    std::thread::spawn(|| {
        std::thread::sleep(Duration::from_millis(3500));
        kill(std::process::id(), Signal::INT)
    });
    let outcome = corio::run(feed(new_loop.clone()));
    match outcome {
        Err(LoopError::Interrupted) => {
            // Python's KeyboardInterrupt() has an empty message.
            println!("---------KeyboardInterrupt:");
            new_loop.stop()?;
            println!("------xxoo-------");
        }
        Ok(Err(e)) => return Err(Box::new(e)),
        Ok(Ok(())) => {}
        Err(e) => return Err(Box::new(e)),
    }
    t.join().map_err(|_| "the loop thread panicked")??;
    Ok(())
}
