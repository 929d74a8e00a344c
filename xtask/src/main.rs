//! corio's project tasks, run as `cargo xtask <task>` (the alias is in `.cargo/config.toml`).
//!
//! - `cargo xtask ci [--skip STEP]... [--only STEP]... [--fail-fast]`: every check CI runs, cheap
//!   gates first, with a summary table of the steps and their times.
//! - `cargo xtask goldens [AREA|PROGRAM]... [--selfcheck] [--normalize]
//!   [--import DIR] [--jobs N] [--timeout S]`:
//!   runs the seed programs' Rust ports (examples of the facade crate) and compares their output
//!   with the Python goldens in `ports/goldens/`.
//! - `cargo xtask bench [ARGS]...`: runs the comparison benchmarks of `benches/`.
//!
//! It depends on nothing but `std`, so that it builds in seconds on a fresh checkout.

mod apt;
mod bench;
mod ci;
mod cmd;
mod goldens;
mod project;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task> [options]

tasks:
  ci [--skip STEP]... [--only STEP]... [--fail-fast]
        every check CI runs, in order: fmt clippy test build-alone doc goldens stress loom miri
  goldens [AREA|PROGRAM]... [--selfcheck] [--normalize] [--import DIR]
          [--jobs N] [--timeout SECONDS]
        build the facade's examples, run the seed programs' ports, compare with the goldens
        (default areas: goldens::CHECKED_AREAS; an argument may also name one program;
        --selfcheck compares every golden with itself; --normalize filters stdin)
  bench [ARGS]...
        cargo run --release --manifest-path benches/Cargo.toml -- ARGS...
  help  this text";

/// Why a task did not succeed.
#[derive(Debug)]
enum Failure {
    /// The command line was wrong: the message, then the usage text.
    Usage(String),
    /// The task ran and something failed; the details are already printed, this sums them up.
    Failed(String),
}

type TaskResult = Result<(), Failure>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (task, rest) = match args.split_first() {
        Some((task, rest)) => (task.as_str(), rest),
        None => ("help", &[][..]),
    };
    let result = match task {
        "ci" => ci::run(rest),
        "goldens" => goldens::run(rest),
        "bench" => bench::run(rest),
        "help" | "-h" | "--help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(Failure::Usage(format!("unknown task `{other}`"))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Failed(message)) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
