//! Seed s1-32: three requests (after 1 s, 1 s and 3 s of sleep) handed out by
//! `as_completed` in the order they finish.
//!
//! Rust differences: aiohttp -> `util::http::ClientSession` (hyper on corio);
//! `for finished_task in asyncio.as_completed(fetchers): print(await finished_task)` ->
//! `while let Some(out) = done.next().await`, each item the next output to finish.

use corio_ports as util;

use std::error::Error;
use std::time::Duration;

use util::async_timed;
use util::http::{ClientError, ClientSession};

async fn request(session: ClientSession, url: String, delay: u64) -> Result<u16, ClientError> {
    async_timed(
        "request",
        (session.clone(), url.clone(), delay),
        async move {
            corio::sleep(Duration::from_secs(delay)).await;
            Ok(session.get(&url).await?.as_u16())
        },
    )
    .await
}

async fn main_task(url: String) -> Result<(), Box<dyn Error>> {
    async_timed("main", (), async {
        let session = ClientSession::new();
        let fetchers = [1, 1, 3].map(|delay| request(session.clone(), url.clone(), delay));
        let mut finished = corio::as_completed(fetchers, None);
        while let Some(finished_task) = finished.next().await {
            println!("{}", finished_task??);
        }
        session.close().await;
        Ok(())
    })
    .await
}

fn main() -> Result<(), Box<dyn Error>> {
    let standin = util::standin::serve(Duration::from_millis(50))?;
    corio::run(main_task(standin.url()))?
}
