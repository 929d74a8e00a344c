//! Seed s1-54: 50 blocking requests (150 ms each) in a six-thread pool, counted under a
//! `threading.Lock`, while a task on the loop reports the count every 0.5 s: 0, 18, 36
//! (six requests finish every 150 ms), then the gathered results.
//!
//! Rust differences: the global `counter` under `threading.Lock` -> a `static Mutex<u32>`
//! (the reporter reads it under the lock too: Rust has no unlocked read of shared data);
//! `ThreadPoolExecutor()` -> corio-blocking's (the same min(32, cpus + 4) threads), dropped
//! at the end of the block as `with` shuts it down. `loop.run_in_executor(pool,
//! functools.partial(f, url))` -> `lp.run_in_executor(&pool, move || f(&url))?`;
//! `asyncio.create_task` -> `corio::spawn`; `asyncio.gather` -> `corio::gather`;
//! `requests.get` -> `ureq::get(url).call()`; the site -> the local stand-in (150 ms). The
//! decorator -> `util::async_timed` wrapped around the body by hand.
//!
//! Timing: the counts are wall-clock facts (the third batch ends 50 ms before the first
//! tick, the fourth 100 ms after), so each batch may run late by ~15 ms at most. That holds
//! with the machine shared as CI shares it (checked with six copies at once at a load of
//! 8 on 2 cores); with the CPU oversubscribed several times over (six extra busy loops),
//! batches take 165-180 ms and it prints 12 or 15 where Python prints 12 and 24 in the
//! same conditions. Nothing in the port is paced to the golden.

use corio_ports as util;

use std::error::Error;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use corio::blocking::ThreadPoolExecutor;
use util::async_timed;

type BoxError = Box<dyn Error>;

static COUNTER: Mutex<u32> = Mutex::new(0);

fn counter() -> u32 {
    *COUNTER.lock().unwrap_or_else(PoisonError::into_inner)
}

fn get_status_code(url: &str) -> Result<u16, ureq::Error> {
    let response = ureq::get(url).call()?;
    *COUNTER.lock().unwrap_or_else(PoisonError::into_inner) += 1;
    Ok(response.status().as_u16())
}

async fn reporter(request_count: u32) {
    while counter() < request_count {
        println!("Finished {}/{request_count} requests", counter());
        corio::sleep(Duration::from_millis(500)).await;
    }
}

async fn main_task(url: String) -> Result<(), BoxError> {
    async_timed("main", (), async {
        let lp = corio::get_running_loop()?;
        let pool = ThreadPoolExecutor::new();
        let request_count = 50;
        let urls = vec![url; request_count as usize];
        let reporter_task = corio::spawn(reporter(request_count));
        let tasks = urls
            .into_iter()
            .map(|url| lp.run_in_executor(&pool, move || get_status_code(&url)))
            .collect::<Result<Vec<_>, _>>()?;
        let results = corio::gather(tasks)
            .await?
            .into_iter()
            .collect::<Result<Vec<u16>, _>>()?;
        reporter_task.await?;
        println!("{results:?}");
        drop(pool); // the `with` block's end
        Ok(())
    })
    .await
}

fn main() -> Result<(), BoxError> {
    let standin = util::standin::serve(Duration::from_millis(150))?;
    corio::run(main_task(standin.url()))?
}
