//! A tiny runner for the `harness = false` process tests: runs named test functions,
//! catching panics, and exits non-zero if any failed.

#![allow(dead_code)] // each test binary uses part of it

use std::time::{Duration, Instant};

/// Far longer than any step needs on a loaded machine; a hang still ends as a failure.
pub(crate) const PATIENCE: Duration = Duration::from_secs(60);

/// Runs the tests that libtest's command line selects: `--list` (with `--format terse`, as
/// cargo-nextest asks) prints `name: test` lines and runs nothing (no test is `#[ignore]`d, so
/// `--list --ignored` prints none); names given run those (`--exact` matches whole names, else
/// substrings), none given runs all.
pub(crate) fn run(tests: &[(&str, fn())]) {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |f: &str| args.iter().any(|a| a == f);
    if flag("--list") {
        if !flag("--ignored") {
            for (name, _) in tests {
                println!("{name}: test");
            }
        }
        return;
    }
    if flag("--ignored") {
        return;
    }
    let exact = flag("--exact");
    let filter: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let mut failed = Vec::new();
    let mut ran = 0;
    for (name, test) in tests {
        let chosen = filter.is_empty()
            || filter.iter().any(|f| {
                if exact {
                    *name == f.as_str()
                } else {
                    name.contains(f.as_str())
                }
            });
        if !chosen {
            continue;
        }
        ran += 1;
        let start = Instant::now();
        match std::panic::catch_unwind(test) {
            Ok(()) => println!("test {name} ... ok ({:.2?})", start.elapsed()),
            Err(_) => {
                println!("test {name} ... FAILED");
                failed.push(*name);
            }
        }
    }
    println!(
        "\ntest result: {}. {} passed; {} failed",
        if failed.is_empty() { "ok" } else { "FAILED" },
        ran - failed.len(),
        failed.len()
    );
    if !failed.is_empty() {
        std::process::exit(101);
    }
}

pub(crate) fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < PATIENCE, "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Kills a process with SIGKILL through the real `kill` command.
pub(crate) fn kill9(pid: u32) {
    let status = std::process::Command::new("kill")
        .arg("-9")
        .arg(pid.to_string())
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -9 {pid} failed");
}
