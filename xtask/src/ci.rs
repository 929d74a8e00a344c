//! `cargo xtask ci`: every check CI runs, cheap gates first.
//!
//! Steps, in order: `fmt`, `clippy` (the cheap gates), `test` (unit, integration and doctests),
//! `build-alone` (each library crate alone, the facade with no feature and with each feature),
//! `doc` (docs.rs flags, warnings denied), `goldens` (the seed programs' ports), `stress` (a
//! 40-second release-mode storm of closes, remote wakes, cancels and selects over every
//! primitive, `crates/corio/tests/stress.rs`, with invariants checked at the end), `loom` and
//! `miri`.
//! Each step streams its commands' output; a summary table at the end gives each step's verdict,
//! its time, and for a failure the command that reproduces it. A step that cannot run here
//! (no loom tests yet, miri not installed) is a `skip`, said so, not a pass.
//!
//! Options: `--skip STEP` and `--only STEP` (repeatable, or comma-separated) choose the steps;
//! `--fail-fast` stops at the first failure (by default every step runs, so one run reports all).

mod workspace;

use std::fs;
use std::time::Instant;

use crate::cmd::Cmd;
use crate::{Failure, TaskResult, goldens, project};
use workspace::Crate;

/// The steps in the order they run.
const STEPS: [&str; 9] = [
    "fmt",
    "clippy",
    "test",
    "build-alone",
    "doc",
    "goldens",
    "stress",
    "loom",
    "miri",
];

/// How long the `stress` step storms, in seconds.
const STRESS_SECS: &str = "40";

/// The facade crate, whose features `build-alone` tries one by one.
const FACADE: &str = "corio";

/// How a step ended.
#[derive(Debug)]
enum Verdict {
    Ok,
    /// The commands that failed, as shell lines that reproduce them.
    Failed(Vec<String>),
    Skipped(String),
}

/// A step's verdict, with a note for the summary (e.g. which toolchain the docs were built with).
#[derive(Debug)]
struct Outcome {
    verdict: Verdict,
    note: Option<String>,
}

impl Outcome {
    fn skipped(reason: impl Into<String>) -> Self {
        Self {
            verdict: Verdict::Skipped(reason.into()),
            note: None,
        }
    }

    fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }
}

/// Runs commands in order; the outcome lists every one that failed (or could not start).
fn run_all(commands: &[Cmd]) -> Outcome {
    let failed: Vec<String> = commands
        .iter()
        .filter(|cmd| match cmd.run() {
            Ok(success) => !success,
            Err(error) => {
                println!("{error}");
                true
            }
        })
        .map(ToString::to_string)
        .collect();
    Outcome {
        verdict: if failed.is_empty() {
            Verdict::Ok
        } else {
            Verdict::Failed(failed)
        },
        note: None,
    }
}

#[derive(Debug)]
struct Options {
    steps: Vec<&'static str>,
    fail_fast: bool,
}

fn step_names(value: &str) -> Result<Vec<&'static str>, Failure> {
    value
        .split(',')
        .map(|name| {
            STEPS
                .iter()
                .copied()
                .find(|step| *step == name.trim())
                .ok_or_else(|| {
                    Failure::Usage(format!(
                        "unknown step `{name}`; the steps are: {}",
                        STEPS.join(" ")
                    ))
                })
        })
        .collect()
}

fn parse_options(args: &[String]) -> Result<Options, Failure> {
    let mut only: Vec<&'static str> = Vec::new();
    let mut skip: Vec<&'static str> = Vec::new();
    let mut fail_fast = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag, Some(value.to_owned())),
            None => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next().cloned())
                .ok_or_else(|| Failure::Usage(format!("{flag} needs a step name")))
        };
        match flag {
            "--only" => only.extend(step_names(&value()?)?),
            "--skip" => skip.extend(step_names(&value()?)?),
            "--fail-fast" => fail_fast = true,
            other => return Err(Failure::Usage(format!("unknown ci option `{other}`"))),
        }
    }
    let steps = STEPS
        .iter()
        .copied()
        .filter(|step| (only.is_empty() || only.contains(step)) && !skip.contains(step))
        .collect();
    Ok(Options { steps, fail_fast })
}

