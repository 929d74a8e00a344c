//! Seed s1-43: jobs submitted to a `ProcessPoolExecutor`, their results printed as they
//! complete (`concurrent.futures.as_completed`).
//!
//! Rust differences: the counts are the seed's times 50 (printed as the seed's) so that
//! the big job runs about as long as Python's. `pool.submit(count, x)` ->
//! `pool.submit(&COUNT, x)?`; `as_completed(todo_list)` ->
//! `corio::blocking::as_completed(todo_list, None)`, which yields each future (or a
//! timeout error) as it finishes; `x.result()` -> `x.result(None)?`.

use std::error::Error;
use std::time::Instant;

use corio::blocking::as_completed;
use corio::blocking::process::{self, ProcessFn, ProcessPoolExecutor};

/// The Rust counts are the seed's times this (see the module docs).
const SCALE: u64 = 50;

fn count(count_to: u64) -> u64 {
    let start = Instant::now();
    let mut counter = 0;
    while counter < count_to * SCALE {
        counter = std::hint::black_box(counter) + 1;
    }
    println!(
        "Finished counting to {count_to} in {}",
        start.elapsed().as_secs_f64()
    );
    counter / SCALE
}
static COUNT: ProcessFn<u64, u64> = ProcessFn::new("count", count);

fn main() -> Result<(), Box<dyn Error>> {
    process::init(&[&COUNT]);
    let process_pool = ProcessPoolExecutor::new();
    let mut todo_list = Vec::new();
    let numbers = [1, 3, 5_000_000, 5, 22];
    for x in numbers {
        let future = process_pool.submit(&COUNT, x)?;
        todo_list.push(future);
    }
    let result = as_completed(todo_list, None);
    for x in result {
        println!("{}", x?.result(None)?);
    }
    Ok(())
}
