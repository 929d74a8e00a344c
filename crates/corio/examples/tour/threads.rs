//! Other threads schedule work on the loop with call_soon_threadsafe.

use std::error::Error;
use std::time::Duration;

use corio::EventLoop;

use super::section;

pub(crate) fn run() -> Result<(), Box<dyn Error>> {
    section("threads: call_soon_threadsafe");
    let lp = EventLoop::new()?;
    let handle = lp.handle();
    let worker = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(20));
        handle
            .call_soon_threadsafe(|| {
                println!("  scheduled from a worker thread, ran on the loop's thread")
            })
            .expect("loop open");
        handle.stop().expect("loop open");
    });
    lp.run_forever()?;
    worker.join().expect("worker");
    lp.close()?;
    Ok(())
}
