//! Seed s0-18: `asyncio.as_completed` hands the results out in the order the phases
//! finish (the last one started finishes first).
//!
//! Rust differences: `for next_to_complete in asyncio.as_completed(phases): answer = await
//! next_to_complete` -> `while let Some(answer) = it.next().await` over
//! `corio::as_completed(phases, None)`; each item is `Result<T, Elapsed>` (no timeout
//! here, so always `Ok`).

use std::error::Error;
use std::time::Duration;

async fn phase(i: u32) -> String {
    println!("in phase {i}");
    corio::sleep(Duration::from_secs_f64(0.5 - 0.1 * f64::from(i))).await;
    println!("done with phase {i}");
    format!("phase {i} result")
}

async fn main_task(num_phases: u32) -> Result<Vec<String>, Box<dyn Error>> {
    println!("starting main");
    let phases = (0..num_phases).map(phase);
    println!("waiting for phases to complete");
    let mut results = Vec::new();
    let mut next_to_complete = corio::as_completed(phases, None);
    while let Some(answer) = next_to_complete.next().await {
        let answer = answer?;
        println!("received answer {answer:?}");
        results.push(answer);
    }
    println!("results: {results:?}");
    Ok(results)
}

fn main() -> Result<(), Box<dyn Error>> {
    let event_loop = corio::get_event_loop()?;
    let outcome = event_loop.run_until_complete(main_task(3));
    event_loop.close()?;
    outcome??;
    Ok(())
}
