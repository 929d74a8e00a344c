//! `cargo xtask goldens`: the seed programs' Rust ports against the Python goldens.
//!
//! Every Python program of the seed examples has a port, the facade crate's example of the same
//! name with `-` turned into `_` (`s0-06-call-later` -> `examples/s0_06_call_later.rs`). This task
//! builds the examples, runs the ports of the chosen areas (4 at a time: most of them sleep), and
//! compares each output with the program's golden in `ports/goldens/` under the rules
//! of the seed folder's `compare.py` (see [`compare`]). A port that does not exist counts as failed.
//!
//! ```text
//! cargo xtask goldens                    the areas of CHECKED_AREAS
//! cargo xtask goldens B D                areas B and D
//! cargo xtask goldens s0-06-call-later   one program
//! cargo xtask goldens --selfcheck        every golden compared with itself, as a port's output
//! cargo xtask goldens --normalize < OUT  a port's output as the comparison sees it
//! cargo xtask goldens --import DIR       refresh the copy from a seed-examples folder
//! ```

mod compare;
mod manifest;
mod normalize;
mod port;

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::cmd::Cmd;
use crate::{Failure, TaskResult, project};
use manifest::{Mode, Program};
use port::Ending;

/// The areas `cargo xtask goldens` (and `cargo xtask ci`) check when given none: the ones whose
/// ports are expected to pass. Add an area here once its ports are written.
pub(crate) const CHECKED_AREAS: &[&str] = &["A", "B", "C", "D", "E"];

/// The port that runs a real `redis-server` (installed by [`crate::apt::ensure`] when missing).
const REDIS_PORT: &str = "s3-03-redis-dynamic-tasks";

/// Ports run at the same time. Most of them sleep rather than compute.
const JOBS: usize = 4;

/// A port still running after this long has failed (it is killed).
const TIMEOUT: Duration = Duration::from_secs(60);

/// The project's copy of the goldens and their manifest.
fn goldens_dir() -> PathBuf {
    project::root().join("ports/goldens")
}

/// What the command line asks for.
#[derive(Debug)]
struct Options {
    /// Areas and program names; empty for [`CHECKED_AREAS`].
    selection: Vec<String>,
    selfcheck: bool,
    /// Normalize stdin to stdout (to see a port's output as the comparison sees it).
    normalize: bool,
    import: Option<PathBuf>,
    jobs: usize,
    timeout: Duration,
}

fn parse_options(args: &[String]) -> Result<Options, Failure> {
    let mut options = Options {
        selection: Vec::new(),
        selfcheck: false,
        normalize: false,
        import: None,
        jobs: JOBS,
        timeout: TIMEOUT,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .cloned()
                .ok_or_else(|| Failure::Usage(format!("{name} needs a value")))
        };
        match arg.as_str() {
            "--selfcheck" => options.selfcheck = true,
            "--normalize" => options.normalize = true,
            "--import" => options.import = Some(PathBuf::from(value("--import")?)),
            "--jobs" => {
                options.jobs = value("--jobs")?
                    .parse()
                    .ok()
                    .filter(|&jobs| jobs > 0)
                    .ok_or_else(|| Failure::Usage("--jobs needs a positive number".into()))?;
            }
            "--timeout" => {
                let seconds: f64 = value("--timeout")?
                    .parse()
                    .ok()
                    .filter(|&seconds: &f64| seconds > 0.0 && seconds.is_finite())
                    .ok_or_else(|| {
                        Failure::Usage("--timeout needs a positive number of seconds".into())
                    })?;
                options.timeout = Duration::from_secs_f64(seconds);
            }
            flag if flag.starts_with('-') => {
                return Err(Failure::Usage(format!("unknown goldens option `{flag}`")));
            }
            selected => options.selection.push(selected.to_owned()),
        }
    }
    Ok(options)
}

/// `cargo xtask goldens ...`.
pub(crate) fn run(args: &[String]) -> TaskResult {
    let options = parse_options(args)?;
    if let Some(source) = &options.import {
        import(source)?;
        if !options.selfcheck && options.selection.is_empty() {
            return Ok(());
        }
    }
    if options.normalize {
        return normalize_stdin();
    }
    if options.selfcheck {
        return selfcheck();
    }
    check(&options.selection, options.jobs, options.timeout)
}

