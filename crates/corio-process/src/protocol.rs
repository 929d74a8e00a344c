//! asyncio's transport form of subprocesses: [`SubprocessProtocol`], [`SubprocessTransport`]
//! and the loop methods `subprocess_exec` / `subprocess_shell` ([`SubprocessLoopExt`]).
//!
//! One task per child drives it: it reads the pipes and calls `pipe_data_received`, flushes
//! what was written to stdin, notices the exit, and calls the protocol's methods in asyncio's
//! order: `connection_made` first; data; `pipe_connection_lost` per pipe; `process_exited`;
//! `connection_lost` once the child has exited and every pipe is closed.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use corio_runtime::EventLoop;
use futures_io::{AsyncRead, AsyncWrite};

use crate::process::child::returncode;
use crate::{ChildStdin, Command, IntoSignal, Process, ProcessError, Signal, Stdio};

/// The callbacks of a child process (asyncio's `asyncio.SubprocessProtocol`). Every method
/// has an empty default.
///
/// # Examples
///
/// ```
/// use std::{cell::RefCell, rc::Rc};
/// use corio_process::{SubprocessLoopExt, SubprocessProtocol, SubprocessTransport};
///
/// #[derive(Default)]
/// struct Collect { out: Vec<u8>, done: Option<corio_runtime::SettableFuture<()>> }
///
/// impl SubprocessProtocol for Collect {
///     fn pipe_data_received(&mut self, fd: i32, data: &[u8]) {
///         if fd == 1 { self.out.extend_from_slice(data) }
///     }
///     fn connection_lost(&mut self, _error: Option<std::io::Error>) {
///         self.done.take().unwrap().set_result(()).unwrap();
///     }
/// }
///
/// corio_runtime::run(async {
///     let lp = corio_runtime::get_running_loop()?;
///     let done = lp.create_future();
///     let d = done.clone();
///     let (transport, protocol) = lp.subprocess_shell(
///         move || Collect { out: Vec::new(), done: Some(d) },
///         "echo hello",
///     )?;
///     done.await?;
///     assert_eq!(protocol.borrow().out, b"hello\n");
///     assert_eq!(transport.get_returncode(), Some(0));
///     Ok::<(), Box<dyn std::error::Error>>(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait SubprocessProtocol: 'static {
    /// The child was started; `transport` controls it (keep a clone to write, signal, close).
    fn connection_made(&mut self, transport: &SubprocessTransport) {
        let _ = transport;
    }

    /// The child wrote `data` on `fd` (1: stdout, 2: stderr).
    fn pipe_data_received(&mut self, fd: i32, data: &[u8]) {
        let _ = (fd, data);
    }

    /// Pipe `fd` (0, 1 or 2) was closed; `error` if it failed.
    fn pipe_connection_lost(&mut self, fd: i32, error: Option<io::Error>) {
        let _ = (fd, error);
    }

    /// The child exited ([`SubprocessTransport::get_returncode`] has its code).
    fn process_exited(&mut self) {}

    /// The child exited and all its pipes are closed: the last call.
    fn connection_lost(&mut self, error: Option<io::Error>) {
        let _ = error;
    }
}

struct Inner {
    pid: u32,
    process: RefCell<Process>,
    returncode: Cell<Option<i32>>,
    /// Bytes written by `write` and not yet taken by the pipe.
    pending: RefCell<VecDeque<u8>>,
    /// `write_eof` was called: close stdin once `pending` is empty.
    eof: Cell<bool>,
    /// `close` was called.
    closing: Cell<bool>,
    has_stdin: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

impl Inner {
    fn wake(&self) {
        if let Some(waker) = self.waker.borrow_mut().take() {
            waker.wake();
        }
    }
}

/// Controls a child started by [`SubprocessLoopExt`] (asyncio's `SubprocessTransport`). A
/// cheap handle: clones control the same child.
///
/// # Examples
///
/// See [`SubprocessProtocol`].
#[derive(Clone)]
pub struct SubprocessTransport {
    inner: Rc<Inner>,
}

impl SubprocessTransport {
    /// The child's pid (asyncio's `get_pid()`).
    ///
    /// # Examples
    ///
    /// See [`SubprocessProtocol`].
    pub fn get_pid(&self) -> u32 {
        self.inner.pid
    }

    /// The return code once the child exited, else `None` (asyncio's `get_returncode()`).
    ///
    /// # Examples
    ///
    /// See [`SubprocessProtocol`].
    pub fn get_returncode(&self) -> Option<i32> {
        self.inner.returncode.get()
    }

