//! [`Process`]: Python's `multiprocessing.Process`: one registered function run in a
//! child process of its own, then joined.

use std::fmt;
use std::io;
use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;
use std::sync::Arc;

use serde::Serialize;
use thiserror::Error;

use super::function::ProcessFn;
use super::spawn::Worker;
use super::wire::Request;
use super::{check_registered, serialize_args};
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
    /// `start` on a process already started (Python: `AssertionError: cannot start a
    /// process twice`).
    #[error("cannot start a process twice")]
    AlreadyStarted,
    /// `join` or `kill` before `start` (Python: `AssertionError: can only join a started
    /// process`).
    #[error("can only join a started process")]
    NotStarted,
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
    Exited { pid: u32, status: ExitStatus },
}

/// A child process that runs one [`ProcessFn`] (Python's `multiprocessing.Process`).
///
/// The child is this binary again (see the [module](super) docs: [`init`](super::init)
/// first thing in `main`), with its own pid; its output goes to this process's standard
/// output and error. The function's return value is dropped, as Python drops the target's;
/// [`exitcode`](Self::exitcode) is 0, or 1 if the function panicked, or minus the signal
/// that killed it.
///
/// Dropping a started, unjoined `Process` leaves the child running; a background thread
/// waits for it and reaps it (Python joins it at exit).
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
    state: State,
}

impl Process {
    /// A process that will run `target(args)` once started (Python's
    /// `Process(target=..., args=...)`). The argument is serialised now.
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
        Ok(Process {
            function: target.name(),
            args: serialize_args(&args)?,
            state: State::New,
        })
    }

    /// Starts the child (Python's `start()`); returns once it is launched, without waiting
    /// for it to run.
    ///
    /// # Errors
    ///
    /// [`ProcessError::AlreadyStarted`]; [`ProcessError::Io`] if it cannot be launched.
    ///
    /// # Examples
    ///
    /// See [`Process`].
    pub fn start(&mut self) -> Result<(), ProcessError> {
        if !matches!(self.state, State::New) {
            return Err(ProcessError::AlreadyStarted);
        }
        let mut worker = Worker::spawn()?;
        // Both requests wait in the socket until the child reads them.
        let sent = worker
            .send(&Request::Hello { initializer: None })
            .and_then(|()| {
                worker.send(&Request::Call {
                    function: self.function.to_owned(),
                    args: std::mem::take(&mut self.args),
                    last: true,
                })
            });
        if let Err(e) = sent {
            let _ = worker.reap();
            return Err(e.into());
        }
        self.state = State::Running(worker);
        Ok(())
    }

    /// The child's process id, once started.
    ///
    /// # Examples
    ///
    /// See [`Process`].
    pub fn pid(&self) -> Option<u32> {
        match &self.state {
            State::New => None,
            State::Running(worker) => Some(worker.pid()),
            State::Exited { pid, .. } => Some(*pid),
        }
    }

    /// Blocks until the child exits (Python's `join()`), and gives its exit status.
    ///
    /// # Errors
    ///
    /// [`ProcessError::NotStarted`]; [`ProcessError::Io`] if waiting fails.
    ///
    /// # Blocking
    ///
    /// Until the child exits.
    ///
    /// # Examples
    ///
    /// See [`Process`].
    pub fn join(&mut self) -> Result<ExitStatus, ProcessError> {
        match std::mem::replace(&mut self.state, State::New) {
            State::New => Err(ProcessError::NotStarted),
            State::Exited { pid, status } => {
                self.state = State::Exited { pid, status };
                Ok(status)
            }
            State::Running(mut worker) => {
                let pid = worker.pid();
                // Drain the child's replies (its Ready and its result, dropped) so that it
                // never blocks writing them, until it closes its end by exiting.
                while worker.recv().is_ok() {}
                match worker.child.wait() {
                    Ok(status) => {
                        self.state = State::Exited { pid, status };
                        Ok(status)
                    }
                    Err(e) => {
                        self.state = State::Running(worker);
                        Err(e.into())
                    }
                }
            }
        }
    }

    /// Whether the child is running (started and not yet exited).
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
        match &mut self.state {
            State::Running(worker) => matches!(worker.child.try_wait(), Ok(None)),
            _ => false,
        }
    }

    /// Kills the child with `SIGKILL` (Python's `kill()`); [`join`](Self::join) it after.
    ///
    /// # Errors
    ///
    /// [`ProcessError::NotStarted`]; [`ProcessError::Io`].
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
        match &mut self.state {
            State::New => Err(ProcessError::NotStarted),
            State::Running(worker) => Ok(worker.child.kill()?),
            State::Exited { .. } => Ok(()),
        }
    }

    /// The exit code once joined (Python's `exitcode`): the child's exit status, or minus
    /// the signal that ended it; `None` before.
    ///
    /// # Examples
    ///
    /// See [`Process`].
    pub fn exitcode(&self) -> Option<i32> {
        match &self.state {
            State::Exited { status, .. } => status.code().or_else(|| status.signal().map(|s| -s)),
            _ => None,
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if let State::Running(mut worker) = std::mem::replace(&mut self.state, State::New) {
            // Reap it when it ends, so that no zombie is left behind.
            let reaper = std::thread::Builder::new()
                .name("corio-process-reaper".into())
                .spawn(move || {
                    while worker.recv().is_ok() {}
                    let _ = worker.child.wait();
                });
            if let Err(e) = reaper {
                log::warn!("corio-blocking: cannot start a thread to reap a child: {e}");
            }
        }
    }
}

impl fmt::Debug for Process {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Process")
            .field("target", &self.function)
            .field("pid", &self.pid())
            .field("exitcode", &self.exitcode())
            .finish()
    }
}
