//! Per-source state: cached readiness with a tick, and the tasks waiting on it.
//!
//! This is the no-missed-wakeup machinery (the design of tokio's
//! `ScheduledIo` with async-io's waiter slab):
//!
//! * The reactor sets a direction's readiness bit and bumps the tick, *then*
//!   takes the waiter lock to wake the waiters.
//! * A waiter registers its waker under that lock and re-reads the readiness
//!   while still holding it. Whichever of the two takes the lock second sees
//!   the other's work, so an event can never fall between "not ready" and
//!   "waker registered".
//! * An operation that hit `WouldBlock` clears the bit only if the tick is the
//!   one it read *before* the operation; readiness that arrived in between
//!   bumped the tick, survives, and the operation is simply retried.

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use slab::Slab;

use crate::{Backend, Interest, RawSource};

/// Low bits of the readiness word: one per direction.
const READY_MASK: usize = Interest::BOTH.bits();
/// Set (for good) by an event that reported a hang-up: a short read no longer shows the
/// kernel buffer drained (the end of file is still to be read).
const HANGUP: usize = READY_MASK + 1;
/// Per direction (the readiness bit shifted by `KNOWN_SHIFT`): an operation has found out
/// the direction's state since registration (it hit `WouldBlock`, or a short stream
/// read/write). From then on a clear readiness bit means "not ready" for sure (a new
/// edge sets it again), and the next operation can wait without trying its syscall.
const KNOWN_SHIFT: u32 = 3;
/// The bits below the tick.
const LOW_MASK: usize = READY_MASK | HANGUP | (READY_MASK << KNOWN_SHIFT);
/// The tick lives above the readiness and hang-up bits.
const TICK_ONE: usize = LOW_MASK + 1;

/// A readiness direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dir {
    Read,
    Write,
}

impl Dir {
    const ALL: [Dir; 2] = [Dir::Read, Dir::Write];

    fn interest(self) -> Interest {
        match self {
            Dir::Read => Interest::READABLE,
            Dir::Write => Interest::WRITABLE,
        }
    }

    fn index(self) -> usize {
        match self {
            Dir::Read => 0,
            Dir::Write => 1,
        }
    }
}

/// The readiness word as read before an I/O attempt.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Snapshot(usize);

impl Snapshot {
    /// `dir` is known not to be ready: an operation would only return `WouldBlock`.
    pub(crate) fn must_wait(self, dir: Dir) -> bool {
        let bit = dir.interest().bits();
        self.0 & (bit << KNOWN_SHIFT) != 0 && self.0 & bit == 0
    }
}

/// Where a waiting task keeps its waker.
#[derive(Debug)]
pub(crate) enum Slot<'a> {
    /// The single slot used by `poll_readable`/`poll_writable`: the last task
    /// to poll it wins, as in `AsyncRead` implementations.
    Poller,
    /// A slot of its own in the waiter slab (`readable()`/`writable()`
    /// futures), so any number of tasks can wait at once. `None` until the
    /// first registration; the future removes it on drop.
    Waiter(&'a mut Option<usize>),
}

/// One registered descriptor.
#[derive(Debug)]
pub(crate) struct Source {
    /// The descriptor. Registered with the backend under `key` from creation
    /// until `Reactor::deregister`; the owning `Async` keeps it open that long.
    pub(crate) raw: RawSource,
    /// The key in the reactor's slab and in the backend's events.
    /// `u32`, with `raw` beside it, to keep the source (one per connection)
    /// small; `Reactor::register` refuses a key that does not fit.
    key: u32,
    /// Bits `READY_MASK`: cached readiness per direction, set by the reactor
    /// on an event, cleared by an operation that hit `WouldBlock` (only if the
    /// tick did not move since its snapshot). Bit `HANGUP`: sticky, set by an
    /// event that reported a hang-up. Bits above: the tick, bumped on every
    /// event delivered to this source (wrapping).
    readiness: AtomicUsize,
    /// Waiters and, for oneshot backends, what is armed. Lock order: the
    /// reactor's source slab first, then this.
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Per direction, the `Slot::Poller` waker.
    pollers: [Option<Waker>; 2],
    /// Per direction, the first `Slot::Waiter` (key 0), inline: one task
    /// awaiting `readable()` or `read_with` costs no allocation.
    firsts: [Option<Waker>; 2],
    /// Per direction, key 0 belongs to a live waiter future (woken or not).
    first_taken: [bool; 2],
    /// Per direction, the other `Slot::Waiter` wakers under key `index + 1`;
    /// a woken waiter's entry stays (as `None`) until its future drops, so
    /// its key stays valid. Boxed and made on first use: a second waiter on
    /// one direction at once is rare, and inline slabs would weigh 80 bytes
    /// on every idle connection.
    rest: Option<Box<[Slab<Option<Waker>>; 2]>>,
    /// Oneshot backends only: the directions armed in the backend right now.
    /// An event disarms everything, so the reactor resets it to `NONE`.
    armed: Interest,
}

