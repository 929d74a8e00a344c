//! Seed s1-39: two `multiprocessing.Process`es count to 5 000 000 and 10 000 000 in
//! parallel; the parent joins both and prints the total time.
//!
//! Rust differences: the counts are 250 000 000 and 500 000 000 (same 1:2 ratio as the
//! seed's) so that each child works about as long as the Python copy's; `black_box` keeps
//! the compiler from folding the loop into a constant. Each child is this binary run again
//! (see s1-01); `count`'s return value is dropped, as Python drops a target's.

use std::error::Error;
use std::time::Instant;

use corio::blocking::process::{self, Process, ProcessFn};

fn count(count_to: u64) -> u64 {
    let start = Instant::now();
    let mut counter = 0;
    while counter < count_to {
        counter = std::hint::black_box(counter) + 1;
    }
    println!(
        "Finished counting to {} in {}",
        seed_count(count_to),
        start.elapsed().as_secs_f64()
    );
    counter
}
static COUNT: ProcessFn<u64, u64> = ProcessFn::new("count", count);

/// The number the seed counted to, for the printed line: the Rust counts are the seed's
/// times 50 (see the module docs).
fn seed_count(count_to: u64) -> u64 {
    count_to / SCALE
}
const SCALE: u64 = 50;

fn main() -> Result<(), Box<dyn Error>> {
    process::init(&[&COUNT]);
    let start_time = Instant::now();

    let mut to_one_hundred_million = Process::new(&COUNT, 5_000_000 * SCALE)?;
    let mut to_two_hundred_million = Process::new(&COUNT, 10_000_000 * SCALE)?;

    to_one_hundred_million.start()?;
    to_two_hundred_million.start()?;

    to_one_hundred_million.join()?;
    to_two_hundred_million.join()?;

    println!("Completed in {}", start_time.elapsed().as_secs_f64());
    Ok(())
}
