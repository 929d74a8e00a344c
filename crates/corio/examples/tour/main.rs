//! A guided run through what corio can do: `cargo run --example tour`.
//!
//! Each section prints what it shows and what asyncio would print; the whole tour takes a
//! couple of seconds (the combinators run on a virtual clock). One file per section, in
//! the order they run. Sections that need a non-default feature say so when it is off;
//! `cargo run --example tour --features full` runs them all.
//!
//! A program of your own starts the way asyncio's `asyncio.run(main())` does: with
//! [`corio::run`] (as every section here does), or `#[corio::main] async fn main()`
//! (feature `macros`).

use std::cell::Cell;
use std::error::Error;
use std::time::Instant;

mod callbacks;
mod combinators;
mod debug_mode;
mod executors;
mod futures;
mod handles;
mod io;
mod net;
mod processes;
mod protocols;
mod sync_and_queues;
mod tasks;
mod threads;
mod time;

thread_local! {
    static SECTION: Cell<u32> = const { Cell::new(0) };
}

/// Prints a numbered section title.
fn section(title: &str) {
    let n = SECTION.with(|s| {
        s.set(s.get() + 1);
        s.get()
    });
    println!("\n== {n}. {title} ==");
}

/// Prints its line when dropped: Rust's form of `except CancelledError:` cleanup.
struct Cleanup(&'static str);

impl Drop for Cleanup {
    fn drop(&mut self) {
        println!("  cleanup ran: {}", self.0);
    }
}

pub(crate) fn main() -> Result<(), Box<dyn Error>> {
    let started = Instant::now();
    callbacks::run()?;
    tasks::run()?;
    handles::run()?;
    futures::run()?;
    time::run()?;
    combinators::run()?;
    threads::run()?;
    executors::run()?;
    debug_mode::run()?;
    io::run()?;
    net::run()?;
    protocols::run()?;
    processes::run()?;
    sync_and_queues::run()?;
    println!(
        "\ntour finished in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    println!(
        "your own program starts as asyncio.run(main()) does: corio::run(main()), \
         or #[corio::main] async fn main() with the `macros` feature"
    );
    Ok(())
}
