//! `add_reader` / `add_writer`: callbacks on descriptor readiness, level-triggered as in
//! asyncio (called once per loop iteration while the descriptor stays ready).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd, RawFd};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use corio_reactor::Async;
use corio_runtime::{CallbackOutput, EventLoop, Report, ReportKind, Task};
use rustix::event::{PollFd, PollFlags, Timespec};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Dir {
    Read,
    Write,
}

/// The loop's watches, by descriptor number (a per-loop extension).
#[derive(Default)]
struct Watches {
    map: RefCell<HashMap<RawFd, Entry>>,
}

#[derive(Default)]
struct Entry {
    reader: Option<Watch>,
    writer: Option<Watch>,
}

/// One callback's task. `active` turns false on removal, so a callback is never called
/// after `remove_*` returned, even before the cancelled task has been dropped.
struct Watch {
    task: Task<()>,
    active: Rc<Cell<bool>>,
}

impl Watch {
    fn stop(self) {
        self.active.set(false);
        self.task.cancel();
    }
}

/// Whether `fd` is ready now, by a zero-timeout `poll(2)`: the level-triggered check
/// between two callbacks. Errors and hang-ups count as ready, as asyncio's selectors do.
fn ready_now(fd: BorrowedFd<'_>, dir: Dir) -> io::Result<()> {
    let want = match dir {
        Dir::Read => PollFlags::IN | PollFlags::PRI,
        Dir::Write => PollFlags::OUT,
    };
    let mut fds = [PollFd::new(&fd, want)];
    let zero = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    rustix::event::poll(&mut fds, Some(&zero))?;
    let got = fds[0].revents();
    if got.intersects(want | PollFlags::ERR | PollFlags::HUP | PollFlags::NVAL) {
        Ok(())
    } else {
        Err(io::ErrorKind::WouldBlock.into())
    }
}

pub(super) fn add<R: CallbackOutput + 'static>(
    lp: &EventLoop,
    fd: BorrowedFd<'_>,
    dir: Dir,
    mut callback: impl FnMut() -> R + 'static,
) -> io::Result<()> {
    let raw = std::os::fd::AsRawFd::as_raw_fd(&fd);
    let watched: Async<OwnedFd> = Async::with_reactor(fd.try_clone_to_owned()?, lp.reactor())?;
    let active = Rc::new(Cell::new(true));
    let flag = Rc::clone(&active);
    let task = lp
        .create_task(async move {
            loop {
                // Runs the readiness check first (no wait while the cached readiness
                // holds), and on "not ready" clears the cache and waits for an event.
                let check = |fd: &OwnedFd| ready_now(fd.as_fd(), dir);
                let waited = match dir {
                    Dir::Read => watched.read_with(check).await,
                    Dir::Write => watched.write_with(check).await,
                };
                if let Err(e) = waited {
                    report(ReportKind::Io, format!("watching fd {raw} failed: {e}"));
                    return;
                }
                if !flag.get() {
                    return;
                }
                match catch_unwind(AssertUnwindSafe(&mut callback)) {
                    Ok(out) => {
                        if let Some(failure) = out.into_failure() {
                            report(ReportKind::CallbackFailed, failure);
                        }
                    }
                    Err(_) => report(
                        ReportKind::CallbackPanicked,
                        format!("the {dir:?} callback of fd {raw} panicked"),
                    ),
                }
                if !flag.get() {
                    return;
                }
                // One call per loop iteration, as asyncio's selector loop makes.
                corio_runtime::yield_now().await;
            }
        })
        .map_err(io::Error::other)?;
    let watches = lp.extension::<Watches>();
    let mut map = watches.map.borrow_mut();
    let entry = map.entry(raw).or_default();
    let slot = match dir {
        Dir::Read => &mut entry.reader,
        Dir::Write => &mut entry.writer,
    };
    if let Some(old) = slot.replace(Watch { task, active }) {
        old.stop();
    }
    Ok(())
}

pub(super) fn remove(lp: &EventLoop, raw: RawFd, dir: Dir) -> bool {
    let watches = lp.extension::<Watches>();
    let mut map = watches.map.borrow_mut();
    let Some(entry) = map.get_mut(&raw) else {
        return false;
    };
    let old = match dir {
        Dir::Read => entry.reader.take(),
        Dir::Write => entry.writer.take(),
    };
    if entry.reader.is_none() && entry.writer.is_none() {
        map.remove(&raw);
    }
    match old {
        Some(watch) => {
            watch.stop();
            true
        }
        None => false,
    }
}

/// Reports to the running loop (the watch's own: its task runs there). The task holds
/// no handle of the loop, so a loop dropped without `close()` is not kept alive by its
/// watches (see corio-runtime's loop ownership).
fn report(kind: ReportKind, message: String) {
    let report = Report {
        kind,
        message,
        task: corio_runtime::current_task(),
    };
    match corio_runtime::get_running_loop() {
        Ok(lp) => lp.call_exception_handler(&report),
        Err(_) => log::error!("{report}"),
    }
}
