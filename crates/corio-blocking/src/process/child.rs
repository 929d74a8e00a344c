//! [`Process`]: Python's `multiprocessing.Process`: one registered function run in a
//! child process of its own, then joined.

use std::fmt;
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde::Serialize;
use thiserror::Error;

use super::check_registered;
use super::fds::{describe, serialize_with_fds};
use super::function::ProcessFn;
use super::spawn::Worker;
use super::wire::Request;
use crate::error::SubmitError;

/// Why a [`Process`] operation failed.
///
/// # Examples
///
/// ```
/// use corio_blocking::process::{Process, ProcessError, ProcessFn};
///
/// fn noop(_: ()) {}
/// static NOOP: ProcessFn<(), ()> = ProcessFn::new("noop", noop);
///
/// // `process::init` was not called in this program:
/// let err = Process::new(&NOOP, ()).unwrap_err();
/// assert!(matches!(err, ProcessError::Submit(_)));
/// ```
#[derive(Debug, Clone, Error)]
#[non_exhaustive]
pub enum ProcessError {
    /// The function or its argument cannot be sent (not initialised, not registered, not
    /// serialisable).
    #[error(transparent)]
    Submit(#[from] SubmitError),
    /// `start` on a process already started, or `set_daemon` after `start` (Python:
    /// `AssertionError: cannot start a process twice`, `process has already started`).
    #[error("cannot start a process twice")]
    AlreadyStarted,
    /// `join`, `terminate` or `kill` before `start` (Python: `AssertionError: can only join
    /// a started process`).
    #[error("can only join a started process")]
    NotStarted,
    /// `close` while the child runs (Python: `ValueError: Cannot close a process while it
    /// is still running`).
    #[error("cannot close a process while it is still running; call join() or terminate() first")]
    StillRunning,
    /// The process was closed with [`Process::close`] (Python: `ValueError: process object
    /// is closed`).
    #[error("process object is closed")]
    Closed,
    /// Starting, signalling or waiting for the child failed.
    #[error("process I/O failed: {0}")]
    Io(Arc<io::Error>),
}

impl From<io::Error> for ProcessError {
    fn from(error: io::Error) -> ProcessError {
        ProcessError::Io(Arc::new(error))
    }
}

enum State {
    New,
    Running(Worker),
    Exited {
        pid: u32,
        status: ExitStatus,
    },
    /// After `close`: what was known then.
    Closed {
        pid: Option<u32>,
        status: Option<ExitStatus>,
    },
}

/// Numbers the default names, `Process-1`, `Process-2`, ... as Python does.
static COUNTER: AtomicUsize = AtomicUsize::new(1);

/// A child process that runs one [`ProcessFn`] (Python's `multiprocessing.Process`).
///
/// The child is this binary again (see the [module](super) docs: [`init`](super::init)
/// first thing in `main`), with its own pid; its output goes to this process's standard
/// output and error, its standard input is `/dev/null` (as in Python). The function's
/// return value is dropped, as Python drops the target's; [`exitcode`](Self::exitcode) is
/// 0, or 1 if the function panicked, or minus the signal that killed it.
///
/// Signals ([`terminate`](Self::terminate), [`kill`](Self::kill)) are sent only while the
/// child is not reaped: its pid cannot belong to another process then. Once it was reaped
/// (by [`join`](Self::join), [`join_timeout`](Self::join_timeout) or
/// [`is_alive`](Self::is_alive)), they do nothing, as in Python.
///
/// Dropping a started, unjoined `Process` leaves the child running; a background thread
/// waits for it and reaps it (Python joins it at exit). A [daemonic](Self::set_daemon)
/// child ends when this process does.
///
/// # Examples
///
/// ```
/// use corio_blocking::process::{self, Process, ProcessFn};
///
/// fn hello(_: ()) {
///     println!("Hello from child process {}!", std::process::id());
/// }
/// static HELLO: ProcessFn<(), ()> = ProcessFn::new("hello", hello);
///
/// fn main() {
///     process::init(&[&HELLO]);
///     let mut child = Process::new(&HELLO, ()).unwrap();
///     assert!(child.name().starts_with("Process-"));
///     child.start().unwrap();
///     assert_ne!(child.pid().unwrap(), std::process::id());
///     child.join().unwrap();
///     assert_eq!(child.exitcode(), Some(0));
/// }
/// ```
#[doc(alias = "multiprocessing.Process")]
pub struct Process {
    function: &'static str,
    args: Vec<u8>,
    /// Duplicates of the descriptors of the pipes and queues in `args`, sent with them.
    fds: Vec<OwnedFd>,
    name: String,
    daemon: bool,
    state: State,
}

impl Process {
    /// A process that will run `target(args)` once started (Python's
    /// `Process(target=..., args=...)`). The argument is serialised now. Its
    /// [name](Self::name) is `Process-N`, N counting the processes made here.
    ///
    /// # Errors
    ///
    /// [`ProcessError::Submit`]: [`init`](super::init) not called, `target` not
    /// registered, or `args` not serialisable.
    ///
    /// # Examples
    ///
    /// See [`Process`].
    pub fn new<A: Serialize, R>(
        target: &'static ProcessFn<A, R>,
        args: A,
    ) -> Result<Process, ProcessError> {
        check_registered(target.name())?;
        let (args, fds) =
            serialize_with_fds(&args).map_err(|e| SubmitError::Serialize(describe(&e).into()))?;
        Ok(Process {
            function: target.name(),
            args,
            fds,
            name: format!("Process-{}", COUNTER.fetch_add(1, Ordering::Relaxed)),
            daemon: false,
            state: State::New,
        })
    }

