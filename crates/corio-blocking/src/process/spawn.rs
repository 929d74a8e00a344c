//! Starting a worker: the same binary again, with [`WORKER_ENV`] set and one end of a
//! socket pair as its standard input (its standard output and error are the parent's, so
//! what the functions print shows, as in Python).
//!
//! Why not `procspawn`: it sends function pointers as address offsets (no names), needs
//! `ipc-channel` and `findshlibs`, and owns the pool logic; here functions are registered
//! by name (the model, checked in the parent before anything starts), and a
//! socket pair on stdin needs no extra file descriptor plumbing, no `unsafe` `pre_exec`,
//! and no path on disk: std's `Command` alone does it.

use std::io::{self, BufReader, BufWriter};
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixStream;
use std::process::{Child, Command, ExitStatus, Stdio};

use super::wire::{Reply, Request, WORKER_ENV, read_frame, write_frame};

/// A running worker process and the parent's end of its socket.
#[derive(Debug)]
pub(crate) struct Worker {
    pub(crate) child: Child,
    reader: BufReader<UnixStream>,
    writer: BufWriter<UnixStream>,
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
        })
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    pub(crate) fn send(&mut self, request: &Request) -> io::Result<()> {
        write_frame(&mut self.writer, request)
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

    /// Closes our end (the worker then exits) and reaps the process.
    pub(crate) fn close(self) -> io::Result<ExitStatus> {
        let Worker {
            mut child,
            reader,
            writer,
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
