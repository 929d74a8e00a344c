//! Seed s1-42: `ProcessPoolExecutor.map` counts in worker processes; the results come back
//! in input order although the big count finishes last.
//!
//! Rust differences: the counts are the seed's times 50 (the printed numbers are the
//! seed's) so that the big job runs about as long as Python's; `black_box` keeps the loop.
//! `with ProcessPoolExecutor() as pool:` -> a `ProcessPoolExecutor` dropped at the end
//! (shut down, waited for); `pool.map(count, numbers)` -> `pool.map(&COUNT, numbers,
//! None)?`, an iterator of results in input order. The workers' prints and the parent's
//! interleave (the golden is compared sorted).

use std::error::Error;
use std::time::Instant;

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
    let numbers = [1, 3, 5_000_000, 5, 22];
    for result in process_pool.map(&COUNT, numbers, None)? {
        println!("{}", result?);
    }
    Ok(())
}
