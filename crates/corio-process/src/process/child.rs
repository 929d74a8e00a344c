//! [`Process`]: a running child (asyncio's `asyncio.subprocess.Process`).

use std::fmt;
use std::future::poll_fn;
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, ExitStatus};

use corio_net::{StreamReader, StreamWriter};

use super::exit::ExitWatch;
use super::pipes::{ChildStderr, ChildStdin, ChildStdout};
use crate::{IntoSignal, ProcessError, Signal, SignalError};

/// A child process started by [`Command`](crate::Command) (asyncio's `Process`).
///
/// Its pipes are the public fields `stdin`, `stdout`, `stderr` (`Some` for those set to
/// [`Stdio::piped`](crate::Stdio::piped)), asyncio's stream objects: corio-net's
/// [`StreamWriter`] and [`StreamReader`] over the pipes. Take them to use them on their own;
/// [`StreamReader::into_parts`] gives the raw [`ChildStdout`] / [`ChildStderr`] (a
/// futures-io `AsyncRead`) back.
/// [`wait`](Process::wait) and [`communicate`](Process::communicate) reap the child without
/// blocking the loop (pidfd, or SIGCHLD on kernels without it).
///
/// Dropping a `Process` whose child still runs does not block and does not kill it (unless
/// [`kill_on_drop`](crate::Command::kill_on_drop) was set): the child is handed to a reaper
/// thread and reaped when it ends, so no zombie is left behind. Its pipes are closed.
///
/// # Examples
///
/// ```
/// use corio_process::{Command, Signal};
///
/// corio_runtime::run(async {
///     let mut child = Command::new("sleep").arg("30").spawn()?;
///     assert!(child.pid() > 0);
///     assert_eq!(child.returncode(), None);
///     child.kill()?;
///     assert_eq!(child.wait().await?, -9); // killed by signal 9, as asyncio says it
///     assert_eq!(child.returncode(), Some(-9));
///     Ok::<(), corio_process::ProcessError>(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// A `Process` stays on its loop's thread (its stream objects share state with the loop):
///
/// ```compile_fail
/// fn send<T: Send>() {}
/// send::<corio_process::Process>();
/// ```
pub struct Process {
    pid: u32,
    watch: ExitWatch,
    kill_on_drop: bool,
    /// The child's stdin, if piped: asyncio's `proc.stdin`, a corio-net [`StreamWriter`]
    /// (`write`, `drain`, `close`, `write_eof`) over the pipe.
    pub stdin: Option<StreamWriter<ChildStdin>>,
    /// The child's stdout, if piped: asyncio's `proc.stdout`, a corio-net [`StreamReader`]
    /// (`readline`, `read`, `readexactly`, `read_to_eof`; also `AsyncRead`).
    pub stdout: Option<StreamReader<ChildStdout>>,
    /// The child's stderr, if piped (as `stdout`).
    pub stderr: Option<StreamReader<ChildStderr>>,
}

/// What [`Process::communicate`] collected.
///
/// # Examples
///
/// ```
/// let out = corio_process::Output { returncode: 0, stdout: b"hi".to_vec(), stderr: Vec::new() };
/// assert_eq!(out.returncode, 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// As [`Process::returncode`].
    pub returncode: i32,
    /// Everything the child wrote on stdout (empty unless piped).
    pub stdout: Vec<u8>,
    /// Everything the child wrote on stderr (empty unless piped).
    pub stderr: Vec<u8>,
}

/// asyncio's returncode: the exit code, or `-N` when signal `N` ended the child.
pub(crate) fn returncode(status: ExitStatus) -> i32 {
    match (status.code(), status.signal()) {
        (Some(code), _) => code,
        (None, Some(signal)) => -signal,
        (None, None) => i32::MIN,
    }
}

impl Process {
    /// A process with no streams yet (the caller sets them).
    pub(crate) fn new(child: Child, kill_on_drop: bool) -> Result<Process, ProcessError> {
        let pid = child.id();
        let watch = match ExitWatch::new(child) {
            Ok(watch) => watch,
            Err(e) => return Err(ProcessError::Io(e)),
        };
        Ok(Process {
            pid,
            watch,
            kill_on_drop,
            stdin: None,
            stdout: None,
            stderr: None,
        })
    }

    /// The child's process id (asyncio's `pid`).
    ///
    /// # Examples
    ///
    /// See [`Process`].
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// The return code once the child was reaped by [`wait`](Process::wait),
    /// [`try_wait`](Process::try_wait) or [`communicate`](Process::communicate); `None`
    /// before (asyncio's `returncode`). Negative `-N` when signal `N` ended it.
    ///
    /// # Examples
    ///
    /// See [`Process`].
    pub fn returncode(&self) -> Option<i32> {
        self.watch.status().map(returncode)
    }