    /// The process's name (Python's `name`): only for display, the OS does not see it.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_blocking::process::{Process, ProcessFn};
    /// # fn noop(_: ()) {}
    /// # static NOOP: ProcessFn<(), ()> = ProcessFn::new("noop", noop);
    /// # corio_blocking::process::init(&[&NOOP]);
    /// let mut p = Process::new(&NOOP, ()).unwrap();
    /// p.set_name("worker-a");
    /// assert_eq!(p.name(), "worker-a");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Renames the process (Python's `p.name = ...`), at any time.
    ///
    /// # Examples
    ///
    /// See [`name`](Self::name).
    pub fn set_name(&mut self, name: impl Into<String>) {
        self.name = name.into();
    }

    /// Whether the process is daemonic (Python's `daemon`); `false` by default.
    ///
    /// # Examples
    ///
    /// See [`set_daemon`](Self::set_daemon).
    pub fn daemon(&self) -> bool {
        self.daemon
    }

    /// Makes the process daemonic, or not, before it starts (Python's `p.daemon = True`):
    /// a daemonic child is sent SIGTERM when this process ends, however it ends (Python's
    /// parent terminates its daemonic children at exit). The child notices that its socket
    /// to this process closed.
    ///
    /// # Errors
    ///
    /// [`ProcessError::AlreadyStarted`] once started; [`ProcessError::Closed`].
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_blocking::process::{Process, ProcessFn};
    /// # fn noop(_: ()) {}
    /// # static NOOP: ProcessFn<(), ()> = ProcessFn::new("noop", noop);
    /// # corio_blocking::process::init(&[&NOOP]);
    /// let mut p = Process::new(&NOOP, ()).unwrap();
    /// p.set_daemon(true).unwrap();
    /// assert!(p.daemon());
    /// ```
    pub fn set_daemon(&mut self, daemon: bool) -> Result<(), ProcessError> {
        match self.state {
            State::New => {
                self.daemon = daemon;
                Ok(())
            }
            State::Closed { .. } => Err(ProcessError::Closed),
            _ => Err(ProcessError::AlreadyStarted),
        }
    }

    /// Starts the child (Python's `start()`); returns once it is launched, without waiting
    /// for it to run.
    ///
    /// # Errors
    ///
    /// [`ProcessError::AlreadyStarted`]; [`ProcessError::Closed`]; [`ProcessError::Io`] if
    /// it cannot be launched.
    ///
    /// # Examples
    ///
    /// See [`Process`].
    pub fn start(&mut self) -> Result<(), ProcessError> {
        match self.state {
            State::New => {}
            State::Closed { .. } => return Err(ProcessError::Closed),
            _ => return Err(ProcessError::AlreadyStarted),
        }
        let mut worker = Worker::spawn()?;
        // Both requests wait in the socket until the child reads them.
        let sent = worker
            .send(&Request::Hello { initializer: None })
            .and_then(|()| {
                let call = Request::Call {
                    function: self.function.to_owned(),
                    args: std::mem::take(&mut self.args),
                    last: true,
                    daemon: self.daemon,
                };
                worker.send_with_fds(&call, &std::mem::take(&mut self.fds))
            });
        if let Err(e) = sent {
            let _ = worker.reap();
            return Err(e.into());
        }
        self.state = State::Running(worker);
        Ok(())
    }