    /// Queues `data` for the child's stdin; it is written as the pipe takes it (asyncio's
    /// `get_pipe_transport(0).write(data)`).
    ///
    /// # Errors
    ///
    /// [`ProcessError::NotPiped`] if stdin is not piped or was closed by
    /// [`write_eof`](SubprocessTransport::write_eof) / [`close`](SubprocessTransport::close).
    ///
    /// # Examples
    ///
    /// ```
    /// # use corio_process::{SubprocessLoopExt, SubprocessProtocol};
    /// # struct P;
    /// # impl SubprocessProtocol for P {}
    /// corio_runtime::run(async {
    ///     let lp = corio_runtime::get_running_loop()?;
    ///     let (transport, _p) = lp.subprocess_exec(|| P, "cat", [] as [&str; 0])?;
    ///     transport.write(b"to cat")?;
    ///     transport.write_eof();
    ///     Ok::<(), Box<dyn std::error::Error>>(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write(&self, data: &[u8]) -> Result<(), ProcessError> {
        if !self.inner.has_stdin.get() || self.inner.eof.get() || self.inner.closing.get() {
            return Err(ProcessError::NotPiped("stdin"));
        }
        self.inner.pending.borrow_mut().extend(data);
        self.inner.wake();
        Ok(())
    }

    /// Closes the child's stdin once what was written is flushed (asyncio's
    /// `get_pipe_transport(0).write_eof()`).
    ///
    /// # Examples
    ///
    /// See [`write`](SubprocessTransport::write).
    pub fn write_eof(&self) {
        self.inner.eof.set(true);
        self.inner.wake();
    }

    /// Sends `signal` (a [`Signal`] or its number) to the child (asyncio's `send_signal`).
    ///
    /// # Errors
    ///
    /// As [`Process::send_signal`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use corio_process::{Signal, SubprocessLoopExt, SubprocessProtocol};
    /// # struct P;
    /// # impl SubprocessProtocol for P {}
    /// corio_runtime::run(async {
    ///     let lp = corio_runtime::get_running_loop()?;
    ///     let (transport, _p) = lp.subprocess_exec(|| P, "sleep", ["30"])?;
    ///     transport.send_signal(Signal::TERM)?;
    ///     Ok::<(), Box<dyn std::error::Error>>(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn send_signal(&self, signal: impl IntoSignal) -> Result<(), ProcessError> {
        self.inner.process.borrow_mut().send_signal(signal)
    }

    /// Sends SIGTERM (asyncio's `terminate()`).
    ///
    /// # Errors
    ///
    /// As [`Process::send_signal`].
    ///
    /// # Examples
    ///
    /// See [`send_signal`](SubprocessTransport::send_signal).
    pub fn terminate(&self) -> Result<(), ProcessError> {
        self.send_signal(Signal::TERM)
    }

    /// Sends SIGKILL (asyncio's `kill()`).
    ///
    /// # Errors
    ///
    /// As [`Process::send_signal`].
    ///
    /// # Examples
    ///
    /// See [`send_signal`](SubprocessTransport::send_signal).
    pub fn kill(&self) -> Result<(), ProcessError> {
        self.send_signal(Signal::KILL)
    }

    /// Closes the pipes and kills the child if it still runs (asyncio's `close()`); the
    /// protocol still gets `process_exited` and `connection_lost`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use corio_process::{SubprocessLoopExt, SubprocessProtocol};
    /// # struct P;
    /// # impl SubprocessProtocol for P {}
    /// corio_runtime::run(async {
    ///     let lp = corio_runtime::get_running_loop()?;
    ///     let (transport, _p) = lp.subprocess_exec(|| P, "sleep", ["30"])?;
    ///     transport.close();
    ///     assert!(transport.is_closing());
    ///     Ok::<(), Box<dyn std::error::Error>>(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn close(&self) {
        if self.inner.closing.replace(true) {
            return;
        }
        if self.inner.returncode.get().is_none() {
            // Already exited but not yet noticed: nothing to kill.
            let _ = self.inner.process.borrow_mut().kill();
        }
        self.inner.wake();
    }

    /// Whether [`close`](SubprocessTransport::close) was called.
    ///
    /// # Examples
    ///
    /// See [`close`](SubprocessTransport::close).
    pub fn is_closing(&self) -> bool {
        self.inner.closing.get()
    }
}

impl fmt::Debug for SubprocessTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SubprocessTransport")
            .field("pid", &self.inner.pid)
            .field("returncode", &self.inner.returncode.get())
            .field("closing", &self.inner.closing.get())
            .finish()
    }
}