    /// The exit status as std gives it, once reaped.
    ///
    /// # Examples
    ///
    /// ```
    /// corio_runtime::run(async {
    ///     let mut child = corio_process::Command::new("false").spawn()?;
    ///     child.wait().await?;
    ///     assert_eq!(child.status().unwrap().code(), Some(1));
    ///     Ok::<(), corio_process::ProcessError>(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn status(&self) -> Option<ExitStatus> {
        self.watch.status()
    }

    /// Reaps the child if it has ended, without waiting; its return code then.
    ///
    /// # Errors
    ///
    /// The OS error of `waitpid` (none is expected).
    ///
    /// # Examples
    ///
    /// ```
    /// corio_runtime::run(async {
    ///     let mut child = corio_process::Command::new("sleep").arg("30").spawn()?;
    ///     assert_eq!(child.try_wait()?, None);
    ///     child.kill()?;
    ///     child.wait().await?;
    ///     Ok::<(), corio_process::ProcessError>(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn try_wait(&mut self) -> Result<Option<i32>, ProcessError> {
        Ok(self.watch.try_wait()?.map(returncode))
    }

    /// Waits for the child to end and returns its return code (asyncio's `wait()`).
    ///
    /// Unlike asyncio's, this cannot deadlock on a full pipe *by itself*, but a child that
    /// writes more than a pipe holds (64 KiB) to a piped stdout nobody reads blocks, and so
    /// does `wait`: read the pipes, or use [`communicate`](Process::communicate).
    ///
    /// # Errors
    ///
    /// The OS error of `waitpid` or of the pidfd (none is expected).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: the child keeps running and can be waited for again.
    ///
    /// # Examples
    ///
    /// See [`Process`].
    pub async fn wait(&mut self) -> Result<i32, ProcessError> {
        let status = poll_fn(|cx| self.watch.poll_wait(cx)).await?;
        Ok(returncode(status))
    }

    /// Sends `signal` (a [`Signal`] or its number) to the child (asyncio's `send_signal`).
    /// Through the child's pidfd when it has one, so the signal cannot reach another process
    /// that reused the pid.
    ///
    /// # Errors
    ///
    /// [`ProcessError::Exited`] if the child was reaped already (asyncio's
    /// `ProcessLookupError`); [`ProcessError::InvalidSignal`] for a number that is no signal
    /// here (asyncio: `ValueError`); [`ProcessError::Io`] for the OS error. Any signal of
    /// the system can be sent, real-time ones too.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_process::{Command, ProcessError, Signal};
    /// corio_runtime::run(async {
    ///     let mut child = Command::new("sleep").arg("30").spawn()?;
    ///     assert!(matches!(child.send_signal(99), Err(ProcessError::InvalidSignal(99))));
    ///     child.send_signal(Signal::USR1)?;
    ///     assert_eq!(child.wait().await?, -Signal::USR1.as_raw());
    ///     assert!(matches!(child.send_signal(Signal::USR1), Err(ProcessError::Exited)));
    ///     Ok::<(), corio_process::ProcessError>(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn send_signal(&mut self, signal: impl IntoSignal) -> Result<(), ProcessError> {
        let signal = signal.into_signal().map_err(|e| match e {
            SignalError::Invalid(n) => ProcessError::InvalidSignal(n),
            other => ProcessError::Io(std::io::Error::other(other)),
        })?;
        let raw = signal
            .to_rustix()
            .ok_or(ProcessError::InvalidSignal(signal.as_raw()))?;
        if self.watch.send_signal(raw)? {
            Ok(())
        } else {
            Err(ProcessError::Exited)
        }
    }

    /// Sends SIGTERM (asyncio's `terminate()`).
    ///
    /// # Errors
    ///
    /// As [`send_signal`](Process::send_signal).
    ///
    /// # Examples
    ///
    /// ```
    /// corio_runtime::run(async {
    ///     let mut child = corio_process::Command::new("sleep").arg("30").spawn()?;
    ///     child.terminate()?;
    ///     assert_eq!(child.wait().await?, -15);
    ///     Ok::<(), corio_process::ProcessError>(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn terminate(&mut self) -> Result<(), ProcessError> {
        self.send_signal(Signal::TERM)
    }

    /// Sends SIGKILL (asyncio's `kill()`).
    ///
    /// # Errors
    ///
    /// As [`send_signal`](Process::send_signal).
    ///
    /// # Examples
    ///
    /// See [`Process`].
    pub fn kill(&mut self) -> Result<(), ProcessError> {
        self.send_signal(Signal::KILL)
    }
}

impl Process {
    /// The poll form of [`wait`](Process::wait), for the protocol driver.
    pub(crate) fn poll_exit(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<ExitStatus>> {
        self.watch.poll_wait(cx)
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.watch.abandon(self.kill_on_drop);
    }
}

impl fmt::Debug for Process {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // asyncio: <Process 1234> while running, <Process 1234 returncode=0> after.
        let mut d = f.debug_struct("Process");
        d.field("pid", &self.pid);
        if let Some(code) = self.returncode() {
            d.field("returncode", &code);
        }
        d.finish()
    }
}
