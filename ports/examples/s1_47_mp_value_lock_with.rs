//! Seed s1-47: s1-46 with `with shared_int.get_lock():` instead of `acquire()` /
//! `release()`; each of the 100 rounds prints 2.
//!
//! multiprocessing -> corio: the `with` block is the scope of the guard that
//! `get_lock()?` returns; the rest is as in s1-46 (`SharedValue`, `Process`).

use std::error::Error;

use corio::blocking::process::{self, Process, ProcessFn, SharedValue};

fn increment_value(shared_int: SharedValue<i32>) {
    let _lock = shared_int.get_lock().expect("lock the shared value");
    shared_int
        .set(shared_int.get().expect("read") + 1)
        .expect("write");
}
static INCREMENT_VALUE: ProcessFn<SharedValue<i32>, ()> =
    ProcessFn::new("increment_value", increment_value);

fn main() -> Result<(), Box<dyn Error>> {
    process::init(&[&INCREMENT_VALUE]);
    for _ in 0..100 {
        let integer = SharedValue::new(0i32)?;
        let mut procs = [
            Process::new(&INCREMENT_VALUE, integer.clone())?,
            Process::new(&INCREMENT_VALUE, integer.clone())?,
        ];

        for p in &mut procs {
            p.start()?;
        }
        for p in &mut procs {
            p.join()?;
        }
        println!("{}", integer.get()?);
        assert_eq!(integer.get()?, 2);
    }
    Ok(())
}
