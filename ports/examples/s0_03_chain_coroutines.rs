//! Seed s0-03: one coroutine awaits others in turn and returns a tuple of their results.
//!
//! asyncio -> corio: awaiting an `async fn` runs it inline in the caller's task, as awaiting
//! a coroutine does; the tuple `(result1, result2)` is a Rust tuple printed with `{:?}`.

use std::error::Error;

async fn outer() -> (String, String) {
    println!("in outer");
    println!("waiting for result1");
    let result1 = phase1().await;
    println!("waiting for result2");
    let result2 = phase2(&result1).await;
    (result1, result2)
}

async fn phase1() -> String {
    println!("in phase1");
    "result1".to_owned()
}

async fn phase2(arg: &str) -> String {
    println!("in phase2");
    format!("result2 derived from {arg}")
}

fn main() -> Result<(), Box<dyn Error>> {
    let event_loop = corio::get_event_loop()?;
    let outcome = event_loop.run_until_complete(outer());
    if let Ok(return_value) = &outcome {
        println!("return value: {return_value:?}");
    }
    event_loop.close()?;
    outcome?;
    Ok(())
}
