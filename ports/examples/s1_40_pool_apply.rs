//! Seed s1-40: `multiprocessing.Pool.apply` runs `say_hello` in a worker process and
//! blocks for its result, twice.
//!
//! asyncio/multiprocessing -> corio: `with Pool() as process_pool:` ->
//! `ProcessPoolExecutor::new()` (as many workers as CPUs; dropped at the end of the scope,
//! which shuts it down and waits); `pool.apply(f, args)` -> `pool.submit(&F, args)?` then
//! `.result(None)` (block until done). Workers are this binary run again; `say_hello` is
//! registered by name in `process::init`.

use std::error::Error;

use corio::blocking::process::{self, ProcessFn, ProcessPoolExecutor};

fn say_hello(name: String) -> String {
    format!("Hi there, {name}")
}
static SAY_HELLO: ProcessFn<String, String> = ProcessFn::new("say_hello", say_hello);

fn main() -> Result<(), Box<dyn Error>> {
    process::init(&[&SAY_HELLO]);
    let process_pool = ProcessPoolExecutor::new();
    let hi_jeff = process_pool
        .submit(&SAY_HELLO, "Jeff".into())?
        .result(None)?;
    let hi_john = process_pool
        .submit(&SAY_HELLO, "John".into())?
        .result(None)?;
    println!("{hi_jeff}");
    println!("{hi_john}");
    Ok(())
}
