//! Timeouts, intervals, and a virtual clock that makes an hour of sleeping instant.

use std::error::Error;
use std::time::{Duration, Instant};

use corio::{Builder, get_running_loop, sleep};

use super::section;

pub(crate) fn run() -> Result<(), Box<dyn Error>> {
    section("time: timeout, interval, virtual time");
    corio::run(async {
        let slow = corio::timeout(Duration::from_millis(20), sleep(Duration::from_secs(10))).await;
        println!("  timeout(20 ms, sleep(10 s)) -> {slow:?}");
        let mut every = corio::interval(Duration::from_millis(10));
        let t0 = every.tick().await;
        for _ in 0..3 {
            every.tick().await;
        }
        println!(
            "  interval(10 ms): 4 ticks over {:.0} ms",
            (corio::time::now() - t0).as_secs_f64() * 1000.0
        );
    })?;
    let wall = Instant::now();
    let simulated = Builder::new().virtual_time(true).run(async {
        let lp = get_running_loop().expect("running");
        let start = lp.time();
        sleep(Duration::from_secs(3600)).await;
        lp.time() - start
    })?;
    println!(
        "  virtual time: slept {simulated} s of loop time in {:.1} ms of wall time",
        wall.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}
