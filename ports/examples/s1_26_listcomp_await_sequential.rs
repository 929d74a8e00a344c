//! Seed s1-26: awaiting each task inside the list comprehension that creates it runs the
//! three 3 s delays one after the other (about 9 s).
//!
//! Rust differences: the comprehension -> a `for` loop that creates a task and awaits it
//! before making the next; the decorator -> `util::async_timed` wrapped by hand.

use corio_ports as util;

use std::error::Error;

use util::{async_timed, delay};

async fn main_task() -> Result<(), Box<dyn Error>> {
    async_timed("main", (), async {
        let delay_times = [3, 3, 3];
        let mut results = Vec::new();
        for seconds in delay_times {
            results.push(corio::spawn(delay(seconds)).await?);
        }
        Ok(())
    })
    .await
}

fn main() -> Result<(), Box<dyn Error>> {
    corio::run(main_task())?
}
