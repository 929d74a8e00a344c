//! [`ExitWatch`]: waiting for a child's exit without blocking the loop — a pidfd registered
//! with the reactor where the kernel has them (Linux 5.3+), SIGCHLD otherwise — and handing a
//! still-running child to the reaper thread when its `Process` goes.

use std::io;
use std::os::fd::OwnedFd;
use std::process::{Child, ExitStatus};
use std::sync::OnceLock;
use std::task::{Context, Poll};

use corio_reactor::Async;
use rustix::process::{Pid, PidfdFlags, pidfd_open};

use super::orphans;
use crate::Signal;
use crate::signal::SignalPipe;

/// How the exit is noticed.
#[derive(Debug)]
enum Notify {
    /// Readable when the child exits.
    Pidfd(Async<OwnedFd>),
    /// Wakes on every SIGCHLD of the process; each wakeup tries `waitpid(pid, WNOHANG)`.
    Sigchld(SignalPipe),
}

/// A child and how its exit is noticed; the status once reaped.
#[derive(Debug)]
pub(crate) struct ExitWatch {
    /// `None` once handed to the reaper (on drop).
    child: Option<Child>,
    notify: Option<Notify>,
    status: Option<ExitStatus>,
}

/// Whether pidfds are to be used: the kernel has them, and `CORIO_PROCESS_NO_PIDFD` is not
/// set (it forces the SIGCHLD path, so that it is tested on kernels with pidfds too).
fn pidfds_wanted() -> bool {
    static NO_PIDFD: OnceLock<bool> = OnceLock::new();
    !*NO_PIDFD.get_or_init(|| std::env::var_os("CORIO_PROCESS_NO_PIDFD").is_some_and(|v| v != "0"))
}

impl ExitWatch {
    /// Watches `child` with the current reactor.
    pub(crate) fn new(child: Child) -> io::Result<ExitWatch> {
        let notify = match pidfds_wanted().then(|| open_pidfd(&child)).flatten() {
            Some(fd) => Notify::Pidfd(Async::new(fd)?),
            None => Notify::Sigchld(SignalPipe::new(Signal::CHLD).map_err(io::Error::other)?),
        };
        Ok(ExitWatch {
            child: Some(child),
            notify: Some(notify),
            status: None,
        })
    }

    /// The exit status, once reaped.
    pub(crate) fn status(&self) -> Option<ExitStatus> {
        self.status
    }

    /// Reaps the child if it has ended, without waiting.
    pub(crate) fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        if self.status.is_none()
            && let Some(child) = self.child.as_mut()
            && let Some(status) = child.try_wait()?
        {
            self.status = Some(status);
            // Reaped: the pidfd or the SIGCHLD registration is no longer needed.
            self.notify = None;
        }
        Ok(self.status)
    }

    /// Waits for the exit and reaps the child.
    pub(crate) fn poll_wait(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<ExitStatus>> {
        loop {
            if let Some(status) = self.try_wait()? {
                return Poll::Ready(Ok(status));
            }
            let ready = match &self.notify {
                Some(Notify::Pidfd(fd)) => fd.poll_readable(cx),
                Some(Notify::Sigchld(pipe)) => pipe.poll_recv(cx),
                None => return Poll::Ready(Err(io::Error::other("the child was handed off"))),
            };
            match ready {
                // Readable (or a SIGCHLD came): try to reap again.
                Poll::Ready(Ok(())) => {
                    if let Some(Notify::Pidfd(_)) = &self.notify
                        && self.try_wait()?.is_none()
                    {
                        // A pidfd is readable only once the child exited; `try_wait` cannot
                        // miss it. Guard against a spin anyway.
                        return Poll::Ready(Err(io::Error::other(
                            "pidfd readable but the child is not reapable",
                        )));
                    }
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
    }

    /// Sends `signal` to the child, through its pidfd when there is one (no pid reuse race).
    pub(crate) fn send_signal(&mut self, signal: rustix::process::Signal) -> io::Result<bool> {
        if self.try_wait()?.is_some() {
            return Ok(false);
        }
        let Some(child) = self.child.as_ref() else {
            return Ok(false);
        };
        match &self.notify {
            Some(Notify::Pidfd(fd)) => rustix::process::pidfd_send_signal(fd.get_ref(), signal)?,
            _ => {
                // Not reaped yet, so the pid is still this child's (a zombie at worst).
                let pid =
                    Pid::from_raw(child.id() as i32).ok_or_else(|| io::Error::other("pid 0"))?;
                rustix::process::kill_process(pid, signal)?;
            }
        }
        Ok(true)
    }

    /// Hands a child that still runs to the reaper thread (optionally killing it first), so
    /// that it is reaped when it ends; nothing blocks.
    pub(crate) fn abandon(&mut self, kill: bool) {
        if self.try_wait().ok().flatten().is_some() {
            return;
        }
        let Some(mut child) = self.child.take() else {
            return;
        };
        if kill {
            let _ = child.kill();
        }
        let pidfd = match self.notify.take() {
            // Deregistered from this loop's reactor; the reaper polls it itself.
            Some(Notify::Pidfd(fd)) => fd.into_inner().ok(),
            _ => None,
        };
        orphans::adopt(child, pidfd);
    }
}

fn open_pidfd(child: &Child) -> Option<OwnedFd> {
    let pid = Pid::from_raw(child.id() as i32)?;
    // ENOSYS (kernel before 5.3) or EPERM (some sandboxes): fall back to SIGCHLD.
    pidfd_open(pid, PidfdFlags::empty()).ok()
}
