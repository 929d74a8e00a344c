//! The reaper of children whose `Process` was dropped while they ran: one thread for the
//! process, started on first need, that waits (in `poll`) on their pidfds — or on SIGCHLD for
//! those without one — and reaps each as it ends. So a dropped `Process` never blocks and never
//! leaves a zombie behind.
//!
//! A thread rather than a loop task: the loop that spawned the child may be gone, or never run
//! again, and the child must still be reaped (asyncio's ThreadedChildWatcher does the same).

use std::io::Read;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::process::Child;
use std::sync::{Mutex, OnceLock, PoisonError};

use rustix::event::{PollFd, PollFlags, poll};

struct Orphan {
    child: Child,
    pidfd: Option<OwnedFd>,
}

struct Reaper {
    orphans: Mutex<Vec<Orphan>>,
    /// Written to wake the thread when an orphan arrives.
    wake: UnixStream,
}

static REAPER: OnceLock<Option<Reaper>> = OnceLock::new();

fn reaper() -> Option<&'static Reaper> {
    REAPER
        .get_or_init(|| {
            let (read, write) = UnixStream::pair().ok()?;
            read.set_nonblocking(true).ok()?;
            write.set_nonblocking(true).ok()?;
            std::thread::Builder::new()
                .name("corio-reaper".into())
                .spawn(move || run(read))
                .ok()?;
            Some(Reaper {
                orphans: Mutex::new(Vec::new()),
                wake: write,
            })
        })
        .as_ref()
}

/// Takes `child` (not yet reaped) to be reaped when it ends.
pub(crate) fn adopt(mut child: Child, pidfd: Option<OwnedFd>) {
    if matches!(child.try_wait(), Ok(Some(_)) | Err(_)) {
        return;
    }
    let Some(reaper) = reaper() else {
        // No thread could be started (out of resources): the child stays a zombie until the
        // process ends. Said in the log, as nothing else can be done.
        log::error!(target: "corio", "cannot start the reaper thread; child {} will not be reaped", child.id());
        return;
    };
    reaper
        .orphans
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(Orphan { child, pidfd });
    let _ = (&reaper.wake).write_all_nonblocking(b"x");
}

trait WriteNonblocking {
    fn write_all_nonblocking(self, buf: &[u8]) -> std::io::Result<()>;
}

impl WriteNonblocking for &UnixStream {
    fn write_all_nonblocking(mut self, buf: &[u8]) -> std::io::Result<()> {
        use std::io::Write;
        // A full pipe already wakes the thread; the byte is only a wakeup.
        match self.write(buf) {
            Ok(_) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => Ok(()),
            Err(e) => Err(e),
        }
    }
}

fn run(wake: UnixStream) {
    // Made on first need: a SIGCHLD registration for orphans without a pidfd.
    let mut sigchld: Option<UnixStream> = None;
    loop {
        let Some(reaper) = REAPER.get().and_then(Option::as_ref) else {
            // Not published yet (the thread started inside get_or_init): wait for it.
            std::thread::yield_now();
            continue;
        };
        let mut orphans = reaper
            .orphans
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        orphans.retain_mut(|o| matches!(o.child.try_wait(), Ok(None)));
        let need_sigchld = orphans.iter().any(|o| o.pidfd.is_none());
        if need_sigchld && sigchld.is_none() {
            sigchld = sigchld_pipe();
        }
        // Borrowed descriptors for poll, taken while the lock is held; the orphans cannot
        // change meanwhile, since only this thread removes them and `adopt` waits on the lock.
        let pidfds: Vec<OwnedFd> = orphans
            .iter()
            .filter_map(|o| o.pidfd.as_ref().and_then(|fd| fd.try_clone().ok()))
            .collect();
        drop(orphans);
        let mut fds: Vec<PollFd<'_>> = Vec::with_capacity(pidfds.len() + 2);
        fds.push(PollFd::new(&wake, PollFlags::IN));
        if need_sigchld && let Some(pipe) = &sigchld {
            fds.push(PollFd::new(pipe, PollFlags::IN));
        }
        for fd in &pidfds {
            fds.push(PollFd::from_borrowed_fd(fd.as_fd(), PollFlags::IN));
        }
        let _ = poll(&mut fds, None);
        drop(fds);
        drain(&wake);
        if let Some(pipe) = sigchld.as_ref() {
            drain(pipe);
        }
    }
}

fn sigchld_pipe() -> Option<UnixStream> {
    let (read, write) = UnixStream::pair().ok()?;
    read.set_nonblocking(true).ok()?;
    // Kept for the life of the process, like the thread.
    signal_hook::low_level::pipe::register(signal_hook::consts::SIGCHLD, write).ok()?;
    Some(read)
}

fn drain(mut stream: &UnixStream) {
    let mut buf = [0; 64];
    while matches!(stream.read(&mut buf), Ok(n) if n > 0) {}
}
