//! [`Command`]: std's `Command` builder, spawning children whose pipes and exit the loop
//! watches; [`Stdio`]: asyncio's `PIPE`, `DEVNULL`, `STDOUT` and inheritance.

use std::ffi::OsStr;
use std::fmt;
use std::future::{IntoFuture, Ready, ready};
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::Path;

use corio_net::{StreamReader, StreamWriter};
use rustix::pipe::{PipeFlags, pipe_with};

use super::child::Process;
use super::pipes::{ChildStderr, ChildStdin, ChildStdout};
use crate::ProcessError;

/// What a child's stdin, stdout or stderr is connected to (asyncio's `stdin=`/`stdout=`/
/// `stderr=` arguments).
///
/// # Examples
///
/// ```
/// use corio_process::{Command, Stdio};
///
/// let mut cmd = Command::new("ls");
/// cmd.stdout(Stdio::piped()).stderr(Stdio::stdout()).stdin(Stdio::null());
/// ```
#[derive(Debug)]
pub struct Stdio(Kind);

#[derive(Debug)]
enum Kind {
    Inherit,
    Piped,
    Null,
    /// stderr only: the same place as stdout.
    Stdout,
    Fd(OwnedFd),
}

impl Stdio {
    /// A pipe to the parent (asyncio's `subprocess.PIPE`): the [`Process`] gets its end as
    /// `stdin`, `stdout` or `stderr`.
    ///
    /// # Examples
    ///
    /// See [`Stdio`].
    #[doc(alias = "PIPE")]
    pub fn piped() -> Stdio {
        Stdio(Kind::Piped)
    }

    /// `/dev/null` (asyncio's `subprocess.DEVNULL`).
    ///
    /// # Examples
    ///
    /// See [`Stdio`].
    #[doc(alias = "DEVNULL")]
    pub fn null() -> Stdio {
        Stdio(Kind::Null)
    }

    /// The parent's own stream (asyncio's `None`, the default).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cmd = corio_process::Command::new("true");
    /// cmd.stderr(corio_process::Stdio::inherit());
    /// ```
    pub fn inherit() -> Stdio {
        Stdio(Kind::Inherit)
    }

    /// For stderr: wherever stdout goes (asyncio's `subprocess.STDOUT`). Given for stdin or
    /// stdout, spawning fails with `InvalidInput`.
    ///
    /// # Examples
    ///
    /// See [`Stdio`].
    #[doc(alias = "STDOUT")]
    pub fn stdout() -> Stdio {
        Stdio(Kind::Stdout)
    }

    /// A copy of `fd` each time the command is spawned (a file, a socket, a pipe end).
    ///
    /// # Examples
    ///
    /// ```
    /// let log = std::fs::File::create(std::env::temp_dir().join("corio-doc-log.txt"))?;
    /// let mut cmd = corio_process::Command::new("true");
    /// cmd.stdout(corio_process::Stdio::from_fd(log.into()));
    /// # std::io::Result::Ok(())
    /// ```
    pub fn from_fd(fd: OwnedFd) -> Stdio {
        Stdio(Kind::Fd(fd))
    }
}

/// A child process to start: std's [`Command`](std::process::Command) builder (which it
/// wraps; [`as_std_mut`](Command::as_std_mut) reaches the rest of it), with asyncio's stdio
/// choices, spawning a [`Process`] that the loop watches. Awaiting a `Command` spawns it, so
/// `create_subprocess_exec(...).stdout(Stdio::piped()).await?` reads like asyncio's
/// `await create_subprocess_exec(..., stdout=PIPE)`.
///
/// Spawning needs a running corio loop (its reactor watches the pipes and the exit). The
/// `fork`/`exec` itself is a blocking call of a few hundred microseconds, as in asyncio and
/// tokio.
///
/// # Examples
///
/// ```
/// use corio_process::{Stdio, create_subprocess_exec};
///
/// corio_runtime::run(async {
///     let mut child = create_subprocess_exec("sh", ["-c", "echo out; echo err >&2; exit 3"])
///         .stdout(Stdio::piped())
///         .stderr(Stdio::piped())
///         .env("LANG", "C")
///         .await?;
///     let out = child.communicate(None).await?;
///     assert_eq!(out.stdout, b"out\n");
///     assert_eq!(out.stderr, b"err\n");
///     assert_eq!(out.returncode, 3);
///     Ok::<(), corio_process::ProcessError>(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Command {
    inner: std::process::Command,
    stdin: Stdio,
    stdout: Stdio,
    stderr: Stdio,
    kill_on_drop: bool,
}

