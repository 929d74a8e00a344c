//! Seed s1-50: a thread pool makes 1,000 blocking HTTP requests, `map` handing back the
//! results in input order; six threads (min(32, cpus + 4) on two cores) share the work.
//!
//! Rust differences: `concurrent.futures.ThreadPoolExecutor` -> corio-blocking's
//! `ThreadPoolExecutor` (same default size); `with ... as pool:` -> a scope at whose end the
//! pool is dropped, which shuts it down and joins its threads as `__exit__` does.
//! `requests.get` -> `ureq::get(url).call()`; the site -> the local stand-in (10 ms).
//! Python's loop over the results re-raises a failed request; here `result??` returns the
//! first failure (a panic in the job, or the request's own error).

use corio_ports as util;

use std::error::Error;
use std::time::{Duration, Instant};

use corio::blocking::ThreadPoolExecutor;

fn get_status_code(url: String) -> Result<u16, ureq::Error> {
    let response = ureq::get(&url).call()?;
    Ok(response.status().as_u16())
}

fn main() -> Result<(), Box<dyn Error>> {
    let standin = util::standin::serve(Duration::from_millis(10))?;
    let url = standin.url();

    let start = Instant::now();
    {
        let pool = ThreadPoolExecutor::new();
        let urls = vec![url; 1000];
        let results = pool.map(get_status_code, urls, None)?;
        for result in results {
            result??;
        }
    }
    let end = start.elapsed();

    println!("finished requests in {:.4} second(s)", end.as_secs_f64());
    Ok(())
}