/// The default check, as `cargo xtask ci` runs it.
pub(crate) fn check_default() -> TaskResult {
    check(&[], JOBS, TIMEOUT)
}

fn load_manifest() -> Result<Vec<Program>, Failure> {
    let path = goldens_dir().join("manifest.tsv");
    let text = fs::read_to_string(&path)
        .map_err(|error| Failure::Failed(format!("cannot read {}: {error}", path.display())))?;
    manifest::parse(&text).map_err(|error| Failure::Failed(format!("{}: {error}", path.display())))
}

fn read_golden(program: &Program) -> Result<String, String> {
    let path = goldens_dir().join(format!("{}.golden", program.name));
    let bytes =
        fs::read(&path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8", path.display()))?;
    Ok(compare::decode(text.as_bytes()))
}

/// The programs named by areas and program names (manifest order), or by [`CHECKED_AREAS`].
fn select<'a>(programs: &'a [Program], selection: &[String]) -> Result<Vec<&'a Program>, Failure> {
    let wanted: Vec<String> = if selection.is_empty() {
        CHECKED_AREAS
            .iter()
            .map(|area| (*area).to_owned())
            .collect()
    } else {
        selection.to_vec()
    };
    for name in &wanted {
        let known = programs
            .iter()
            .any(|program| &program.area == name || &program.name == name);
        if !known {
            let mut areas: Vec<&str> = programs
                .iter()
                .map(|program| program.area.as_str())
                .collect();
            areas.sort_unstable();
            areas.dedup();
            return Err(Failure::Usage(format!(
                "`{name}` is neither an area ({}) nor a program of the manifest",
                areas.join(" ")
            )));
        }
    }
    Ok(programs
        .iter()
        .filter(|program| {
            wanted
                .iter()
                .any(|name| name == &program.area || name == &program.name)
        })
        .collect())
}

/// Builds the examples, runs the selected ports, compares, and prints the verdicts.
fn check(selection: &[String], jobs: usize, timeout: Duration) -> TaskResult {
    let programs = load_manifest()?;
    let selected = select(&programs, selection)?;
    if selected.iter().any(|program| program.name == REDIS_PORT) {
        crate::apt::ensure("redis-server", "redis-server", REDIS_PORT);
    }
    let build = Cmd::cargo([
        "build",
        "--release",
        "-p",
        "corio-ports",
        "--examples",
        "--all-features",
    ]);
    if !build.run().map_err(Failure::Failed)? {
        println!(
            "0 passed, {} failed (the examples do not build)",
            selected.len()
        );
        return Err(Failure::Failed(format!(
            "the examples do not build: {build}"
        )));
    }
    let examples = project::target_dir().join("release").join("examples");
    let outputs = project::target_dir().join("goldens");
    fs::create_dir_all(&outputs).map_err(|error| {
        Failure::Failed(format!("cannot create {}: {error}", outputs.display()))
    })?;
    let (present, missing): (Vec<&Program>, Vec<&Program>) = selected
        .iter()
        .partition(|program| examples.join(program.example()).is_file());
    println!(
        "running {} ports ({} at a time, {} s limit each); outputs in {}",
        present.len(),
        jobs,
        timeout.as_secs_f64(),
        outputs.display()
    );
    let verdicts = run_all(&present, &examples, &outputs, jobs, timeout);

    let mut failed = 0;
    for program in &selected {
        let problem = match verdicts.iter().find(|(name, _)| name == &program.name) {
            Some((_, verdict)) => verdict.as_ref().err().cloned(),
            None if missing.contains(program) => Some(format!(
                "no port ({} does not exist)",
                examples.join(program.example()).display()
            )),
            None => Some("not run: the worker thread running it panicked".to_owned()),
        };
        if let Some(problem) = problem {
            failed += 1;
            println!("FAIL {}: {problem}", program.name);
        }
    }
    println!(
        "{} passed, {failed} failed ({} missing)",
        selected.len() - failed,
        missing.len()
    );
    if failed == 0 {
        Ok(())
    } else {
        Err(Failure::Failed(format!(
            "{failed} of {} ports do not match their goldens",
            selected.len()
        )))
    }
}

