//! Seed s1-53: 1,000 blocking HTTP requests run with `asyncio.to_thread` (the loop's default
//! executor) and gathered.
//!
//! Rust differences: `asyncio.to_thread(f, url)` -> `corio::to_thread(move || f(&url))?`,
//! which submits at once (Python's `to_thread` coroutine submits when `gather` first runs
//! it) and gives a future of `Result<T, FutureError>`; Python also copies the caller's
//! `contextvars`, which Rust has none of. `asyncio.gather` -> `corio::gather`;
//! `requests.get` -> `ureq::get(url).call()`; the site -> the local stand-in (10 ms). The
//! decorator -> `util::async_timed` wrapped around the body by hand.

use corio_ports as util;

use std::error::Error;
use std::time::Duration;

use util::async_timed;

type BoxError = Box<dyn Error>;

fn get_status_code(url: &str) -> Result<u16, ureq::Error> {
    let response = ureq::get(url).call()?;
    Ok(response.status().as_u16())
}

async fn main_task(url: String) -> Result<(), BoxError> {
    async_timed("main", (), async {
        let urls = vec![url; 1000];
        let tasks = urls
            .into_iter()
            .map(|url| corio::to_thread(move || get_status_code(&url)))
            .collect::<Result<Vec<_>, _>>()?;
        let results = corio::gather(tasks)
            .await?
            .into_iter()
            .collect::<Result<Vec<u16>, _>>()?;
        println!("{results:?}");
        Ok(())
    })
    .await
}

fn main() -> Result<(), BoxError> {
    let standin = util::standin::serve(Duration::from_millis(10))?;
    corio::run(main_task(standin.url()))?
}