impl State {
    fn has_waiters(&self, dir: Dir) -> bool {
        let d = dir.index();
        self.pollers[d].is_some()
            || self.firsts[d].is_some()
            || self
                .rest
                .as_ref()
                .is_some_and(|w| w[d].iter().any(|(_, w)| w.is_some()))
    }

    fn drain_into(&mut self, dir: Dir, out: &mut Vec<Waker>) {
        let d = dir.index();
        out.extend(self.pollers[d].take());
        out.extend(self.firsts[d].take());
        if let Some(rest) = &mut self.rest {
            for (_, waker) in &mut rest[d] {
                out.extend(waker.take());
            }
        }
    }

    /// Stores `waker` in the waiter entry `key`, taking an entry first if
    /// `key` is `None`.
    fn store_waiter(&mut self, dir: Dir, key: &mut Option<usize>, waker: &Waker) {
        let d = dir.index();
        match *key {
            Some(0) => store_waker(&mut self.firsts[d], waker),
            Some(k) => {
                if let Some(place) = self.rest.as_mut().and_then(|r| r[d].get_mut(k - 1)) {
                    store_waker(place, waker);
                }
            }
            None if !self.first_taken[d] => {
                self.first_taken[d] = true;
                self.firsts[d] = Some(waker.clone());
                *key = Some(0);
            }
            None => {
                let rest = &mut self.rest.get_or_insert_default()[d];
                *key = Some(rest.insert(Some(waker.clone())) + 1);
            }
        }
    }

