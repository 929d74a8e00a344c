//! Seed s1-28: 1000 requests run concurrently with `asyncio.gather`; the statuses come back
//! in argument order.
//!
//! Rust differences: aiohttp -> `util::http::ClientSession` (hyper on corio, at most 100
//! connections at a time like aiohttp's default connector) against the corio stand-in
//! (200 after 10 ms); `asyncio.gather(*requests)` -> `corio::gather(requests)`, whose
//! children start when it is first awaited, as asyncio's tasks start on the next iteration.

use corio_ports as util;

use std::error::Error;
use std::time::Duration;

use util::http::ClientSession;
use util::{async_timed, fetch_status};

async fn main_task(url: String) -> Result<(), Box<dyn Error>> {
    async_timed("main", (), async {
        let session = ClientSession::new();
        let urls = vec![url; 1000];
        let requests = urls
            .into_iter()
            .map(|url| fetch_status(session.clone(), url, 0));
        let status_codes = corio::gather(requests).await;
        session.close().await;
        println!("{:?}", status_codes?);
        Ok(())
    })
    .await
}

fn main() -> Result<(), Box<dyn Error>> {
    let standin = util::standin::serve(Duration::from_millis(10))?;
    corio::run(main_task(standin.url()))?
}
