//! Seed s1-36: `asyncio.wait(..., return_when=FIRST_COMPLETED)` in a loop over two quick
//! requests and one that first sleeps 3 s: each round prints how many are done and
//! pending, and the statuses of the done ones. (Only the exit status is checked: how many
//! requests finish in the first round depends on timing.)
//!
//! Rust differences: aiohttp -> `util::http::ClientSession` (hyper on corio);
//! `asyncio.wait(pending, return_when=FIRST_COMPLETED)` ->
//! `corio::wait(pending, None, FIRST_COMPLETED)`, which gives the same handles back.

use corio_ports as util;

use std::error::Error;
use std::time::Duration;

use util::http::ClientSession;
use util::{async_timed, fetch_status};

async fn main_task(url: String) -> Result<(), Box<dyn Error>> {
    async_timed("main", (), async {
        let session = ClientSession::new();
        let mut pending = vec![
            corio::try_spawn(fetch_status(session.clone(), url.clone(), 0))?.share(),
            corio::try_spawn(fetch_status(session.clone(), url.clone(), 0))?.share(),
            corio::try_spawn(fetch_status(session.clone(), url.clone(), 3))?.share(),
        ];

        while !pending.is_empty() {
            let (done, still) = corio::wait(pending, None, corio::FIRST_COMPLETED).await?;
            pending = still;

            println!("完成任务数量: {}", done.len());
            println!("阻塞任务数量: {}", pending.len());

            for done_task in done {
                println!("{}", done_task.await??);
            }
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