/// Runs the ports `jobs` at a time; each program's name with its verdict.
fn run_all(
    programs: &[&Program],
    examples: &Path,
    outputs: &Path,
    jobs: usize,
    timeout: Duration,
) -> Vec<(String, Result<(), String>)> {
    let next = AtomicUsize::new(0);
    thread::scope(|scope| {
        let workers: Vec<_> = (0..jobs.min(programs.len()))
            .map(|_| {
                scope.spawn(|| {
                    let mut verdicts = Vec::new();
                    while let Some(program) = programs.get(next.fetch_add(1, Ordering::Relaxed)) {
                        let started = Instant::now();
                        let verdict = check_port(program, examples, outputs, timeout);
                        let word = if verdict.is_ok() { "ok" } else { "fail" };
                        println!(
                            "{word:4} {} {:.1}s",
                            program.name,
                            started.elapsed().as_secs_f64()
                        );
                        verdicts.push((program.name.clone(), verdict));
                    }
                    verdicts
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                worker.join().unwrap_or_else(|_| {
                    vec![(
                        "(a worker)".to_owned(),
                        Err("the worker thread panicked".to_owned()),
                    )]
                })
            })
            .collect()
    })
}

/// Runs one port and compares its output with the golden.
fn check_port(
    program: &Program,
    examples: &Path,
    outputs: &Path,
    timeout: Duration,
) -> Result<(), String> {
    let binary = examples.join(program.example());
    let output = outputs.join(format!("{}.out", program.name));
    let ending = port::run(&binary, &output, timeout)
        .map_err(|error| format!("cannot run {}: {error}", binary.display()))?;
    let status = match ending {
        Ending::Exited(status) => status,
        Ending::TimedOut => {
            return Err(format!(
                "timed out after {} s (killed)",
                timeout.as_secs_f64()
            ));
        }
    };
    let text = fs::read(&output)
        .map(|bytes| compare::decode(&bytes))
        .map_err(|error| format!("cannot read {}: {error}", output.display()))?;
    let golden = if program.mode == Mode::RunOnly {
        String::new()
    } else {
        read_golden(program)?
    };
    compare::compare(program, &golden, &text, status)
}

/// `--normalize`: stdin through the normalization rules to stdout, as `normalize.py` does.
fn normalize_stdin() -> TaskResult {
    let mut bytes = Vec::new();
    io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|error| Failure::Failed(format!("cannot read stdin: {error}")))?;
    let text = compare::decode(&bytes);
    let mut lines: Vec<&str> = text.split('\n').collect();
    let trailing = lines.last() == Some(&"");
    if trailing {
        lines.pop();
    }
    let mut out = normalize::normalize(&lines).join("\n");
    if trailing {
        out.push('\n');
    }
    io::stdout()
        .write_all(out.as_bytes())
        .map_err(|error| Failure::Failed(format!("cannot write stdout: {error}")))
}

/// Every golden, compared with itself as if it were a port's output: the exact and sorted ones
/// must pass. This proves that normalizing is idempotent on goldens and that the comparison
/// accepts them: a port printing what Python printed passes.
fn selfcheck() -> TaskResult {
    let programs = load_manifest()?;
    let problems = selfcheck_problems(&programs);
    for problem in &problems {
        println!("FAIL {problem}");
    }
    println!(
        "{} passed, {} failed (goldens compared with themselves)",
        programs.len() - problems.len(),
        problems.len()
    );
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failure::Failed(format!(
            "{} goldens do not match themselves",
            problems.len()
        )))
    }
}

fn selfcheck_problems(programs: &[Program]) -> Vec<String> {
    programs
        .iter()
        .filter_map(|program| {
            let verdict = read_golden(program)
                .and_then(|golden| compare::compare(program, &golden, &golden, program.code));
            verdict
                .err()
                .map(|problem| format!("{}: {problem}", program.name))
        })
        .collect()
}