/// asyncio's `loop.subprocess_exec` / `loop.subprocess_shell` for corio's [`EventLoop`]:
/// start a child driven by a [`SubprocessProtocol`]. Call them inside the running loop.
///
/// As in asyncio, stdin, stdout and stderr are pipes unless the [`Command`] given to
/// [`subprocess_command`](SubprocessLoopExt::subprocess_command) says otherwise. Unlike
/// asyncio's coroutines these return at once (the spawn is synchronous anyway).
///
/// # Examples
///
/// See [`SubprocessProtocol`].
pub trait SubprocessLoopExt {
    /// Runs `program` with `args`, stdio piped (asyncio's `loop.subprocess_exec`).
    ///
    /// # Errors
    ///
    /// As [`Command::spawn`]; [`ProcessError::NoRunningLoop`] if this loop is not the one
    /// running.
    ///
    /// # Examples
    ///
    /// See [`SubprocessTransport::write`].
    fn subprocess_exec<P, F, I, S>(
        &self,
        protocol_factory: F,
        program: impl AsRef<std::ffi::OsStr>,
        args: I,
    ) -> Result<(SubprocessTransport, Rc<RefCell<P>>), ProcessError>
    where
        P: SubprocessProtocol,
        F: FnOnce() -> P,
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut command = Command::new(program);
        command.args(args);
        self.subprocess_command(protocol_factory, &mut piped(command))
    }

    /// Runs `cmd` through `/bin/sh -c`, stdio piped (asyncio's `loop.subprocess_shell`).
    ///
    /// # Errors
    ///
    /// As [`subprocess_exec`](SubprocessLoopExt::subprocess_exec).
    ///
    /// # Examples
    ///
    /// See [`SubprocessProtocol`].
    fn subprocess_shell<P, F>(
        &self,
        protocol_factory: F,
        cmd: impl AsRef<std::ffi::OsStr>,
    ) -> Result<(SubprocessTransport, Rc<RefCell<P>>), ProcessError>
    where
        P: SubprocessProtocol,
        F: FnOnce() -> P,
    {
        self.subprocess_command(protocol_factory, &mut piped(Command::shell(cmd)))
    }

    /// Runs `command` with its own stdio settings.
    ///
    /// # Errors
    ///
    /// As [`subprocess_exec`](SubprocessLoopExt::subprocess_exec).
    ///
    /// # Examples
    ///
    /// ```
    /// # use corio_process::{Command, Stdio, SubprocessLoopExt, SubprocessProtocol};
    /// # struct P;
    /// # impl SubprocessProtocol for P {}
    /// corio_runtime::run(async {
    ///     let lp = corio_runtime::get_running_loop()?;
    ///     let mut cmd = Command::new("true");
    ///     cmd.stdin(Stdio::null());
    ///     let (transport, _p) = lp.subprocess_command(|| P, &mut cmd)?;
    ///     assert!(transport.get_pid() > 0);
    ///     Ok::<(), Box<dyn std::error::Error>>(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn subprocess_command<P, F>(
        &self,
        protocol_factory: F,
        command: &mut Command,
    ) -> Result<(SubprocessTransport, Rc<RefCell<P>>), ProcessError>
    where
        P: SubprocessProtocol,
        F: FnOnce() -> P;
}