/// A [`Command`] for `program` with `args` (asyncio's `create_subprocess_exec(program, *args)`);
/// set its stdio and environment, then `.await` or [`spawn`](Command::spawn) it.
///
/// # Examples
///
/// ```
/// corio_runtime::run(async {
///     let mut child = corio_process::create_subprocess_exec("true", [] as [&str; 0]).await?;
///     assert_eq!(child.wait().await?, 0);
///     Ok::<(), corio_process::ProcessError>(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn create_subprocess_exec<I, S>(program: impl AsRef<OsStr>, args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut cmd = Command::new(program);
    cmd.args(args);
    cmd
}

/// A [`Command`] running `cmd` through `/bin/sh -c` (asyncio's `create_subprocess_shell`).
/// Quoting is the caller's job, as in asyncio.
///
/// # Examples
///
/// ```
/// use corio_process::{Stdio, create_subprocess_shell};
///
/// corio_runtime::run(async {
///     let mut child = create_subprocess_shell("echo $((6 * 7))").stdout(Stdio::piped()).await?;
///     assert_eq!(child.communicate(None).await?.stdout, b"42\n");
///     Ok::<(), corio_process::ProcessError>(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn create_subprocess_shell(cmd: impl AsRef<OsStr>) -> Command {
    Command::shell(cmd)
}

impl Command {
    /// A command for `program` (looked up in `PATH` when it has no `/`), with the parent's
    /// environment, directory and stdio.
    ///
    /// # Examples
    ///
    /// ```
    /// let cmd = corio_process::Command::new("ls");
    /// assert_eq!(cmd.as_std().get_program(), "ls");
    /// ```
    pub fn new(program: impl AsRef<OsStr>) -> Command {
        Command {
            inner: std::process::Command::new(program),
            stdin: Stdio::inherit(),
            stdout: Stdio::inherit(),
            stderr: Stdio::inherit(),
            kill_on_drop: false,
        }
    }

    /// A command running `cmd` through `/bin/sh -c`.
    ///
    /// # Examples
    ///
    /// ```
    /// let cmd = corio_process::Command::shell("echo hi | tr a-z A-Z");
    /// assert_eq!(cmd.as_std().get_program(), "/bin/sh");
    /// ```
    pub fn shell(cmd: impl AsRef<OsStr>) -> Command {
        let mut command = Command::new("/bin/sh");
        command.arg("-c").arg(cmd);
        command
    }

    /// Adds an argument.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cmd = corio_process::Command::new("echo");
    /// cmd.arg("hello");
    /// ```
    pub fn arg(&mut self, arg: impl AsRef<OsStr>) -> &mut Command {
        self.inner.arg(arg);
        self
    }

