//! Seed s1-27: creating the three tasks first and awaiting them afterwards runs the 3 s
//! delays at the same time (about 3 s).
//!
//! Rust differences: the two comprehensions -> two iterator chains, the first collecting
//! the `Task` handles, the second awaiting them in order; the decorator ->
//! `util::async_timed` wrapped by hand.

use corio_ports as util;

use std::error::Error;

use util::{async_timed, delay};

async fn main_task() -> Result<(), Box<dyn Error>> {
    async_timed("main", (), async {
        let delay_times = [3, 3, 3];
        let tasks = delay_times
            .into_iter()
            .map(|seconds| corio::spawn(delay(seconds)))
            .collect::<Vec<_>>();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await?);
        }
        Ok(())
    })
    .await
}

fn main() -> Result<(), Box<dyn Error>> {
    corio::run(main_task())?
}
