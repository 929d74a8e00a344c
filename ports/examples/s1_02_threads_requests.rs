//! Seed s1-02: two OS threads each make a blocking HTTP GET; the main thread goes on while
//! they wait, then joins them. Both requests overlap, so the whole takes about one request's
//! time (the stand-in answers after 50 ms).
//!
//! Rust differences: `requests.get` -> `ureq::get(url).call()` (the blocking HTTP client a
//! Rust user picks); the site -> the local stand-in `util::standin` (Python's `standin.py`);
//! `threading.Thread(...).start()` / `join()` -> `std::thread::spawn` / `join`, and a failed
//! request comes back through `join` as an error rather than a traceback in the thread.

use corio_ports as util;

use std::error::Error;
use std::thread;
use std::time::{Duration, Instant};

fn read_example(url: &str) -> Result<(), ureq::Error> {
    let response = ureq::get(url).call()?;
    println!("{}", response.status().as_u16());
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let standin = util::standin::serve(Duration::from_millis(50))?;
    let url = standin.url();

    let (url_1, url_2) = (url.clone(), url);
    let thread_start = Instant::now();

    let thread_1 = thread::spawn(move || read_example(&url_1));
    let thread_2 = thread::spawn(move || read_example(&url_2));

    println!("All threads running!");

    thread_1.join().map_err(|_| "thread 1 panicked")??;
    thread_2.join().map_err(|_| "thread 2 panicked")??;

    let elapsed = thread_start.elapsed();
    println!(
        "Running with threads took {:.4} seconds.",
        elapsed.as_secs_f64()
    );
    Ok(())
}
