//! Starting a worker: the same binary again, with [`WORKER_ENV`] set and one end of a
//! socket pair as its standard input (its standard output and error are the parent's, so
//! what the functions print shows, as in Python).
//!
//! Why not `procspawn`: it sends function pointers as address offsets (no names), needs
//! `ipc-channel` and `findshlibs`, and owns the pool logic; here functions are registered
//! by name (the model, checked in the parent before anything starts), and a
//! socket pair on stdin needs no extra file descriptor plumbing, no `unsafe` `pre_exec`,
//! and no path on disk: std's `Command` alone does it.

use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixStream;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, Timespec, poll};

use super::fds::write_with_fds;
use super::wire::{Reply, Request, WORKER_ENV, encode_frame, read_frame, write_frame};

/// A running worker process and the parent's end of its socket.
#[derive(Debug)]
pub(crate) struct Worker {
    pub(crate) child: Child,
    reader: BufReader<UnixStream>,
    writer: BufWriter<UnixStream>,
    /// The worker's end of the socket was seen closed.
    closed: bool,
}

impl Worker {
    /// Starts a worker (it runs `main` up to `process::init`, which serves us).
    pub(crate) fn spawn() -> io::Result<Worker> {
        let (ours, theirs) = UnixStream::pair()?;
        let exe = std::env::current_exe()?;
        let child = Command::new(exe)
            .args(std::env::args_os().skip(1))
            .env(WORKER_ENV, std::process::id().to_string())
            .stdin(Stdio::from(OwnedFd::from(theirs)))
            .spawn()?;
        // `theirs` went into the Command, dropped with it: the child holds the only copy,
        // so its death reads as end of stream here.
        Ok(Worker {
            child,
            reader: BufReader::new(ours.try_clone()?),
            writer: BufWriter::new(ours),
            closed: false,
        })
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    pub(crate) fn send(&mut self, request: &Request) -> io::Result<()> {
        write_frame(&mut self.writer, request)
    }

    /// Sends `request` with descriptors attached (see `fds.rs`).
    pub(crate) fn send_with_fds(&mut self, request: &Request, fds: &[OwnedFd]) -> io::Result<()> {
        self.writer.flush()?;
        write_with_fds(self.writer.get_ref(), &encode_frame(request)?, fds)
    }

    /// The next reply; an error if the worker closed (died) first.
    pub(crate) fn recv(&mut self) -> io::Result<Reply> {
        read_frame(&mut self.reader)?.ok_or_else(|| io::ErrorKind::UnexpectedEof.into())
    }

    /// Sends `request` and reads the reply.
    pub(crate) fn call(&mut self, request: &Request) -> io::Result<Reply> {
        self.send(request)?;
        self.recv()
    }

    /// Waits at most `timeout` (`None`: for ever) for the worker to exit, dropping what it
    /// sends meanwhile, and reaps it; `Ok(None)` if it still runs.
    ///
    /// The end of the socket's stream is the sentinel (as Python's `Process.sentinel`): the
    /// worker holds its end only as a close-on-exec descriptor (see `worker.rs`), so the
    /// stream ends when the worker process does, and `poll` waits for that without a busy
    /// loop or a thread.
    pub(crate) fn wait_timeout(
        &mut self,
        timeout: Option<Duration>,
    ) -> io::Result<Option<ExitStatus>> {
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Ok(Some(status));
            }
            if self.closed {
                // The worker closed its end: it is exiting; the kernel makes it reapable
                // right after.
                return self.child.wait().map(Some);
            }
            // `None`: no timeout, or one too far away to represent: wait for ever.
            let remaining = match deadline {
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Ok(None);
                    }
                    Timespec::try_from(left).ok()
                }
                None => None,
            };
            // Replies already buffered are dropped too.
            let buffered = self.reader.buffer().len();
            self.reader.consume(buffered);
            let mut fds = [PollFd::new(self.reader.get_ref(), PollFlags::IN)];
            match poll(&mut fds, remaining.as_ref()) {
                Ok(0) => {}
                Ok(_) => {
                    let mut sink = [0u8; 4096];
                    match self.reader.get_mut().read(&mut sink) {
                        Ok(0) => self.closed = true,
                        Ok(_) => {}
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        // A reset socket is a closed one.
                        Err(_) => self.closed = true,
                    }
                }
                Err(rustix::io::Errno::INTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Sends `signal` to the worker unless it was reaped: while it is not, its pid cannot
    /// have been given to another process (an exited child stays a zombie until reaped), and
    /// only this `Child` reaps it. `Ok(false)` if it had exited already (nothing sent).
    pub(crate) fn signal(&mut self, signal: rustix::process::Signal) -> io::Result<bool> {
        if self.child.try_wait()?.is_some() {
            return Ok(false);
        }
        let pid = rustix::process::Pid::from_child(&self.child);
        rustix::process::kill_process(pid, signal)?;
        Ok(true)
    }

    /// Closes our end (the worker then exits) and reaps the process.
    pub(crate) fn close(self) -> io::Result<ExitStatus> {
        let Worker {
            mut child,
            reader,
            writer,
            ..
        } = self;
        drop(writer);
        drop(reader);
        child.wait()
    }

    /// After a failed `recv`: makes sure the worker is gone (a protocol error leaves it
    /// alive), waits for it and says how it ended.
    pub(crate) fn reap(self) -> String {
        let Worker {
            mut child, writer, ..
        } = self;
        drop(writer);
        if !matches!(child.try_wait(), Ok(Some(_))) {
            let _ = child.kill();
        }
        match child.wait() {
            Ok(status) => status.to_string(),
            Err(e) => format!("status unknown: {e}"),
        }
    }
}
