//! Seed s1-58: releasing an `asyncio.BoundedSemaphore(1)` more often than it was acquired
//! is an error (Python: an uncaught `ValueError` and exit status 1).
//!
//! asyncio -> corio: `BoundedSemaphore::release` returns
//! `Err(ReleasedTooManyTimes)` instead of raising; `main` prints the error's message and
//! exits with status 1, as Python does after its traceback. (`main` does not simply return
//! the error: Rust would print its `Debug` form, the bare type name, not the message.)

use std::error::Error;
use std::process::ExitCode;

use corio::sync::BoundedSemaphore;

async fn main_task() -> Result<(), Box<dyn Error>> {
    let semaphore = BoundedSemaphore::new(1);

    semaphore.acquire().await;
    semaphore.release()?;
    semaphore.release()?;
    Ok(())
}

fn main() -> ExitCode {
    match corio::run(main_task()) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(err)) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
