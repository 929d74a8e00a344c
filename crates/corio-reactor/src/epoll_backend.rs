//! [`EpollBackend`]: the default [`Backend`] on Linux and Android, epoll through rustix.
//!
//! Written here rather than taken from `polling` because of what a wait costs: `polling`'s
//! epoll `wait` sets a timerfd and re-arms it, waits, then reads and re-arms its notification
//! eventfd (five syscalls per wait, measured with strace on the HTTP benchmark), where a
//! wait needs one. This backend registers everything edge-triggered, the eventfd included:
//! a notify is one `write`, and the loop never reads the eventfd back (each write is a new
//! edge). Timeouts in whole milliseconds go to `epoll_wait` itself; a finer timeout arms a
//! timerfd (one more syscall), so timers keep their precision.

use std::fmt;
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use std::mem::MaybeUninit;

use rustix::event::epoll::{self, CreateFlags, EventData, EventFlags};
use rustix::event::{EventfdFlags, eventfd};
use rustix::time::{
    Itimerspec, TimerfdClockId, TimerfdFlags, TimerfdTimerFlags, Timespec, timerfd_create,
    timerfd_settime,
};

use crate::{Backend, Event, Events, Interest, RawSource, Trigger, sys};

/// The key of the notification eventfd in epoll; never a source key (the reactor's keys
/// are slab indices, far below it).
const NOTIFY_KEY: u64 = u64::MAX;
/// The key of the timerfd that gives sub-millisecond timeouts.
const TIMER_KEY: u64 = u64::MAX - 1;
/// Events fetched by one `epoll_wait`, into a buffer on the stack (3 KiB on x86-64; rustix's
/// event holds a pointer variant, so a buffer kept in the backend would not be `Send`).
/// More ready descriptors than this are fetched by the next wait.
const EVENTS_CAPACITY: usize = 256;

/// The default backend on Linux and Android: epoll, edge-triggered, with an eventfd to
/// notify and a timerfd for timeouts finer than a millisecond.
///
/// Its events report hang-ups ([`Event::hangup`]), which lets the reactor trust a short
/// read on a byte stream (see [`Async::poll_read_stream`](crate::Async::poll_read_stream)).
///
/// # Examples
///
/// ```
/// use corio_reactor::{Backend, EpollBackend, Reactor, Trigger};
///
/// let backend = EpollBackend::new()?;
/// assert_eq!(backend.trigger(), Trigger::Edge);
/// let reactor = Reactor::with_backend(backend);
/// assert_eq!(reactor.source_count(), 0);
/// # std::io::Result::Ok(())
/// ```
pub struct EpollBackend {
    epoll: OwnedFd,
    /// Registered edge-triggered under `NOTIFY_KEY`; written to notify, never read
    /// (unless its counter would overflow).
    eventfd: OwnedFd,
    /// Registered edge-triggered under `TIMER_KEY`; armed for a wait whose timeout is not a
    /// whole number of milliseconds.
    timerfd: OwnedFd,
    /// The loop thread's wait state; only that thread waits, so the lock is uncontended.
    wait: Mutex<WaitState>,
}

struct WaitState {
    /// The timerfd is armed and has not been seen to fire.
    timer_armed: bool,
}

impl EpollBackend {
    /// A new epoll instance with its eventfd and timerfd (all close-on-exec).
    ///
    /// # Errors
    ///
    /// The OS error if a descriptor cannot be created (e.g. out of descriptors).
    ///
    /// # Examples
    ///
    /// ```
    /// let backend = corio_reactor::EpollBackend::new()?;
    /// # drop(backend);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn new() -> io::Result<EpollBackend> {
        let epoll = epoll::create(CreateFlags::CLOEXEC)?;
        let eventfd = eventfd(0, EventfdFlags::CLOEXEC | EventfdFlags::NONBLOCK)?;
        let timerfd = timerfd_create(
            TimerfdClockId::Monotonic,
            TimerfdFlags::CLOEXEC | TimerfdFlags::NONBLOCK,
        )?;
        let edge_in = EventFlags::IN | EventFlags::ET;
        epoll::add(&epoll, &eventfd, EventData::new_u64(NOTIFY_KEY), edge_in)?;
        epoll::add(&epoll, &timerfd, EventData::new_u64(TIMER_KEY), edge_in)?;
        Ok(EpollBackend {
            epoll,
            eventfd,
            timerfd,
            wait: Mutex::new(WaitState { timer_armed: false }),
        })
    }

    fn arm_timer(&self, timeout: Duration) -> io::Result<()> {
        let zero = Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        let spec = Itimerspec {
            it_interval: zero,
            it_value: timespec(timeout),
        };
        timerfd_settime(&self.timerfd, TimerfdTimerFlags::empty(), &spec)?;
        Ok(())
    }
}

