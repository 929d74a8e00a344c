//! Seed s1-37: `asyncio.wait(..., timeout=1)` over two quick requests and one that first
//! sleeps 3 s: after 1 s two are done and one is pending; the done ones' statuses are
//! printed; the pending one is cancelled when `asyncio.run` ends (its "finished" line comes
//! last).
//!
//! Rust differences: aiohttp -> `util::http::ClientSession` (hyper on corio);
//! `asyncio.wait(fetchers, timeout=1)` -> `corio::wait(fetchers, Some(1 s), ALL_COMPLETED)`,
//! which, like asyncio's, cancels nothing at the timeout; `corio::run` cancels the task
//! left running when `main` returns, as `asyncio.run` does.

use corio_ports as util;

use std::error::Error;
use std::time::Duration;

use util::http::ClientSession;
use util::{async_timed, fetch_status};

async fn main_task(url: String) -> Result<(), Box<dyn Error>> {
    async_timed("main", (), async {
        let session = ClientSession::new();
        let fetchers = [
            corio::try_spawn(fetch_status(session.clone(), url.clone(), 0))?.share(),
            corio::try_spawn(fetch_status(session.clone(), url.clone(), 0))?.share(),
            corio::try_spawn(fetch_status(session.clone(), url.clone(), 3))?.share(),
        ];

        let (done, pending) =
            corio::wait(fetchers, Some(Duration::from_secs(1)), corio::ALL_COMPLETED).await?;

        println!("Done task count: {}", done.len());
        println!("Pending task count: {}", pending.len());

        for done_task in done {
            let result = done_task.await??;
            println!("{result}");
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
