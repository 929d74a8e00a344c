//! Seed s1-51: 1,000 blocking HTTP requests handed to a thread pool with
//! `loop.run_in_executor(pool, ...)` and gathered: the loop stays free while six threads
//! make the requests, and the results come back in order.
//!
//! Rust differences: `concurrent.futures.ThreadPoolExecutor` -> corio-blocking's
//! `ThreadPoolExecutor`; `with ... as pool:` -> a pool dropped at the end of the block, which
//! shuts it down and joins its threads as `__exit__` does. `loop.run_in_executor(pool,
//! functools.partial(f, url))` -> `lp.run_in_executor(&pool, move || f(&url))?` (the closure
//! is the partial), which gives a future of `Result<T, FutureError>`; `asyncio.gather` ->
//! `corio::gather`. `requests.get` -> `ureq::get(url).call()`; the site -> the local
//! stand-in (10 ms). The decorator -> `util::async_timed` wrapped around the body by hand.

use corio_ports as util;

use std::error::Error;
use std::time::Duration;

use corio::blocking::ThreadPoolExecutor;
use util::async_timed;

type BoxError = Box<dyn Error>;

fn get_status_code(url: &str) -> Result<u16, ureq::Error> {
    let response = ureq::get(url).call()?;
    Ok(response.status().as_u16())
}

async fn main_task(url: String) -> Result<(), BoxError> {
    async_timed("main", (), async {
        let lp = corio::get_running_loop()?;
        let pool = ThreadPoolExecutor::new();
        let urls = vec![url; 1000];
        let tasks = urls
            .into_iter()
            .map(|url| lp.run_in_executor(&pool, move || get_status_code(&url)))
            .collect::<Result<Vec<_>, _>>()?;
        let results = corio::gather(tasks)
            .await?
            .into_iter()
            .collect::<Result<Vec<u16>, _>>()?;
        println!("{results:?}");
        drop(pool); // the `with` block's end
        Ok(())
    })
    .await
}

fn main() -> Result<(), BoxError> {
    let standin = util::standin::serve(Duration::from_millis(10))?;
    corio::run(main_task(standin.url()))?
}
