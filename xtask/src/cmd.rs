//! A command the tasks run, printable as the shell line that reproduces it.

use std::fmt;
use std::process::{Command, Stdio};

use crate::project;

/// A program with its arguments and extra environment, run from the project root.
#[derive(Debug, Clone)]
pub(crate) struct Cmd {
    program: String,
    args: Vec<String>,
    envs: Vec<(String, String)>,
}

impl Cmd {
    pub(crate) fn new(program: impl Into<String>) -> Self {
        Self {
            program: program.into(),
            args: Vec::new(),
            envs: Vec::new(),
        }
    }

    /// `cargo ARGS...`, through the rustup proxy on `PATH` so that `+nightly` works.
    pub(crate) fn cargo<I, S>(args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::new("cargo").args(args)
    }

    pub(crate) fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    pub(crate) fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.envs.push((key.into(), value.into()));
        self
    }

    /// The `std` command: from the project root, with this command's environment, and without
    /// the variables `cargo run` set for the xtask itself (`CARGO` names the toolchain that built
    /// the xtask, which must not leak into a `cargo +nightly` below).
    pub(crate) fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command.args(&self.args).current_dir(project::root());
        scrub_cargo_run_env(&mut command);
        for (key, value) in &self.envs {
            command.env(key, value);
        }
        command
    }

    /// Runs with the output streamed to ours, after printing the command line; true on success.
    ///
    /// # Errors
    ///
    /// The program could not be started (not installed, not executable).
    pub(crate) fn run(&self) -> Result<bool, String> {
        println!("$ {self}");
        let status = self
            .command()
            .stdin(Stdio::null())
            .status()
            .map_err(|error| format!("cannot run `{self}`: {error}"))?;
        Ok(status.success())
    }

    /// Runs quietly; its stdout if it succeeded. For probes like `cargo nextest --version`.
    pub(crate) fn probe(&self) -> Option<String> {
        let output = self
            .command()
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()?;
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
    }

    /// Runs quietly; on failure the last lines of its stderr (why a tool is unavailable).
    pub(crate) fn probe_error(&self) -> Result<String, String> {
        match self.command().stdin(Stdio::null()).output() {
            Ok(output) if output.status.success() => {
                Ok(String::from_utf8_lossy(&output.stdout).into_owned())
            }
            Ok(output) => {
                let stderr = String::from_utf8_lossy(&output.stderr);
                let last = stderr.lines().rev().find(|line| !line.trim().is_empty());
                Err(last.unwrap_or("no message").trim().to_owned())
            }
            Err(error) => Err(error.to_string()),
        }
    }
}

/// Removes what `cargo run` sets for the binary it runs (package metadata, the cargo path).
pub(crate) fn scrub_cargo_run_env(command: &mut Command) {
    for (key, _) in std::env::vars_os() {
        let Some(key) = key.to_str() else { continue };
        let set_by_cargo_run = matches!(
            key,
            "CARGO"
                | "CARGO_MANIFEST_DIR"
                | "CARGO_MANIFEST_PATH"
                | "CARGO_CRATE_NAME"
                | "CARGO_BIN_NAME"
                | "CARGO_PRIMARY_PACKAGE"
        ) || key.starts_with("CARGO_PKG_");
        if set_by_cargo_run {
            command.env_remove(key);
        }
    }
}

/// Quotes a word for a POSIX shell when it needs it.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=+:,@%".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

impl fmt::Display for Cmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (key, value) in &self.envs {
            write!(f, "{key}={} ", shell_word(value))?;
        }
        f.write_str(&shell_word(&self.program))?;
        for arg in &self.args {
            write!(f, " {}", shell_word(arg))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_as_a_shell_line() {
        let cmd = Cmd::cargo(["test", "--test", "loom_*"])
            .env("RUSTFLAGS", "--cfg loom")
            .env("LOOM_MAX_PREEMPTIONS", "2");
        assert_eq!(
            cmd.to_string(),
            "RUSTFLAGS='--cfg loom' LOOM_MAX_PREEMPTIONS=2 cargo test --test 'loom_*'"
        );
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn probes_report_success_and_failure() {
        assert_eq!(
            Cmd::new("sh").args(["-c", "echo hi"]).probe().as_deref(),
            Some("hi\n")
        );
        assert_eq!(Cmd::new("sh").args(["-c", "exit 3"]).probe(), None);
        assert_eq!(
            Cmd::new("sh")
                .args(["-c", "echo nope >&2; exit 1"])
                .probe_error(),
            Err("nope".to_owned())
        );
    }
}
