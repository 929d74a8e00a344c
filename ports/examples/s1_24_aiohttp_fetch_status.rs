//! Seed s1-24: one aiohttp GET inside a `ClientSession`, timed by `async_timed`; prints the
//! status.
//!
//! Rust differences: aiohttp -> `util::http::ClientSession`, a hyper HTTP/1.1 client on
//! corio; the remote site -> `util::standin` (a corio + hyper server on its own thread,
//! answering 200 after 50 ms, as `standin.py` does); `async with session.get(url) as result`
//! -> `session.get(url).await?`, which reads the whole response before it returns.

use corio_ports as util;

use std::error::Error;
use std::time::Duration;

use util::async_timed;
use util::http::{ClientError, ClientSession};

async fn fetch_status(session: &ClientSession, url: &str) -> Result<u16, ClientError> {
    async_timed("fetch_status", (session, url), async {
        Ok(session.get(url).await?.as_u16())
    })
    .await
}

async fn main_task(url: String) -> Result<(), Box<dyn Error>> {
    async_timed("main", (), async {
        let session = ClientSession::new();
        let status = fetch_status(&session, &url).await?;
        println!("Status for {url} was {status}");
        Ok(())
    })
    .await
}

fn main() -> Result<(), Box<dyn Error>> {
    let standin = util::standin::serve(Duration::from_millis(50))?;
    corio::run(main_task(standin.url()))?
}
