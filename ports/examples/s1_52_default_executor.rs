//! Seed s1-52: 1,000 blocking HTTP requests handed to the loop's default executor with
//! `loop.run_in_executor(None, ...)` and gathered.
//!
//! Rust differences: `loop.run_in_executor(None, functools.partial(f, url))` ->
//! `lp.run_in_executor(None, move || f(&url))?`; the default executor is a
//! `ThreadPoolExecutor` of min(32, cpus + 4) threads, made on first use, that `corio::run`
//! shuts down at the end, as asyncio's. `asyncio.gather` -> `corio::gather`; `requests.get`
//! -> `ureq::get(url).call()`; the site -> the local stand-in (10 ms). The decorator ->
//! `util::async_timed` wrapped around the body by hand.

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
        let lp = corio::get_running_loop()?;
        let urls = vec![url; 1000];
        let tasks = urls
            .into_iter()
            .map(|url| lp.run_in_executor(None, move || get_status_code(&url)))
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
