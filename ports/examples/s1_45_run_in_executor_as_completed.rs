//! Seed s1-45: CPU-bound counts handed to a process pool with `loop.run_in_executor`, then
//! `asyncio.as_completed` over them, whose items the program prints without awaiting: it
//! prints five awaitables, not results (the seed's own mistake, kept). Leaving the `with`
//! block then waits for the workers, whose lines come last, in any order.
//!
//! Rust differences: a function that runs in another process is a registered
//! `static ProcessFn`, and `main` starts with `process::init(&[...])` (a worker is this
//! binary run again, as Python's `spawn` re-imports the main module).
//! `loop.run_in_executor(pool, partial(count, num))` ->
//! `lp.run_in_executor(&pool, (&COUNT, num))?`; `asyncio.as_completed(aws)` ->
//! `corio::as_completed(aws, None)`, whose items are the futures of `next()`: printed
//! unawaited, as Python prints the coroutine objects (their Rust type name stands for
//! Python's repr; Python's never-awaited warnings have no run-time counterpart). `with
//! ProcessPoolExecutor()` -> a pool dropped at the end of the block, which shuts it down and
//! waits.

use std::any::type_name_of_val;
use std::error::Error;
use std::time::Instant;

use corio::blocking::process::{self, ProcessFn, ProcessPoolExecutor};

type BoxError = Box<dyn Error>;

fn count(count_to: u64) -> u64 {
    let start = Instant::now();
    let mut counter = 0;
    while counter < count_to {
        counter = std::hint::black_box(counter) + 1;
    }
    println!(
        "Finished counting to {count_to} in {}",
        start.elapsed().as_secs_f64()
    );
    counter
}
static COUNT: ProcessFn<u64, u64> = ProcessFn::new("count", count);

async fn main_task() -> Result<(), BoxError> {
    let process_pool = ProcessPoolExecutor::new();
    let lp = corio::get_running_loop()?;
    let nums = [1, 3, 5, 22, 5_000_000];
    let calls = nums.map(|num| (&COUNT, num));
    let mut call_coros = Vec::new();

    for call in calls {
        call_coros.push(lp.run_in_executor(&process_pool, call)?);
    }

    let mut completed = corio::as_completed(call_coros, None);
    for _ in 0..completed.len() {
        let result = completed.next(); // not awaited, as in the seed
        println!("<future {}>", type_name_of_val(&result));
    }
    drop(completed);
    drop(process_pool); // the `with` block's end: waits for the workers
    Ok(())
}

fn main() -> Result<(), BoxError> {
    process::init(&[&COUNT]);
    corio::run(main_task())?
}