/// Copies `manifest.tsv` and every `*.golden` of a seed-examples folder into the project's copy.
fn import(source: &Path) -> TaskResult {
    let failed = |what: String| Failure::Failed(what);
    let target = goldens_dir();
    let manifest = source.join("manifest.tsv");
    let text = fs::read_to_string(&manifest)
        .map_err(|error| failed(format!("cannot read {}: {error}", manifest.display())))?;
    let programs = manifest::parse(&text)
        .map_err(|error| failed(format!("{}: {error}", manifest.display())))?;
    let entries = fs::read_dir(source)
        .map_err(|error| failed(format!("cannot list {}: {error}", source.display())))?;
    fs::create_dir_all(&target)
        .map_err(|error| failed(format!("cannot create {}: {error}", target.display())))?;
    let mut copied = 0;
    for entry in entries {
        let path = entry
            .map_err(|error| failed(format!("cannot list {}: {error}", source.display())))?
            .path();
        if path
            .extension()
            .is_some_and(|extension| extension == "golden")
        {
            let name = path.file_name().unwrap_or_default();
            fs::copy(&path, target.join(name))
                .map_err(|error| failed(format!("cannot copy {}: {error}", path.display())))?;
            copied += 1;
        }
    }
    fs::write(target.join("manifest.tsv"), text)
        .map_err(|error| failed(format!("cannot write the manifest: {error}")))?;
    println!(
        "imported the manifest ({} programs) and {copied} goldens into {}",
        programs.len(),
        target.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<String> {
        words.iter().map(|word| (*word).to_owned()).collect()
    }

    #[test]
    fn every_golden_passes_its_own_comparison() {
        let programs = load_manifest().unwrap();
        assert!(
            programs.len() >= 100,
            "the manifest lists the seed programs"
        );
        assert_eq!(selfcheck_problems(&programs), Vec::<String>::new());
    }

    #[test]
    fn every_program_has_a_golden() {
        for program in load_manifest().unwrap() {
            assert!(read_golden(&program).is_ok(), "{}", program.name);
        }
    }

    #[test]
    fn a_different_output_fails_a_golden() {
        // s0-07-call-at: the callbacks' order and loop-time offsets are what the port must show.
        let programs = load_manifest().unwrap();
        let program = programs
            .iter()
            .find(|program| program.name == "s0-07-call-at")
            .unwrap();
        let golden = read_golden(program).unwrap();
        let good = "entering event loop\nclock time: 1763745781.5\nloop  time: 8021.25\n\
                    registering callbacks\ncallback 3 invoked at 8021.2502\n\
                    callback 2 invoked at 8021.3511\ncallback 1 invoked at 8021.4507\n\
                    closing event loop\n";
        assert_eq!(compare::compare(program, &golden, good, 0), Ok(()));
        let late = good.replace("8021.3511", "8021.4511");
        assert_eq!(
            compare::compare(program, &golden, &late, 0),
            Err("line 6: wanted 'callback 2 invoked at <LOOPTIME+0.1>', \
                 got 'callback 2 invoked at <LOOPTIME+0.2>'"
                .to_owned())
        );
    }

    #[test]
    fn selection_by_area_and_name() {
        let programs = load_manifest().unwrap();
        let default = select(&programs, &[]).unwrap();
        assert!(
            default
                .iter()
                .all(|program| CHECKED_AREAS.contains(&program.area.as_str()))
        );
        assert!(!default.is_empty());
        let one = select(&programs, &args(&["s0-06-call-later"])).unwrap();
        assert_eq!(one.len(), 1);
        let mixed = select(&programs, &args(&["s0-06-call-later", "B"])).unwrap();
        assert!(mixed.len() > 1 && mixed.iter().any(|program| program.area == "B"));
        assert!(matches!(
            select(&programs, &args(&["Z"])),
            Err(Failure::Usage(message)) if message.contains("A B C D E")
        ));
    }

    #[test]
    fn options() {
        let options = parse_options(&args(&["B", "--jobs", "2", "--timeout", "1.5"])).unwrap();
        assert_eq!(options.selection, ["B"]);
        assert_eq!(options.jobs, 2);
        assert_eq!(options.timeout, Duration::from_millis(1500));
        assert!(matches!(
            parse_options(&args(&["--jobs", "0"])),
            Err(Failure::Usage(_))
        ));
        assert!(matches!(
            parse_options(&args(&["--timeout"])),
            Err(Failure::Usage(_))
        ));
        assert!(matches!(
            parse_options(&args(&["--bogus"])),
            Err(Failure::Usage(_))
        ));
    }
}