/// `cargo xtask ci ...`.
pub(crate) fn run(args: &[String]) -> TaskResult {
    let options = parse_options(args)?;
    let started = Instant::now();
    let mut results: Vec<(&str, Outcome, f64)> = Vec::new();
    let mut stop = false;
    for (index, &step) in STEPS.iter().enumerate() {
        if !options.steps.contains(&step) {
            results.push((step, Outcome::skipped("not selected"), 0.0));
            continue;
        }
        if stop {
            results.push((
                step,
                Outcome::skipped("--fail-fast: an earlier step failed"),
                0.0,
            ));
            continue;
        }
        println!("\n==> [{}/{}] {step}", index + 1, STEPS.len());
        let step_started = Instant::now();
        let outcome = run_step(step);
        let seconds = step_started.elapsed().as_secs_f64();
        println!("{}", summary_line(step, &outcome, seconds));
        stop = options.fail_fast && matches!(outcome.verdict, Verdict::Failed(_));
        results.push((step, outcome, seconds));
    }

    println!("\n==> summary");
    for (step, outcome, seconds) in &results {
        println!("{}", summary_line(step, outcome, *seconds));
        if let Verdict::Failed(commands) = &outcome.verdict {
            for command in commands {
                println!("         reproduce: {command}");
            }
        }
    }
    let total = started.elapsed().as_secs_f64();
    let failed: Vec<&str> = results
        .iter()
        .filter(|(_, outcome, _)| matches!(outcome.verdict, Verdict::Failed(_)))
        .map(|(step, _, _)| *step)
        .collect();
    let passed = results
        .iter()
        .filter(|(_, outcome, _)| matches!(outcome.verdict, Verdict::Ok))
        .count();
    let skipped = results.len() - passed - failed.len();
    println!("total {total:.1}s");
    // The plain closing line CI runners read: one per step.
    println!(
        "steps: {passed} passed, {} failed, {skipped} skipped",
        failed.len()
    );
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Failure::Failed(format!("ci failed: {}", failed.join(", "))))
    }
}

/// `[ok] clippy 35.2s`, `[FAIL] test 80.1s`, `[skip] loom (no crate has tests/loom_*.rs)`.
fn summary_line(step: &str, outcome: &Outcome, seconds: f64) -> String {
    let mut line = match &outcome.verdict {
        Verdict::Ok => format!("[ok]   {step:<12} {seconds:>6.1}s"),
        Verdict::Failed(_) => format!("[FAIL] {step:<12} {seconds:>6.1}s"),
        Verdict::Skipped(reason) => format!("[skip] {step:<12} {:>7} ({reason})", ""),
    };
    if let Some(note) = &outcome.note {
        line.push_str(&format!(" ({note})"));
    }
    line
}

fn run_step(step: &str) -> Outcome {
    match step {
        "fmt" => run_all(&[Cmd::cargo(["fmt", "--all", "--check"])]),
        "clippy" => run_all(&[Cmd::cargo([
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ])]),
        "test" => test(),
        "build-alone" => build_alone(),
        "doc" => doc(),
        "goldens" => match goldens::check_default() {
            Ok(()) => Outcome {
                verdict: Verdict::Ok,
                note: None,
            },
            Err(Failure::Usage(message) | Failure::Failed(message)) => {
                println!("{message}");
                Outcome {
                    verdict: Verdict::Failed(vec!["cargo xtask goldens".to_owned()]),
                    note: None,
                }
            }
        },
        "stress" => stress(),
        "loom" => loom(),
        "miri" => miri(),
        other => Outcome::skipped(format!("no step named {other}")),
    }
}

/// Unit and integration tests with nextest when it is installed (one process per test, run in
/// parallel), else `cargo test`; doctests with `cargo test --doc` (nextest does not run them).
fn test() -> Outcome {
    let nextest = Cmd::cargo(["nextest", "--version"]).probe().is_some();
    if nextest {
        run_all(&[
            Cmd::cargo(["nextest", "run", "--workspace", "--all-features"]),
            Cmd::cargo(["test", "--doc", "--workspace", "--all-features"]),
        ])
        .with_note("nextest + doctests")
    } else {
        run_all(&[Cmd::cargo(["test", "--workspace", "--all-features"])])
            .with_note("cargo test; nextest not installed")
    }
}

