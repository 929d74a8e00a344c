//! Seed s1-33: `as_completed` with a 2 s timeout over requests after 1 s, 1 s and 5 s of
//! sleep: two statuses, then one timeout error for the slow one, which keeps running; the
//! program then prints the loop's tasks (itself and the slow request), and the slow request
//! is cancelled when `asyncio.run` ends.
//!
//! Rust differences: aiohttp -> `util::http::ClientSession` (hyper on corio);
//! `as_completed(fetchers, timeout=2)` -> `corio::as_completed(fetchers, Some(2 s))`, which
//! gives `Err(Elapsed)` for each item still unfinished at the deadline and moves those into
//! a task of their own (asyncio's are tasks already); `asyncio.tasks.all_tasks()` ->
//! `corio::all_tasks()`, printed with corio's `Debug` for a task. `corio::run` cancels the
//! task left running, whose `async_timed` then prints its "finished" line, as in Python.

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
        let fetchers = [1, 1, 5].map(|delay| request(session.clone(), url.clone(), delay));
        let mut done = corio::as_completed(fetchers, Some(Duration::from_secs(2)));
        while let Some(done_task) = done.next().await {
            match done_task {
                Ok(result) => println!("{}", result?),
                Err(_elapsed) => println!("获取到一个超时错误!"),
            }
        }

        for task in corio::all_tasks()? {
            println!("{task:?}");
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
