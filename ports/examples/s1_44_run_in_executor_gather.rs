//! Seed s1-44: CPU-bound counts handed to a process pool with `loop.run_in_executor` and
//! gathered: the loop awaits them while two worker processes count, and the results come
//! back in argument order (the workers' own lines come in any order).
//!
//! Rust differences: a function that runs in another process is a registered
//! `static ProcessFn`, and `main` starts with `process::init(&[...])` (a worker is this
//! binary run again, as Python's `spawn` re-imports the main module). `with
//! ProcessPoolExecutor() as pool:` -> a pool dropped at the end of the block, which shuts it
//! down and waits; `loop.run_in_executor(pool, partial(count, num))` ->
//! `lp.run_in_executor(&pool, (&COUNT, num))?`; `asyncio.gather` -> `corio::gather`.
//! `black_box` keeps the compiler from folding the count into a constant.

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

    let results = corio::gather(call_coros).await?;

    for result in results {
        println!("{result}");
    }
    drop(process_pool); // the `with` block's end
    Ok(())
}

fn main() -> Result<(), BoxError> {
    process::init(&[&COUNT]);
    corio::run(main_task())?
}
