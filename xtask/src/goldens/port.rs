//! Running one port: stdin empty, stdout and stderr into one file, killed at the time limit.

use std::fs::File;
use std::io;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::cmd::scrub_cargo_run_env;
use crate::project;

/// How a port's run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ending {
    /// It exited with this status (128 + N when killed by signal N, as a shell reports it).
    Exited(i32),
    /// It was still running at the time limit, and was killed.
    TimedOut,
}

/// Runs `binary` from the project root and waits at most `limit` for it.
///
/// stdout and stderr go to `output`, both to the same open file, so they interleave as written,
/// as the shell's `>file 2>&1` does. A file rather than a pipe: a port whose child process
/// outlives it cannot keep the reader waiting for an end of file.
///
/// # Errors
///
/// The output file cannot be created or the binary cannot be started or waited for.
pub(crate) fn run(binary: &Path, output: &Path, limit: Duration) -> io::Result<Ending> {
    let file = File::create(output)?;
    let mut command = Command::new(binary);
    command
        .current_dir(project::root())
        .stdin(Stdio::null())
        .stdout(file.try_clone()?)
        .stderr(file);
    scrub_cargo_run_env(&mut command);
    own_process_group(&mut command);
    let mut child = command.spawn()?;
    let started = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Ending::Exited(shell_status(status)));
        }
        if started.elapsed() >= limit {
            kill(&mut child);
            return Ok(Ending::TimedOut);
        }
        // Most ports finish in well under a second; poll fast first, then back off.
        thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

/// The port leads its own process group, so that a timeout kills what it started too.
#[cfg(unix)]
fn own_process_group(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    command.process_group(0);
}

#[cfg(not(unix))]
fn own_process_group(_command: &mut Command) {}

/// Kills the port and its process group. The child is not reaped yet, so its id still names
/// its group and cannot have been reused.
fn kill(child: &mut Child) {
    #[cfg(unix)]
    {
        let group = format!("-{}", child.id());
        // `kill` is a procps/util-linux program on every Linux and macOS; if it is missing,
        // `Child::kill` below still ends the port itself.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[cfg(unix)]
fn shell_status(status: ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .or_else(|| status.signal().map(|signal| 128 + signal))
        .unwrap_or(-1)
}

#[cfg(not(unix))]
fn shell_status(status: ExitStatus) -> i32 {
    status.code().unwrap_or(-1)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::PermissionsExt;
    use std::path::PathBuf;

    /// A throwaway executable shell script standing in for a port.
    fn script(name: &str, body: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-port-test-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    #[test]
    fn stdout_and_stderr_interleave_in_one_file() {
        let port = script("interleave", "echo one; echo two >&2; echo three; exit 3");
        let output = port.with_extension("out");
        let ending = run(&port, &output, Duration::from_secs(20)).unwrap();
        assert_eq!(ending, Ending::Exited(3));
        assert_eq!(fs::read_to_string(&output).unwrap(), "one\ntwo\nthree\n");
    }

    #[test]
    fn stdin_is_empty() {
        let port = script("stdin", "cat; echo done");
        let output = port.with_extension("out");
        assert_eq!(
            run(&port, &output, Duration::from_secs(20)).unwrap(),
            Ending::Exited(0)
        );
        assert_eq!(fs::read_to_string(&output).unwrap(), "done\n");
    }

    #[test]
    fn a_port_past_the_limit_is_killed_with_its_children() {
        let port = script("sleeper", "echo start; sleep 30 & sleep 30; echo never");
        let output = port.with_extension("out");
        let started = Instant::now();
        let ending = run(&port, &output, Duration::from_millis(300)).unwrap();
        assert_eq!(ending, Ending::TimedOut);
        assert!(started.elapsed() < Duration::from_secs(10));
        assert_eq!(fs::read_to_string(&output).unwrap(), "start\n");
    }

    #[test]
    fn a_signal_reads_as_the_shell_reports_it() {
        let port = script("aborts", "kill -ABRT $$");
        let output = port.with_extension("out");
        assert_eq!(
            run(&port, &output, Duration::from_secs(20)).unwrap(),
            Ending::Exited(128 + 6)
        );
    }
}
