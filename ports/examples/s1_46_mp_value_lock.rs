//! Seed s1-46: a `multiprocessing.Value('i', 0)` incremented by two processes under its
//! lock, 100 times over; each round prints 2.
//!
//! multiprocessing -> corio: `Value('i', 0)` -> `SharedValue::new(0i32)?` (a lock file on
//! tmpfs with a lock shared by the processes; passed to the child by its path);
//! `get_lock().acquire()` / `.release()` -> the guard of `get_lock()?` and its drop;
//! `shared_int.value` -> `get()?` / `set(..)?`, which take the (reentrant) lock again as
//! Python's synchronized `.value` does. The children are this binary run again.

use std::error::Error;

use corio::blocking::process::{self, Process, ProcessFn, SharedValue};

fn increment_value(shared_int: SharedValue<i32>) {
    let lock = shared_int.get_lock().expect("lock the shared value"); // acquire()
    shared_int
        .set(shared_int.get().expect("read") + 1)
        .expect("write");
    drop(lock); // release()
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
