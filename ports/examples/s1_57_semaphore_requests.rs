//! Seed s1-57: 1000 requests gathered at once, at most 10 in flight thanks to a
//! `Semaphore(10)`; each says when it waits, when it got the semaphore and when it is done.
//!
//! Rust differences: aiohttp -> `util::http::ClientSession` (hyper on corio) against the
//! corio stand-in (200 after 10 ms); `async with semaphore:` -> the guard of
//! `semaphore.permit().await`, released when it drops; `asyncio.gather` -> `corio::gather`.

use corio_ports as util;

use std::error::Error;
use std::rc::Rc;
use std::time::Duration;

use corio::sync::Semaphore;
use util::http::{ClientError, ClientSession};

async fn get_url(
    url: String,
    session: ClientSession,
    semaphore: Rc<Semaphore>,
) -> Result<u16, ClientError> {
    println!("等待获取信号量...");
    let _permit = semaphore.permit().await;
    println!("获取到信号量,请求中...");
    let response = session.get(&url).await?;
    println!("请求完成");
    Ok(response.as_u16())
}

async fn main_task(url: String) -> Result<(), Box<dyn Error>> {
    let semaphore = Rc::new(Semaphore::new(10));
    let session = ClientSession::new();
    let tasks = (0..1000).map(|_| get_url(url.clone(), session.clone(), semaphore.clone()));
    let result = corio::gather(tasks).await;
    session.close().await;
    result?;
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let standin = util::standin::serve(Duration::from_millis(10))?;
    corio::run(main_task(standin.url()))?
}
