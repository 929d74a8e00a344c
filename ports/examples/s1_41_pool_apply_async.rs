//! Seed s1-41: `multiprocessing.Pool.apply_async` starts both jobs at once; `.get()` then
//! blocks for each result in turn.
//!
//! asyncio/multiprocessing -> corio: `pool.apply_async(f, args)` ->
//! `pool.submit(&F, args)?` (a `ConcurrentFuture`, the `AsyncResult`); `.get()` ->
//! `.result(None)`. Workers are this binary run again (see s1-40).

use std::error::Error;

use corio::blocking::process::{self, ProcessFn, ProcessPoolExecutor};

fn say_hello(name: String) -> String {
    format!("Hi there, {name}")
}
static SAY_HELLO: ProcessFn<String, String> = ProcessFn::new("say_hello", say_hello);

fn main() -> Result<(), Box<dyn Error>> {
    process::init(&[&SAY_HELLO]);
    let process_pool = ProcessPoolExecutor::new();
    let hi_jeff = process_pool.submit(&SAY_HELLO, "Jeff".into())?;
    let hi_john = process_pool.submit(&SAY_HELLO, "John".into())?;
    println!("{}", hi_jeff.result(None)?);
    println!("{}", hi_john.result(None)?);
    Ok(())
}
