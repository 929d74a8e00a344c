//! corio's comparison benchmarks: corio's event loop against tokio's current-thread runtime
//! and smol's `LocalExecutor`, side by side in one run (`cargo xtask bench`).
//!
//! Usage: `corio-benches [FILTER]... [--quick] [--runs=N] [--write]`
//!
//! - `FILTER`: run only the rows whose id contains one of these strings.
//! - `--quick`: one measured run per case instead of five (a smoke run).
//! - `--runs=N`: N measured runs per case (three times N for the latency cases).
//! - `--write`: rewrite `docs/benchmarks.md` and `docs/benchmarks.svg` from this run.
//! - `--only=corio|tokio|smol`: run a single contender, e.g. under `perf record` or
//!   `valgrind --tool=callgrind` (a competitor alone prints no table).
//!
//! Each case is warmed up once, then measured N times; the table shows medians.
//! The memory rows re-execute this binary (`--memory-child`) so that each runtime's peak RSS
//! is read in a fresh process.

mod cases;
mod machine;
mod measure;
mod memory;
mod report;
mod rng;
mod rt;
mod svg;

use std::process::ExitCode;

use crate::measure::{Options, run_all};

fn main() -> ExitCode {
    // The process-pool rows re-execute this binary as their workers: each crate's entry
    // point serves its parent there and never returns.
    cases::init_process_workers();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(memory::CHILD_FLAG) {
        return memory::child_main(&args[1..]);
    }
    if args.first().map(String::as_str) == Some(cases::IDLE_CHILD_FLAG) {
        return cases::idle_child_main(&args[1..]);
    }
    let options = match Options::parse(&args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("error: {message}");
            eprintln!(
                "usage: corio-benches [FILTER]... [--quick] [--runs=N] [--write] [--only=corio|tokio|smol]"
            );
            return ExitCode::from(2);
        }
    };
    let cases = cases::all();
    let known: Vec<&str> = cases.iter().flat_map(|c| c.row_ids()).collect();
    if let Some(bad) = options
        .filters
        .iter()
        .find(|f| !known.iter().any(|id| id.contains(f.as_str())))
    {
        eprintln!(
            "error: no row matches the filter {bad:?}; rows: {}",
            known.join(", ")
        );
        return ExitCode::from(2);
    }
    let results = run_all(&cases, &options);
    println!();
    println!("{}", report::text_table(&results));
    if options.write
        && let Err(e) = report::write_docs(&results, &options)
    {
        eprintln!("error: could not write the docs: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
