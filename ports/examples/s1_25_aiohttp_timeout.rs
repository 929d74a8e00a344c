//! Seed s1-25: a request whose own 10 ms timeout (`ClientTimeout(total=.01)`) is shorter
//! than the server's 50 ms answer: it fails with `TimeoutError`, which ends the program
//! with a traceback (exit status 1).
//!
//! Rust differences: aiohttp -> `util::http::ClientSession` (hyper on corio); the session's
//! `ClientTimeout(total=1, connect=.1)` -> `ClientSession::with_timeout(1 s)` (the connect
//! limit has no separate knob: the stand-in is local); the per-request timeout ->
//! `get_with_timeout`, built on `corio::timeout`. The uncaught exception -> `main` prints
//! the error and exits with status 1.

use corio_ports as util;

use std::process::ExitCode;
use std::time::Duration;

use util::http::{ClientError, ClientSession};

async fn fetch_status(session: &ClientSession, url: &str) -> Result<u16, ClientError> {
    let ten_millis = Duration::from_millis(10);
    Ok(session.get_with_timeout(url, ten_millis).await?.as_u16())
}

async fn main_task(url: String) -> Result<(), ClientError> {
    let session = ClientSession::with_timeout(Duration::from_secs(1));
    let result = fetch_status(&session, &url).await;
    session.close().await;
    result.map(drop)
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
