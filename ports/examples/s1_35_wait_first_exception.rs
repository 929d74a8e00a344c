//! Seed s1-35: `asyncio.wait(..., return_when=FIRST_EXCEPTION)` over a bad URL and two
//! requests that first sleep 3 s: it returns as soon as the bad one fails (1 done, 2
//! pending); the exception is logged and the two pending tasks are cancelled.
//!
//! Rust differences: aiohttp -> `util::http::ClientSession` (hyper on corio). A request
//! that fails *returns* `Err` in Rust rather than raising; corio's
//! `wait(.., FIRST_EXCEPTION)` counts a task whose output is `Err(_)` as one that raised
//! (through `corio::Fallible`), as well as one that panicked. Cancelling a task drops it at
//! its `sleep`, and `async_timed` prints its "finished" line as Python's `finally:` does.

use corio_ports as util;

use std::error::Error;
use std::time::Duration;

use corio::SharedTask;
use util::http::{ClientError, ClientSession};
use util::{async_timed, fetch_status};

type Fetch = SharedTask<Result<u16, ClientError>>;

fn fetch(session: &ClientSession, url: &str, delay: u64) -> Result<Fetch, corio::LoopError> {
    let request = fetch_status(session.clone(), url.to_owned(), delay);
    Ok(corio::try_spawn(request)?.share())
}

async fn main_task(url: String) -> Result<(), Box<dyn Error>> {
    async_timed("main", (), async {
        let session = ClientSession::new();
        let fetchers = vec![
            fetch(&session, "python://bad.com", 0)?,
            fetch(&session, &url, 3)?,
            fetch(&session, &url, 3)?,
        ];

        let (done, pending) = corio::wait(fetchers, None, corio::FIRST_EXCEPTION).await?;

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

        for pending_task in pending {
            println!("取消任务: {pending_task:?}");
            pending_task.cancel();
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
