//! Seed s1-31: `gather(..., return_exceptions=True)` gives every outcome in argument
//! order, the bad URL's exception among the results; the program sorts them into successes
//! and exceptions.
//!
//! Rust differences: aiohttp -> `util::http::ClientSession` (hyper on corio);
//! `return_exceptions=True` -> `corio::gather(..).return_exceptions()`, which gives a
//! `Vec<Result<..>>`; `isinstance(res, Exception)` -> matching `Err`. The lists are
//! printed the way Python prints them (an exception as its repr,
//! `NonHttpUrlClientError(URL('...'))`).

use corio_ports as util;

use std::error::Error;
use std::time::Duration;

use util::http::{ClientError, ClientSession};
use util::{async_timed, fetch_status};

/// A result as Python prints it inside a list: `200`, or the exception's repr.
fn py_item(result: &Result<u16, ClientError>) -> String {
    match result {
        Ok(status) => status.to_string(),
        Err(err) => err.py_repr(),
    }
}

fn py_list<'a>(items: impl IntoIterator<Item = &'a Result<u16, ClientError>>) -> String {
    let items: Vec<String> = items.into_iter().map(py_item).collect();
    format!("[{}]", items.join(", "))
}

async fn main_task(url: String) -> Result<(), Box<dyn Error>> {
    async_timed("main", (), async {
        let session = ClientSession::new();
        let urls = [url, "python://example.com".to_owned()];
        let tasks = urls.map(|url| fetch_status(session.clone(), url, 0));
        let results = corio::gather(tasks).return_exceptions().await;

        let exceptions = results.iter().filter(|r| r.is_err());
        let successful_results = results.iter().filter(|r| r.is_ok());

        println!("All results: {}", py_list(&results));
        println!("Finished successfully: {}", py_list(successful_results));
        println!("Threw exceptions: {}", py_list(exceptions));
        session.close().await;
        Ok(())
    })
    .await
}

fn main() -> Result<(), Box<dyn Error>> {
    let standin = util::standin::serve(Duration::from_millis(50))?;
    corio::run(main_task(standin.url()))?
}