    /// Adds arguments.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cmd = corio_process::Command::new("echo");
    /// cmd.args(["a", "b"]);
    /// ```
    pub fn args<I, S>(&mut self, args: I) -> &mut Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.inner.args(args);
        self
    }

    /// Sets an environment variable for the child.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cmd = corio_process::Command::new("env");
    /// cmd.env("GREETING", "hi");
    /// ```
    pub fn env(&mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> &mut Command {
        self.inner.env(key, value);
        self
    }

    /// Sets environment variables for the child.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cmd = corio_process::Command::new("env");
    /// cmd.envs([("A", "1"), ("B", "2")]);
    /// ```
    pub fn envs<I, K, V>(&mut self, vars: I) -> &mut Command
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.inner.envs(vars);
        self
    }

    /// Removes a variable from the child's environment.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cmd = corio_process::Command::new("env");
    /// cmd.env_remove("HOME");
    /// ```
    pub fn env_remove(&mut self, key: impl AsRef<OsStr>) -> &mut Command {
        self.inner.env_remove(key);
        self
    }

    /// Starts the child with an empty environment (plus what [`env`](Command::env) adds).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cmd = corio_process::Command::new("/usr/bin/env");
    /// cmd.env_clear().env("ONLY", "this");
    /// ```
    pub fn env_clear(&mut self) -> &mut Command {
        self.inner.env_clear();
        self
    }

    /// The child's working directory (asyncio's `cwd=`).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cmd = corio_process::Command::new("pwd");
    /// cmd.current_dir("/");
    /// ```
    pub fn current_dir(&mut self, dir: impl AsRef<Path>) -> &mut Command {
        self.inner.current_dir(dir);
        self
    }

    /// The child's stdin.
    ///
    /// # Examples
    ///
    /// See [`Stdio`].
    pub fn stdin(&mut self, cfg: Stdio) -> &mut Command {
        self.stdin = cfg;
        self
    }

    /// The child's stdout.
    ///
    /// # Examples
    ///
    /// See [`Stdio`].
    pub fn stdout(&mut self, cfg: Stdio) -> &mut Command {
        self.stdout = cfg;
        self
    }

    /// The child's stderr ([`Stdio::stdout`] sends it where stdout goes).
    ///
    /// # Examples
    ///
    /// See [`Stdio`].
    pub fn stderr(&mut self, cfg: Stdio) -> &mut Command {
        self.stderr = cfg;
        self
    }

    /// Puts the child in process group `pgroup`, `0` for a new group of its own (asyncio's
    /// `process_group=`, Python 3.11). A signal sent to the group reaches its children too.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cmd = corio_process::Command::new("sleep");
    /// cmd.arg("1").process_group(0);
    /// ```
    pub fn process_group(&mut self, pgroup: i32) -> &mut Command {
        self.inner.process_group(pgroup);
        self
    }

    /// Whether dropping the [`Process`] while the child runs kills it (SIGKILL) before handing
    /// it to the reaper. Off by default: a dropped `Process` leaves its child running, and the
    /// child is reaped when it ends (asyncio kills it when the transport is garbage
    /// collected; tokio's `kill_on_drop` is this switch).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cmd = corio_process::Command::new("sleep");
    /// cmd.arg("1000").kill_on_drop(true);
    /// ```
    pub fn kill_on_drop(&mut self, kill: bool) -> &mut Command {
        self.kill_on_drop = kill;
        self
    }

    /// The std builder underneath.
    ///
    /// # Examples
    ///
    /// ```
    /// let cmd = corio_process::Command::new("ls");
    /// assert_eq!(cmd.as_std().get_args().count(), 0);
    /// ```
    pub fn as_std(&self) -> &std::process::Command {
        &self.inner
    }

    /// The std builder underneath, for what this one does not wrap (`uid`, `gid`, `arg0`,
    /// `pre_exec` ...). Its stdio settings are overwritten at spawn: set them here instead.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::process::CommandExt;
    /// let mut cmd = corio_process::Command::new("ls");
    /// cmd.as_std_mut().arg0("list");
    /// ```
    pub fn as_std_mut(&mut self) -> &mut std::process::Command {
        &mut self.inner
    }

    /// Starts the child. Call it inside a running loop: its pipes and its exit are watched by
    /// that loop's reactor.
    ///
    /// # Errors
    ///
    /// [`ProcessError::NoRunningLoop`] outside a loop; [`ProcessError::Io`] if the program
    /// cannot be started (not found: `NotFound`; not executable: `PermissionDenied`), if
    /// [`Stdio::stdout`] was given for stdin or stdout (`InvalidInput`), or if pipes cannot be
    /// made.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_process::{Command, ProcessError};
    ///
    /// corio_runtime::run(async {
    ///     let err = Command::new("/no/such/program").spawn().unwrap_err();
    ///     assert!(matches!(err, ProcessError::Io(e) if e.kind() == std::io::ErrorKind::NotFound));
    ///     let mut child = Command::new("true").spawn()?;
    ///     assert_eq!(child.wait().await?, 0);
    ///     Ok::<(), ProcessError>(())
    /// })??;
    /// assert!(matches!(Command::new("true").spawn(), Err(ProcessError::NoRunningLoop)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn spawn(&mut self) -> Result<Process, ProcessError> {
        let raw = self.spawn_raw()?;
        let mut process = raw.process;
        process.stdin = raw.stdin.map(StreamWriter::new);
        process.stdout = raw.stdout.map(StreamReader::new);
        process.stderr = raw.stderr.map(StreamReader::new);
        Ok(process)
    }

    /// Starts the child; its pipes come apart from the [`Process`] (for the protocol driver,
    /// which reads and writes them itself).
    pub(crate) fn spawn_raw(&mut self) -> Result<RawChild, ProcessError> {
        if corio_reactor::Reactor::current().is_none() {
            return Err(ProcessError::NoRunningLoop);
        }
        let mut parent = ParentEnds::default();
        let spawned = self
            .configure(&mut parent)
            .and_then(|()| self.inner.spawn());
        // The child has its copies now; the parent must not keep the child's ends (a pipe
        // whose write end stays open here would never give EOF).
        self.inner
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let child = spawned?;
        Ok(RawChild {
            stdin: parent.stdin.map(ChildStdin::new).transpose()?,
            stdout: parent.stdout.map(ChildStdout::new).transpose()?,
            stderr: parent.stderr.map(ChildStderr::new).transpose()?,
            process: Process::new(child, self.kill_on_drop)?,
        })
    }

    /// Sets the std builder's stdio for one spawn, making pipes, keeping the parent's ends.
    fn configure(&mut self, parent: &mut ParentEnds) -> io::Result<()> {
        let stdin = match &self.stdin.0 {
            Kind::Piped => {
                let (read, write) = cloexec_pipe()?;
                parent.stdin = Some(write);
                std::process::Stdio::from(read)
            }
            other => plain(other, "stdin")?,
        };
        let (stdout, stdout_copy) = match &self.stdout.0 {
            Kind::Piped => {
                let (read, write) = cloexec_pipe()?;
                parent.stdout = Some(read);
                let copy = write.try_clone()?;
                (std::process::Stdio::from(write), Some(copy))
            }
            other => (plain(other, "stdout")?, None),
        };
        let stderr = match (&self.stderr.0, &self.stdout.0) {
            (Kind::Piped, _) => {
                let (read, write) = cloexec_pipe()?;
                parent.stderr = Some(read);
                std::process::Stdio::from(write)
            }
            (Kind::Stdout, Kind::Piped) => {
                std::process::Stdio::from(stdout_copy.expect("made with stdout's pipe"))
            }
            (Kind::Stdout, Kind::Inherit) => {
                std::process::Stdio::from(io::stdout().as_fd().try_clone_to_owned()?)
            }
            (Kind::Stdout, other) => plain(other, "stdout")?,
            (other, _) => plain(other, "stderr")?,
        };
        self.inner.stdin(stdin).stdout(stdout).stderr(stderr);
        Ok(())
    }
}

