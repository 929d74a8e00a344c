//! Seed s0-02: `run_until_complete` hands back the coroutine's return value.
//!
//! asyncio -> corio: `run_until_complete` returns `Result<F::Output, LoopError>`; the value
//! is printed with `{:?}` where Python uses `{!r}`.

use std::error::Error;

async fn coroutine() -> &'static str {
    println!("in coroutine");
    "result"
}

fn main() -> Result<(), Box<dyn Error>> {
    let event_loop = corio::get_event_loop()?;
    let outcome = event_loop.run_until_complete(coroutine());
    if let Ok(return_value) = &outcome {
        println!("it returned: {return_value:?}");
    }
    // `finally:` — close whether or not the run succeeded.
    event_loop.close()?;
    outcome?;
    Ok(())
}