fn piped(mut command: Command) -> Command {
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

impl SubprocessLoopExt for EventLoop {
    fn subprocess_command<P, F>(
        &self,
        protocol_factory: F,
        command: &mut Command,
    ) -> Result<(SubprocessTransport, Rc<RefCell<P>>), ProcessError>
    where
        P: SubprocessProtocol,
        F: FnOnce() -> P,
    {
        if corio_runtime::get_running_loop().ok().as_ref() != Some(self) {
            return Err(ProcessError::NoRunningLoop);
        }
        let crate::process::RawChild {
            process,
            stdin,
            stdout,
            stderr,
        } = command.spawn_raw()?;
        let transport = SubprocessTransport {
            inner: Rc::new(Inner {
                pid: process.pid(),
                process: RefCell::new(process),
                returncode: Cell::new(None),
                pending: RefCell::new(VecDeque::new()),
                eof: Cell::new(false),
                closing: Cell::new(false),
                has_stdin: Cell::new(stdin.is_some()),
                waker: RefCell::new(None),
            }),
        };
        let protocol = Rc::new(RefCell::new(protocol_factory()));
        let driver = Driver {
            transport: transport.clone(),
            protocol: protocol.clone(),
            stdin,
            stdout,
            stderr,
            exited: false,
        };
        self.create_task(driver.run())
            .map_err(|_| ProcessError::NoRunningLoop)?;
        Ok((transport, protocol))
    }
}

/// The task that serves one child.
struct Driver<P> {
    transport: SubprocessTransport,
    protocol: Rc<RefCell<P>>,
    stdin: Option<ChildStdin>,
    stdout: Option<crate::ChildStdout>,
    stderr: Option<crate::ChildStderr>,
    exited: bool,
}

/// Reads per pipe per wakeup before the others get a turn.
const READS_PER_TURN: usize = 16;

impl<P: SubprocessProtocol> Driver<P> {
    async fn run(mut self) {
        // asyncio calls connection_made before anything else (via call_soon).
        self.protocol.borrow_mut().connection_made(&self.transport);
        poll_fn(|cx| self.poll_turn(cx)).await;
        self.protocol.borrow_mut().connection_lost(None);
    }

    fn poll_turn(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let inner = self.transport.inner.clone();
        *inner.waker.borrow_mut() = Some(cx.waker().clone());
        if inner.closing.get() {
            self.close_pipes();
        }
        self.poll_stdin(cx);
        if let Some(pipe) = self.stdout.as_mut()
            && read_pipe(pipe, 1, &self.protocol, cx)
        {
            self.stdout = None;
        }
        if let Some(pipe) = self.stderr.as_mut()
            && read_pipe(pipe, 2, &self.protocol, cx)
        {
            self.stderr = None;
        }
        if !self.exited {
            let polled = inner.process.borrow_mut().poll_exit(cx);
            if let Poll::Ready(status) = polled {
                self.exited = true;
                inner.returncode.set(status.ok().map(returncode));
                self.protocol.borrow_mut().process_exited();
            }
        }
        // More may have been queued, or the protocol closed things, in the calls above.
        if inner.closing.get() {
            self.close_pipes();
        }
        self.poll_stdin(cx);
        if self.exited && self.stdin.is_none() && self.stdout.is_none() && self.stderr.is_none() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }

    fn close_pipes(&mut self) {
        let lost: Vec<i32> = [
            self.stdin.take().map(|_| 0),
            self.stdout.take().map(|_| 1),
            self.stderr.take().map(|_| 2),
        ]
        .into_iter()
        .flatten()
        .collect();
        self.transport.inner.pending.borrow_mut().clear();
        for fd in lost {
            self.protocol.borrow_mut().pipe_connection_lost(fd, None);
        }
    }

    fn poll_stdin(&mut self, cx: &mut Context<'_>) {
        let inner = self.transport.inner.clone();
        let Some(pipe) = self.stdin.as_mut() else {
            return;
        };
        let mut error = None;
        loop {
            let mut pending = inner.pending.borrow_mut();
            if pending.is_empty() {
                break;
            }
            let (front, _) = pending.as_slices();
            match Pin::new(&mut *pipe).poll_write(cx, front) {
                Poll::Ready(Ok(n)) => {
                    pending.drain(..n);
                }
                Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
                Poll::Ready(Err(e)) => {
                    pending.clear();
                    error = Some(e);
                    break;
                }
                Poll::Pending => return,
            }
        }
        // Once the child is gone nobody can read the pipe (asyncio sees its write pipe hang
        // up then): what is left is dropped and stdin closes.
        if self.exited && !inner.pending.borrow().is_empty() {
            inner.pending.borrow_mut().clear();
        }
        if error.is_some() || inner.eof.get() || self.exited {
            self.stdin = None;
            inner.has_stdin.set(false);
            // A child that stopped reading is the normal end of stdin, as in asyncio.
            let error = error.filter(|e| e.kind() != io::ErrorKind::BrokenPipe);
            self.protocol.borrow_mut().pipe_connection_lost(0, error);
        }
    }
}

/// Reads what the pipe has and hands it to the protocol; `true` once the pipe is done.
fn read_pipe<R: AsyncRead + Unpin, P: SubprocessProtocol>(
    pipe: &mut R,
    fd: i32,
    protocol: &RefCell<P>,
    cx: &mut Context<'_>,
) -> bool {
    let mut buf = [0u8; 64 * 1024];
    for _ in 0..READS_PER_TURN {
        match Pin::new(&mut *pipe).poll_read(cx, &mut buf) {
            Poll::Ready(Ok(0)) => {
                protocol.borrow_mut().pipe_connection_lost(fd, None);
                return true;
            }
            Poll::Ready(Ok(n)) => protocol.borrow_mut().pipe_data_received(fd, &buf[..n]),
            Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
            Poll::Ready(Err(e)) => {
                protocol.borrow_mut().pipe_connection_lost(fd, Some(e));
                return true;
            }
            Poll::Pending => return false,
        }
    }
    // Still data after a full turn: come back after the others ran.
    cx.waker().wake_by_ref();
    false
}
