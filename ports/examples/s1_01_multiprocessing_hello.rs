//! Seed s1-01: `multiprocessing.Process` runs a function in a child process, which prints
//! its own pid; the parent prints its pid and joins the child.
//!
//! Rust differences: Python's `spawn` start method re-imports the main module to find
//! `hello_from_process`; here the child is this binary run again, and
//! `corio::blocking::process::init` (first thing in `main`) finds the function by the name
//! it is registered under and runs it instead of `main`'s body. The parent and child lines
//! race, as in Python (the golden is compared sorted).

use std::error::Error;

use corio::blocking::process::{self, Process, ProcessFn};

fn hello_from_process(_: ()) {
    println!("Hello from child process {}!", std::process::id());
}
static HELLO_FROM_PROCESS: ProcessFn<(), ()> =
    ProcessFn::new("hello_from_process", hello_from_process);

fn main() -> Result<(), Box<dyn Error>> {
    process::init(&[&HELLO_FROM_PROCESS]);
    let mut hello_process = Process::new(&HELLO_FROM_PROCESS, ())?;
    hello_process.start()?;
    println!("Hello from parent process {}", std::process::id());
    hello_process.join()?;
    Ok(())
}