fn library_crates() -> Result<Vec<Crate>, Outcome> {
    workspace::crates(project::root()).map_err(|error| {
        println!("{error}");
        Outcome {
            verdict: Verdict::Failed(vec![format!("ls {}/crates", project::root().display())]),
            note: None,
        }
    })
}

/// Each library crate built alone (so no crate leans on a feature another crate turns on), and
/// the facade with no feature and with each one of its features.
fn build_alone() -> Outcome {
    let crates = match library_crates() {
        Ok(crates) => crates,
        Err(outcome) => return outcome,
    };
    let mut commands: Vec<Cmd> = crates
        .iter()
        .map(|krate| Cmd::cargo(["build", "-p", &krate.name]))
        .collect();
    if let Some(facade) = crates.iter().find(|krate| krate.name == FACADE) {
        let manifest = facade.dir.join("Cargo.toml");
        let features = fs::read_to_string(&manifest)
            .map(|toml| workspace::single_features(&toml))
            .unwrap_or_default();
        commands.push(Cmd::cargo(["build", "-p", FACADE, "--no-default-features"]));
        for feature in features {
            commands.push(Cmd::cargo([
                "build",
                "-p",
                FACADE,
                "--no-default-features",
                "--features",
                &feature,
            ]));
        }
    }
    let count = commands.len();
    run_all(&commands).with_note(format!("{count} builds"))
}

/// The docs as docs.rs builds them: `--cfg docsrs` turns on `feature(doc_cfg)`, which needs
/// nightly; without nightly, stable checks the docs without it.
fn doc() -> Outcome {
    let args = ["doc", "--workspace", "--all-features", "--no-deps"];
    let nightly = Cmd::new("rustup")
        .args(["run", "nightly", "rustc", "--version"])
        .probe()
        .is_some();
    if nightly {
        run_all(&[Cmd::cargo(["+nightly"])
            .args(args)
            .env("RUSTDOCFLAGS", "--cfg docsrs -D warnings")])
        .with_note("nightly, --cfg docsrs")
    } else {
        run_all(&[Cmd::cargo(args).env("RUSTDOCFLAGS", "-D warnings")])
            .with_note("stable without --cfg docsrs: nightly is not installed")
    }
}

/// The stress run of the facade (`tests/stress.rs`, ignored in the normal test run), in
/// release mode, for [`STRESS_SECS`].
fn stress() -> Outcome {
    run_all(&[Cmd::cargo([
        "test",
        "--release",
        "-p",
        FACADE,
        "--all-features",
        "--test",
        "stress",
        "--",
        "--ignored",
        "--nocapture",
    ])
    .env("CORIO_STRESS_SECS", STRESS_SECS)])
    .with_note(format!("{STRESS_SECS} s storm"))
}

/// The loom model tests, in their own target directory so that `--cfg loom` does not invalidate
/// the main build.
fn loom() -> Outcome {
    let crates = match library_crates() {
        Ok(crates) => crates,
        Err(outcome) => return outcome,
    };
    let with_loom = workspace::with_loom_tests(&crates);
    if with_loom.is_empty() {
        return Outcome::skipped("no crate has tests/loom_*.rs yet");
    }
    let mut cmd = Cmd::cargo(["test", "--release"]);
    for krate in &with_loom {
        cmd = cmd.args(["-p", &krate.name]);
    }
    let cmd = cmd
        .args(["--test", "loom_*"])
        .env("RUSTFLAGS", "--cfg loom")
        .env("LOOM_MAX_PREEMPTIONS", "2")
        .env("CARGO_TARGET_DIR", target_subdir("loom"));
    run_all(&[cmd])
}

/// Crates with `unsafe` that miri cannot check, and why. Each entry is printed when the step
/// runs, so leaving a crate out is never silent.
const MIRI_EXCLUDED: [(&str, &str); 2] = [
    (
        "corio-signal",
        "its unsafe is sigaction/raise/write FFI for a real SIGINT handler, which miri cannot \
         execute; its tests deliver real signals natively instead",
    ),
    (
        "corio-reactor",
        "its unsafe is FFI into epoll/timerfd (polling's Poller::add, BorrowedFd::borrow_raw), which \
     miri cannot execute (timerfd_create is unsupported); its tests run natively instead",
    ),
];

