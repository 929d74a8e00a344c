//! Seed s1-18: a blocking HTTP client called inside coroutines blocks the loop: the three
//! tasks run their requests one after the other (each "starting" waits for the previous
//! "finished"), so the whole takes three requests' time.
//!
//! Rust differences: `requests.get` -> `ureq::get(url).call()`, blocking in the task's step
//! just as in Python; the site -> the local stand-in `util::standin` (50 ms). The decorator ->
//! `util::async_timed` wrapped around each body by hand. (The fix is `run_in_executor` /
//! `to_thread`: see s1-52 and s1-53.)

use corio_ports as util;

use std::error::Error;
use std::rc::Rc;
use std::time::Duration;

use util::async_timed;

type BoxError = Box<dyn Error>;

async fn get_example_status(url: Rc<str>) -> Result<u16, ureq::Error> {
    async_timed("get_example_status", (), async {
        Ok(ureq::get(&*url).call()?.status().as_u16())
    })
    .await
}

async fn main_task(url: Rc<str>) -> Result<(), BoxError> {
    async_timed("main", (), async {
        let task_1 = corio::spawn(get_example_status(url.clone()));
        let task_2 = corio::spawn(get_example_status(url.clone()));
        let task_3 = corio::spawn(get_example_status(url.clone()));
        task_1.await??;
        task_2.await??;
        task_3.await??;
        Ok(())
    })
    .await
}

fn main() -> Result<(), BoxError> {
    let standin = util::standin::serve(Duration::from_millis(50))?;
    let url: Rc<str> = standin.url().into();
    corio::run(main_task(url))?
}