/// A child with its pipes apart from the [`Process`].
pub(crate) struct RawChild {
    pub(crate) process: Process,
    pub(crate) stdin: Option<ChildStdin>,
    pub(crate) stdout: Option<ChildStdout>,
    pub(crate) stderr: Option<ChildStderr>,
}

/// The parent's ends of the pipes made for one spawn.
#[derive(Default)]
struct ParentEnds {
    stdin: Option<OwnedFd>,
    stdout: Option<OwnedFd>,
    stderr: Option<OwnedFd>,
}

fn cloexec_pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    Ok(pipe_with(PipeFlags::CLOEXEC)?)
}

/// A std `Stdio` for the kinds that need no pipe.
fn plain(kind: &Kind, stream: &str) -> io::Result<std::process::Stdio> {
    Ok(match kind {
        Kind::Inherit => std::process::Stdio::inherit(),
        Kind::Null => std::process::Stdio::null(),
        Kind::Fd(fd) => std::process::Stdio::from(fd.try_clone()?),
        Kind::Stdout => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("Stdio::stdout() is for stderr only, not {stream}"),
            ));
        }
        Kind::Piped => unreachable!("pipes are made by the caller"),
    })
}

impl IntoFuture for Command {
    type Output = Result<Process, ProcessError>;
    type IntoFuture = Spawn;

    fn into_future(self) -> Spawn {
        Spawn {
            command: Some(self),
        }
    }
}

impl IntoFuture for &mut Command {
    type Output = Result<Process, ProcessError>;
    type IntoFuture = Ready<Result<Process, ProcessError>>;

    fn into_future(self) -> Self::IntoFuture {
        ready(self.spawn())
    }
}

/// The future of an awaited [`Command`]: spawns on its first poll (inside the loop).
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Spawn {
    command: Option<Command>,
}

impl std::future::Future for Spawn {
    type Output = Result<Process, ProcessError>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        match self.command.take() {
            Some(mut command) => std::task::Poll::Ready(command.spawn()),
            None => std::task::Poll::Ready(Err(ProcessError::Io(io::Error::other(
                "Spawn polled after completion",
            )))),
        }
    }
}

impl fmt::Debug for Spawn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Spawn")
            .field("spawned", &self.command.is_none())
            .finish()
    }
}

impl fmt::Debug for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Command")
            .field("command", &self.inner)
            .field("stdin", &self.stdin)
            .field("stdout", &self.stdout)
            .field("stderr", &self.stderr)
            .field("kill_on_drop", &self.kill_on_drop)
            .finish()
    }
}
