//! `cargo xtask bench [ARGS]...`: the comparison benchmarks (corio against tokio, smol, ...).
//!
//! They live in `benches/`, a workspace of its own (the root `Cargo.toml` excludes it), so that the
//! normal build and test never compile the other runtimes. This task only forwards to it.

use crate::cmd::Cmd;
use crate::{Failure, TaskResult, project};

/// Runs `cargo run --release --manifest-path benches/Cargo.toml -- ARGS...`.
pub(crate) fn run(args: &[String]) -> TaskResult {
    let manifest = project::root().join("benches").join("Cargo.toml");
    if !manifest.is_file() {
        return Err(Failure::Failed(format!(
            "{} does not exist yet: the benchmarks are a workspace of their own in benches/, \
             which has not been written",
            manifest.display()
        )));
    }
    crate::apt::ensure("wrk", "wrk", "the HTTP benchmark rows");
    let cmd = Cmd::cargo([
        "run",
        "--release",
        "--manifest-path",
        "benches/Cargo.toml",
        "--",
    ])
    .args(args.iter().cloned());
    if cmd.run().map_err(Failure::Failed)? {
        Ok(())
    } else {
        Err(Failure::Failed(format!("the benchmarks failed: {cmd}")))
    }
}