    /// The child's process id, once started (Python's `pid`, also `ident`).
    ///
    /// # Examples
    ///
    /// See [`Process`].
    #[doc(alias = "ident")]
    pub fn pid(&self) -> Option<u32> {
        match &self.state {
            State::New => None,
            State::Running(worker) => Some(worker.pid()),
            State::Exited { pid, .. } => Some(*pid),
            State::Closed { pid, .. } => *pid,
        }
    }

    /// Blocks until the child exits (Python's `join()`), and gives its exit status.
    ///
    /// # Errors
    ///
    /// [`ProcessError::NotStarted`]; [`ProcessError::Closed`]; [`ProcessError::Io`] if
    /// waiting fails.
    ///
    /// # Blocking
    ///
    /// Until the child exits.
    ///
    /// # Examples
    ///
    /// See [`Process`].
    pub fn join(&mut self) -> Result<ExitStatus, ProcessError> {
        // A wait without a timeout only returns once the child has ended.
        self.wait(None)?
            .ok_or_else(|| io::Error::other("the wait for the child ended early").into())
    }

    /// Blocks until the child exits or `timeout` passes (Python's `join(timeout)`): its
    /// exit status, or `None` if it still runs (Python then leaves `exitcode` at `None`).
    ///
    /// # Errors
    ///
    /// As [`join`](Self::join).
    ///
    /// # Blocking
    ///
    /// Until the child exits, at most `timeout`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use corio_blocking::process::{self, Process, ProcessFn};
    ///
    /// fn nap(ms: u64) {
    ///     std::thread::sleep(Duration::from_millis(ms));
    /// }
    /// static NAP: ProcessFn<u64, ()> = ProcessFn::new("nap", nap);
    ///
    /// fn main() {
    ///     process::init(&[&NAP]);
    ///     let mut p = Process::new(&NAP, 60_000).unwrap();
    ///     p.start().unwrap();
    ///     assert_eq!(p.join_timeout(Duration::from_millis(10)).unwrap(), None);
    ///     assert!(p.is_alive());
    ///     p.terminate().unwrap();
    ///     assert!(p.join_timeout(Duration::from_secs(60)).unwrap().is_some());
    ///     assert_eq!(p.exitcode(), Some(-15));
    /// }
    /// ```
    pub fn join_timeout(&mut self, timeout: Duration) -> Result<Option<ExitStatus>, ProcessError> {
        self.wait(Some(timeout))
    }

    fn wait(&mut self, timeout: Option<Duration>) -> Result<Option<ExitStatus>, ProcessError> {
        match &mut self.state {
            State::New => Err(ProcessError::NotStarted),
            State::Closed { .. } => Err(ProcessError::Closed),
            State::Exited { status, .. } => Ok(Some(*status)),
            State::Running(worker) => {
                let status = worker.wait_timeout(timeout)?;
                if let Some(status) = status {
                    self.state = State::Exited {
                        pid: worker.pid(),
                        status,
                    };
                }
                Ok(status)
            }
        }
    }

    /// Whether the child is running (started and not yet exited), as Python's
    /// `is_alive()`; an exited child is reaped by the call, so that
    /// [`exitcode`](Self::exitcode) then has its code.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_blocking::process::{Process, ProcessFn};
    /// # fn noop(_: ()) {}
    /// # static NOOP: ProcessFn<(), ()> = ProcessFn::new("noop", noop);
    /// # corio_blocking::process::init(&[&NOOP]);
    /// let mut p = Process::new(&NOOP, ()).unwrap();
    /// assert!(!p.is_alive());
    /// ```
    pub fn is_alive(&mut self) -> bool {
        matches!(self.wait(Some(Duration::ZERO)), Ok(None))
    }

    /// Asks the child to end with `SIGTERM` (Python's `terminate()`); [`join`](Self::join)
    /// it after. The child's exit code is then -15, unless it handles the signal. Nothing is
    /// sent to a child already reaped (its pid may be another process's by now).
    ///
    /// # Errors
    ///
    /// [`ProcessError::NotStarted`]; [`ProcessError::Closed`]; [`ProcessError::Io`].
    ///
    /// # Examples
    ///
    /// See [`join_timeout`](Self::join_timeout).
    pub fn terminate(&mut self) -> Result<(), ProcessError> {
        self.send(rustix::process::Signal::TERM)
    }