/// miri on every crate with `unsafe` code, strict provenance, in its own target directory.
fn miri() -> Outcome {
    let crates = match library_crates() {
        Ok(crates) => crates,
        Err(outcome) => return outcome,
    };
    let mut excluded = Vec::new();
    let with_unsafe: Vec<_> = workspace::with_unsafe(&crates)
        .into_iter()
        .filter(
            |krate| match MIRI_EXCLUDED.iter().find(|(name, _)| *name == krate.name) {
                Some((name, why)) => {
                    println!("miri: {name} left out: {why}");
                    excluded.push(*name);
                    false
                }
                None => true,
            },
        )
        .collect();
    if with_unsafe.is_empty() {
        return Outcome::skipped("no crate with unsafe code that miri can run");
    }
    let probe = Cmd::cargo(["+nightly", "miri", "--version"]);
    if probe.probe().is_none() {
        let install = Cmd::new("rustup").args([
            "component",
            "add",
            "--toolchain",
            "nightly",
            "miri",
            "rust-src",
        ]);
        // Installing is best effort: the probe below says whether it worked.
        let _ = install.run();
        if let Err(why) = probe.probe_error() {
            return Outcome::skipped(format!("not installed: {why}"));
        }
    }
    let commands: Vec<Cmd> = with_unsafe
        .iter()
        .map(|krate| {
            Cmd::cargo([
                "+nightly",
                "miri",
                "test",
                "-p",
                &krate.name,
                "--lib",
                "--tests",
            ])
            .env("MIRIFLAGS", "-Zmiri-strict-provenance")
            .env("CARGO_TARGET_DIR", target_subdir("miri"))
        })
        .collect();
    let names: Vec<&str> = with_unsafe
        .iter()
        .map(|krate| krate.name.as_str())
        .collect();
    let mut note = names.join(" ");
    if !excluded.is_empty() {
        note.push_str(&format!("; left out: {}", excluded.join(" ")));
    }
    run_all(&commands).with_note(note)
}

/// `<target>/<name>`, a target directory of its own for builds with other flags.
fn target_subdir(name: &str) -> String {
    project::target_dir().join(name).display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<String> {
        words.iter().map(|word| (*word).to_owned()).collect()
    }

    #[test]
    fn options_choose_steps() {
        assert_eq!(parse_options(&[]).unwrap().steps, STEPS);
        let only = parse_options(&args(&["--only", "fmt,clippy", "--only=doc"])).unwrap();
        assert_eq!(only.steps, ["fmt", "clippy", "doc"]);
        let skip = parse_options(&args(&["--skip", "miri", "--skip=loom", "--fail-fast"])).unwrap();
        assert_eq!(skip.steps.len(), STEPS.len() - 2);
        assert!(skip.fail_fast);
        assert!(matches!(
            parse_options(&args(&["--only", "lint"])),
            Err(Failure::Usage(message)) if message.contains("fmt clippy test")
        ));
        assert!(matches!(
            parse_options(&args(&["--skip"])),
            Err(Failure::Usage(_))
        ));
        assert!(matches!(
            parse_options(&args(&["fmt"])),
            Err(Failure::Usage(_))
        ));
    }

    #[test]
    fn summary_lines() {
        let ok = Outcome {
            verdict: Verdict::Ok,
            note: Some("nightly".to_owned()),
        };
        assert_eq!(
            summary_line("doc", &ok, 12.34),
            "[ok]   doc            12.3s (nightly)"
        );
        let failed = Outcome {
            verdict: Verdict::Failed(vec!["cargo fmt --all --check".to_owned()]),
            note: None,
        };
        assert!(summary_line("fmt", &failed, 0.5).starts_with("[FAIL] fmt"));
        let skipped = Outcome::skipped("no crate has tests/loom_*.rs yet");
        assert!(
            summary_line("loom", &skipped, 0.0).ends_with("(no crate has tests/loom_*.rs yet)")
        );
    }
}
