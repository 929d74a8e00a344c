//! Seed s1-34: `asyncio.wait` (ALL_COMPLETED) over a good request and a bad URL: both are
//! done; the good one's status is printed and the bad one's exception logged.
//!
//! Rust differences: aiohttp -> `util::http::ClientSession` (hyper on corio);
//! `asyncio.wait(fetchers)` -> `corio::wait(tasks, None, ALL_COMPLETED)`, which gives the
//! same handles back sorted into done and pending; `done_task.exception()` /
//! `done_task.result()` -> the task's output, a `Result`; `logging.error(.., exc_info=)` ->
//! the root logger's line and the exception on stderr.

use corio_ports as util;

use std::error::Error;
use std::time::Duration;

use util::http::ClientSession;
use util::{async_timed, fetch_status};

async fn main_task(url: String) -> Result<(), Box<dyn Error>> {
    async_timed("main", (), async {
        let session = ClientSession::new();
        let good_request = fetch_status(session.clone(), url, 0);
        let bad_request = fetch_status(session.clone(), "python://bad".to_owned(), 0);

        let fetchers = [
            corio::try_spawn(good_request)?.share(),
            corio::try_spawn(bad_request)?.share(),
        ];

        let (done, pending) = corio::wait(fetchers, None, corio::ALL_COMPLETED).await?;

        println!("已完成的任务数量: {}", done.len());
        println!("阻塞的任务数量: {}", pending.len());

        for done_task in done {
            match done_task.await? {
                Ok(status) => println!("{status}"),
                Err(exception) => {
                    eprintln!("ERROR:root:请求异常");
                    eprintln!("{exception}");
                }
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
