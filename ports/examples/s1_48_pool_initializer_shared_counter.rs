//! Seed s1-48: a `ProcessPoolExecutor` whose initializer hands every worker a shared
//! `Value('d', 0)`; one job increments it under its lock, awaited from the event loop;
//! the parent prints 1.0.
//!
//! asyncio -> corio: `ProcessPoolExecutor(initializer=init, initargs=(counter,))` ->
//! `ProcessPoolExecutor::with_initializer(None, &INIT, counter.clone())?`; the worker's
//! `global shared_counter` -> a `OnceLock` static of the worker process;
//! `await asyncio.get_running_loop().run_in_executor(pool, increment)` ->
//! `corio::get_running_loop()?.run_in_executor(&pool, (&INCREMENT, ()))?.await?` (a
//! process-pool job is a registered function and its argument); `print(counter.value)` ->
//! `{:?}` of an `f64`, which prints `1.0` as Python does.

use std::error::Error;
use std::sync::OnceLock;

use corio::blocking::process::{self, ProcessFn, ProcessPoolExecutor, SharedValue};

static SHARED_COUNTER: OnceLock<SharedValue<f64>> = OnceLock::new();

fn init(counter: SharedValue<f64>) {
    // `global shared_counter; shared_counter = counter`: once per worker process.
    let _ = SHARED_COUNTER.set(counter);
}
static INIT: ProcessFn<SharedValue<f64>, ()> = ProcessFn::new("init", init);

fn increment(_: ()) {
    let shared_counter = SHARED_COUNTER.get().expect("the initializer ran");
    let _lock = shared_counter.get_lock().expect("lock the counter");
    let value = shared_counter.get().expect("read");
    shared_counter.set(value + 1.0).expect("write");
}
static INCREMENT: ProcessFn<(), ()> = ProcessFn::new("increment", increment);

async fn main_task() -> Result<(), Box<dyn Error>> {
    let counter = SharedValue::new(0.0f64)?;
    let pool = ProcessPoolExecutor::with_initializer(None, &INIT, counter.clone())?;
    corio::get_running_loop()?
        .run_in_executor(&pool, (&INCREMENT, ()))?
        .await?;
    println!("{:?}", counter.get()?);
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    process::init(&[&INIT, &INCREMENT]);
    corio::run(main_task())?
}