fn timespec(d: Duration) -> Timespec {
    Timespec {
        tv_sec: i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        tv_nsec: i64::from(d.subsec_nanos()),
    }
}

fn flags(interest: Interest) -> EventFlags {
    // RDHUP: a peer's FIN shows as a hang-up even when it comes with the last data.
    let mut flags = EventFlags::ET | EventFlags::RDHUP;
    if interest.is_readable() {
        flags |= EventFlags::IN;
    }
    if interest.is_writable() {
        flags |= EventFlags::OUT;
    }
    flags
}

impl Backend for EpollBackend {
    fn register(&self, source: RawSource, key: usize, interest: Interest) -> io::Result<()> {
        let data = EventData::new_u64(key as u64);
        sys::with_borrowed(source, |fd| {
            Ok(epoll::add(&self.epoll, fd, data, flags(interest))?)
        })
    }

    fn modify(&self, source: RawSource, key: usize, interest: Interest) -> io::Result<()> {
        let data = EventData::new_u64(key as u64);
        sys::with_borrowed(source, |fd| {
            Ok(epoll::modify(&self.epoll, fd, data, flags(interest))?)
        })
    }

    fn deregister(&self, source: RawSource) -> io::Result<()> {
        sys::with_borrowed(source, |fd| Ok(epoll::delete(&self.epoll, fd)?))
    }

    fn wait(&self, events: &mut Events, timeout: Option<Duration>) -> io::Result<usize> {
        let mut state = self.wait.lock().unwrap_or_else(PoisonError::into_inner);
        let timer_armed = &mut state.timer_armed;
        let epoll_timeout = match timeout {
            None => None,
            Some(t) if t.subsec_nanos() % 1_000_000 == 0 => Some(timespec(t)),
            Some(t) => {
                // epoll_wait counts whole milliseconds (rustix rounds up): the timerfd
                // wakes the wait at the exact time instead. A timer armed for an earlier
                // wait that ended on other events may still fire: a spurious, empty
                // wake-up, which `wait` allows.
                self.arm_timer(t)?;
                *timer_armed = true;
                None
            }
        };
        let mut buffer = [const { MaybeUninit::<epoll::Event>::uninit() }; EVENTS_CAPACITY];
        let ready = match epoll::wait(&self.epoll, &mut buffer, epoll_timeout.as_ref()) {
            Ok((ready, _)) => ready,
            Err(rustix::io::Errno::INTR) => return Ok(0),
            Err(e) => return Err(e.into()),
        };
        let mut pushed = 0;
        for ev in ready.iter() {
            let key = ev.data.u64();
            if key == NOTIFY_KEY {
                continue;
            }
            if key == TIMER_KEY {
                *timer_armed = false;
                continue;
            }
            let f = ev.flags;
            let failed = f.intersects(EventFlags::ERR | EventFlags::HUP);
            let readable = failed || f.intersects(EventFlags::IN | EventFlags::RDHUP);
            let writable = failed || f.contains(EventFlags::OUT);
            let hangup = failed || f.contains(EventFlags::RDHUP);
            let key = usize::try_from(key).unwrap_or(usize::MAX);
            events.push(Event::new(key, Interest::new(readable, writable)).with_hangup(hangup));
            pushed += 1;
        }
        Ok(pushed)
    }

    fn notify(&self) -> io::Result<()> {
        // The reactor coalesces notifies, so the counter grows by at most one per wait;
        // it overflows (EAGAIN) only after 2^64 - 2 of them, but reset it then anyway.
        match rustix::io::write(&self.eventfd, &1u64.to_ne_bytes()) {
            Ok(_) => Ok(()),
            Err(rustix::io::Errno::AGAIN) => {
                let mut drain = [0u8; 8];
                let _ = rustix::io::read(&self.eventfd, &mut drain);
                rustix::io::write(&self.eventfd, &1u64.to_ne_bytes())?;
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }

    fn trigger(&self) -> Trigger {
        Trigger::Edge
    }

    fn reports_hangup(&self) -> bool {
        true
    }
}

impl fmt::Debug for EpollBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EpollBackend")
            .field("epoll", &self.epoll.as_fd())
            .finish_non_exhaustive()
    }
}
