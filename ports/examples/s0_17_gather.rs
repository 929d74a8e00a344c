//! Seed s0-17: `asyncio.gather` gives the results in argument order, although the second
//! phase finishes first.
//!
//! Rust differences: `asyncio.gather(phase1(), phase2())` wraps the coroutines in tasks;
//! here the tasks are made explicitly and gathered with `corio::gather!(a, b)`, which
//! gives `Ok((a, b))` or the first failure (`TaskError`). The results are printed as a
//! list, as Python prints them.

use std::error::Error;
use std::time::Duration;

use corio::EventLoop;

async fn phase1() -> &'static str {
    println!("in phase1");
    corio::sleep(Duration::from_secs(2)).await;
    println!("done with phase1");
    "phase1 result"
}

async fn phase2() -> &'static str {
    println!("in phase2");
    corio::sleep(Duration::from_secs(1)).await;
    println!("done with phase2");
    "phase2 result"
}

async fn main_task(lp: EventLoop) -> Result<(), Box<dyn Error>> {
    println!("starting main");
    println!("waiting for phases to complete");
    let (first, second) =
        corio::gather!(lp.create_task(phase1())?, lp.create_task(phase2())?).await?;
    let results = [first, second];
    println!("results: {results:?}");
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let event_loop = corio::get_event_loop()?;
    let outcome = event_loop.run_until_complete(main_task(event_loop.clone()));
    event_loop.close()?;
    outcome??;
    Ok(())
}