    /// Kills the child with `SIGKILL` (Python's `kill()`); [`join`](Self::join) it after.
    /// Nothing is sent to a child already reaped.
    ///
    /// # Errors
    ///
    /// [`ProcessError::NotStarted`]; [`ProcessError::Closed`]; [`ProcessError::Io`].
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_blocking::process::{self, Process, ProcessFn};
    ///
    /// fn nap(ms: u64) {
    ///     std::thread::sleep(std::time::Duration::from_millis(ms));
    /// }
    /// static NAP: ProcessFn<u64, ()> = ProcessFn::new("nap", nap);
    ///
    /// fn main() {
    ///     process::init(&[&NAP]);
    ///     let mut p = Process::new(&NAP, 60_000).unwrap();
    ///     p.start().unwrap();
    ///     p.kill().unwrap();
    ///     p.join().unwrap();
    ///     assert_eq!(p.exitcode(), Some(-9));
    /// }
    /// ```
    pub fn kill(&mut self) -> Result<(), ProcessError> {
        self.send(rustix::process::Signal::KILL)
    }

    fn send(&mut self, signal: rustix::process::Signal) -> Result<(), ProcessError> {
        match &mut self.state {
            State::New => Err(ProcessError::NotStarted),
            State::Closed { .. } => Err(ProcessError::Closed),
            State::Running(worker) => {
                worker.signal(signal)?;
                Ok(())
            }
            State::Exited { .. } => Ok(()),
        }
    }

    /// The exit code once the child was reaped (Python's `exitcode`): its exit status, or
    /// minus the signal that ended it; `None` before. [`join`](Self::join),
    /// [`join_timeout`](Self::join_timeout) and [`is_alive`](Self::is_alive) reap it.
    ///
    /// # Examples
    ///
    /// See [`Process`].
    pub fn exitcode(&self) -> Option<i32> {
        let status = match &self.state {
            State::Exited { status, .. } => status,
            State::Closed {
                status: Some(status),
                ..
            } => status,
            _ => return None,
        };
        status.code().or_else(|| status.signal().map(|s| -s))
    }

    /// Releases what the process holds (Python's `close()`): its socket, and the child's
    /// status once reaped. [`pid`](Self::pid) and [`exitcode`](Self::exitcode) still
    /// answer; starting, joining or signalling it is [`ProcessError::Closed`] after. A
    /// second call does nothing.
    ///
    /// # Errors
    ///
    /// [`ProcessError::StillRunning`] if the child still runs (nothing changes then).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_blocking::process::{self, Process, ProcessError, ProcessFn};
    ///
    /// fn nap(ms: u64) {
    ///     std::thread::sleep(std::time::Duration::from_millis(ms));
    /// }
    /// static NAP: ProcessFn<u64, ()> = ProcessFn::new("nap", nap);
    ///
    /// fn main() {
    ///     process::init(&[&NAP]);
    ///     let mut p = Process::new(&NAP, 60_000).unwrap();
    ///     p.start().unwrap();
    ///     assert!(matches!(p.close(), Err(ProcessError::StillRunning)));
    ///     p.kill().unwrap();
    ///     p.join().unwrap();
    ///     p.close().unwrap();
    ///     assert!(matches!(p.join(), Err(ProcessError::Closed)));
    ///     assert_eq!(p.exitcode(), Some(-9));
    /// }
    /// ```
    pub fn close(&mut self) -> Result<(), ProcessError> {
        if self.is_alive() {
            return Err(ProcessError::StillRunning);
        }
        let (pid, status) = match &self.state {
            State::New => (None, None),
            State::Running(worker) => (Some(worker.pid()), None),
            State::Exited { pid, status } => (Some(*pid), Some(*status)),
            State::Closed { .. } => return Ok(()),
        };
        if let State::Running(_) = self.state {
            // Not alive, yet not reaped: waiting failed. Reap it as a dropped one is.
            self.drop_running();
        }
        self.state = State::Closed { pid, status };
        Ok(())
    }

    /// Hands a running child to a background thread that reaps it when it ends.
    fn drop_running(&mut self) {
        if let State::Running(mut worker) = std::mem::replace(&mut self.state, State::New) {
            // Reap it when it ends, so that no zombie is left behind.
            let reaper = std::thread::Builder::new()
                .name("corio-process-reaper".into())
                .spawn(move || {
                    if let Err(e) = worker.wait_timeout(None) {
                        log::warn!(
                            "corio-blocking: cannot wait for child {}: {e}",
                            worker.pid()
                        );
                    }
                });
            if let Err(e) = reaper {
                log::warn!("corio-blocking: cannot start a thread to reap a child: {e}");
            }
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.drop_running();
    }
}

impl fmt::Debug for Process {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Process")
            .field("name", &self.name)
            .field("target", &self.function)
            .field("daemon", &self.daemon)
            .field("pid", &self.pid())
            .field("exitcode", &self.exitcode())
            .finish()
    }
}
