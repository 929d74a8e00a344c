//! Seed s1-29: 1000 requests awaited one after the other in a list comprehension: each
//! `fetch_status` starts only when the one before has finished (about 1000 × 10 ms).
//!
//! Rust differences: aiohttp -> `util::http::ClientSession` (hyper on corio) against the
//! corio stand-in (200 after 10 ms); `[await fetch_status(...) for url in urls]` -> a `for`
//! loop that awaits each in turn; the list prints with Rust's `Debug`, which matches Python's.

use corio_ports as util;

use std::error::Error;
use std::time::Duration;

use util::http::ClientSession;
use util::{async_timed, fetch_status};

async fn main_task(url: String) -> Result<(), Box<dyn Error>> {
    async_timed("main", (), async {
        let session = ClientSession::new();
        let urls = vec![url; 1000];
        let mut status_codes = Vec::with_capacity(urls.len());
        for url in urls {
            status_codes.push(fetch_status(session.clone(), url, 0).await?);
        }
        println!("{status_codes:?}");
        session.close().await;
        Ok(())
    })
    .await
}

fn main() -> Result<(), Box<dyn Error>> {
    let standin = util::standin::serve(Duration::from_millis(10))?;
    corio::run(main_task(standin.url()))?
}