    fn remove_waiter(&mut self, dir: Dir, key: usize) {
        let d = dir.index();
        if key == 0 {
            self.first_taken[d] = false;
            self.firsts[d] = None;
        } else if let Some(rest) = &mut self.rest {
            rest[d].try_remove(key - 1);
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // The critical sections only move wakers around; a panic inside one
    // (a panicking `Waker::clone`) leaves the state consistent.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn store_waker(place: &mut Option<Waker>, waker: &Waker) {
    match place {
        Some(old) if old.will_wake(waker) => {}
        _ => *place = Some(waker.clone()),
    }
}

impl Source {
    /// The key in the reactor's slab and in the backend's events.
    pub(crate) fn key(&self) -> usize {
        self.key as usize
    }

    pub(crate) fn new(raw: RawSource, key: u32) -> Source {
        Source {
            raw,
            key,
            readiness: AtomicUsize::new(0),
            state: Mutex::new(State::default()),
        }
    }

    /// Reads the readiness word before an I/O attempt.
    pub(crate) fn snapshot(&self) -> Snapshot {
        Snapshot(self.readiness.load(Ordering::Acquire))
    }

    fn is_ready(&self, dir: Dir) -> bool {
        self.readiness.load(Ordering::Acquire) & dir.interest().bits() != 0
    }

    /// Forgets `dir`'s readiness after an operation returned `WouldBlock`,
    /// unless an event arrived since `before` was taken.
    pub(crate) fn clear(&self, dir: Dir, before: Snapshot) {
        let bit = dir.interest().bits();
        // `Err` means "nothing to do": the tick moved (or the bit is clear), and the
        // direction is already known.
        let _ = self
            .readiness
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |cur| {
                let same_tick = cur & !LOW_MASK == before.0 & !LOW_MASK;
                let known = bit << KNOWN_SHIFT;
                if same_tick && cur & bit != 0 {
                    Some((cur & !bit) | known)
                } else {
                    (cur & known == 0).then_some(cur | known)
                }
            });
    }

    /// Forgets `dir`'s readiness after a byte-stream operation moved fewer bytes than
    /// asked (the kernel buffer is drained, or full for a write), as [`clear`](Source::clear)
    /// does, unless the source hung up (its end of file is still to be read).
    pub(crate) fn clear_drained(&self, dir: Dir, before: Snapshot) {
        if self.readiness.load(Ordering::Acquire) & HANGUP == 0 {
            self.clear(dir, before);
        }
    }

    /// Ready when `dir` is (cached as) ready; otherwise registers the waker
    /// in `slot` and, for a oneshot backend (`rearm`), arms the direction.
    pub(crate) fn poll_ready(
        &self,
        dir: Dir,
        cx: &mut Context<'_>,
        slot: Slot<'_>,
        rearm: Option<&dyn Backend>,
    ) -> Poll<io::Result<()>> {
        if self.is_ready(dir) {
            return Poll::Ready(Ok(()));
        }
        let mut state = lock(&self.state);
        match slot {
            Slot::Poller => store_waker(&mut state.pollers[dir.index()], cx.waker()),
            Slot::Waiter(key) => state.store_waiter(dir, key, cx.waker()),
        }
        // Re-check under the lock: see the module docs.
        if self.is_ready(dir) {
            return Poll::Ready(Ok(()));
        }
        if let Some(backend) = rearm
            && !state.armed.contains(dir.interest())
        {
            let want = state.armed | dir.interest();
            if let Err(err) = backend.modify(self.raw, self.key(), want) {
                return Poll::Ready(Err(err));
            }
            state.armed = want;
        }
        Poll::Pending
    }

    /// Removes a `Slot::Waiter` entry (its future is dropped).
    pub(crate) fn remove_waiter(&self, dir: Dir, key: usize) {
        lock(&self.state).remove_waiter(dir, key);
    }

    /// The reactor delivers an event: caches `ready`, bumps the tick and moves
    /// the wakers of the ready directions to `wakers` (woken by the caller,
    /// outside every lock). With a oneshot backend (`rearm`) the event
    /// disarmed the source, so directions that still have waiters are re-armed.
    pub(crate) fn on_event(
        &self,
        ready: Interest,
        hangup: bool,
        rearm: Option<&dyn Backend>,
        wakers: &mut Vec<Waker>,
    ) {
        let mut cur = self.readiness.load(Ordering::Acquire);
        loop {
            let hangup_bit = if hangup { HANGUP } else { 0 };
            let next = (cur & !LOW_MASK).wrapping_add(TICK_ONE)
                | (cur & LOW_MASK)
                | ready.bits()
                | hangup_bit;
            match self.readiness.compare_exchange_weak(
                cur,
                next,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => break,
                Err(actual) => cur = actual,
            }
        }
        let mut state = lock(&self.state);
        for dir in Dir::ALL {
            if ready.contains(dir.interest()) {
                state.drain_into(dir, wakers);
            }
        }
        let Some(backend) = rearm else { return };
        state.armed = Interest::NONE;
        let mut again = Interest::NONE;
        for dir in Dir::ALL {
            if !ready.contains(dir.interest()) && state.has_waiters(dir) {
                again |= dir.interest();
            }
        }
        if again.is_none() {
            return;
        }
        match backend.modify(self.raw, self.key(), again) {
            Ok(()) => state.armed = again,
            Err(err) => {
                // Wake them instead: each re-polls, re-arms itself and gets
                // the error if it persists. Nothing waits unarmed.
                log::debug!("re-arming source {} failed: {err}", self.key());
                for dir in Dir::ALL {
                    if again.contains(dir.interest()) {
                        state.drain_into(dir, wakers);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One source per connection: 104 bytes, so that with the `Arc` counts it
    /// takes a 128-byte malloc chunk, and a task waiting on it allocates
    /// nothing more (issue 9's idle-connection memory).
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_source_weighs_104_bytes() {
        assert_eq!(size_of::<Source>(), 104);
    }
}
