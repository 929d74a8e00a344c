//! Seed s1-30: `gather` over a bad URL and a good one: the bad one's
//! `NonHttpUrlClientError` comes out of `gather` at once and ends the program with a
//! traceback (exit status 1); the good request, still running, ends when the session closes.
//!
//! Rust differences: aiohttp -> `util::http::ClientSession` (hyper on corio);
//! `asyncio.gather` -> `corio::gather`, which like asyncio returns the first error and
//! lets the other children run on; leaving `async with ClientSession()` ->
//! `session.close().await`, which ends the requests in flight as aiohttp's close does. The
//! uncaught exception -> `main` prints the error and exits with status 1.

use corio_ports as util;

use std::process::ExitCode;
use std::time::Duration;

use util::http::{ClientError, ClientSession};
use util::{async_timed, fetch_status};

async fn main_task(url: String) -> Result<(), ClientError> {
    async_timed("main", (), async {
        let session = ClientSession::new();
        let urls = ["python://example.com".to_owned(), url];
        let tasks = urls.map(|url| fetch_status(session.clone(), url, 0));
        let status_codes = corio::gather(tasks).await;
        session.close().await;
        println!("{:?}", status_codes?);
        Ok(())
    })
    .await
}

fn main() -> ExitCode {
    let standin = match util::standin::serve(Duration::from_millis(50)) {
        Ok(standin) => standin,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    match corio::run(main_task(standin.url())) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(err)) => {
            eprintln!("Traceback: {err}");
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
