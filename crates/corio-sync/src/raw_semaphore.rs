//! The FIFO, hand-off, cancellation-safe permit counter under `Semaphore`,
//! `BoundedSemaphore` and `RwLock` (`Lock` and `Mutex` have their own word,
//! see `raw_lock`).
//!
//! # Why our own queue rather than `event-listener`
//!
//! asyncio's lock and semaphore are strictly FIFO and do not let a newcomer
//! barge past a queued waiter. With a notify-and-retry design (event-listener,
//! async-lock) a released permit goes back into the counter and the woken
//! waiter races for it with every newcomer, so the order is not FIFO. Here a
//! release *hands* the permits to the oldest waiter under the waiter lock: the
//! counter never shows a free permit while someone waits, so a newcomer's fast
//! path fails and it queues behind. A waiter dropped after being handed its
//! permits (or part of them) gives them back through the same hand-off, so no
//! wakeup is ever lost.
//!
//! # State
//!
//! `state = permits << 1 | HAS_WAITERS`. Invariants:
//! - `HAS_WAITERS` is set if and only if the wait list has a linked node, and
//!   it is only changed while holding the waiter lock;
//! - while `HAS_WAITERS` is set, the permit count is zero (every permit is
//!   handed to the head of the queue), so nobody changes `state` without the
//!   waiter lock and the lock holder may simply `store` it;
//! - only the head waiter can hold a partial grant (`missing < requested`).
//!
//! The uncontended acquire is one compare-and-swap; the uncontended release is
//! one compare-and-swap; neither allocates nor takes the waiter lock.

use std::task::{Context, Poll, Waker, ready};

use crate::raw_acquire::{RawAcquisition, RawQueue};
use crate::shim::{self, AtomicUsize, Mutex, MutexGuard, Ordering};
use crate::wait_list::{HasWaker, WaitList};
use crate::wake_list::WakeList;

const HAS_WAITERS: usize = 1;
const SHIFT: usize = 1;

/// Largest permit count a semaphore can hold.
pub(crate) const MAX_PERMITS: usize = usize::MAX >> SHIFT;

#[derive(Debug)]
struct Waiter {
    /// Waker of the acquiring task; taken when the permits are granted.
    waker: Option<Waker>,
    /// Permits the acquire asked for.
    requested: usize,
    /// Permits still to be handed over; the rest are held by this node.
    missing: usize,
}

impl HasWaker for Waiter {
    fn waker(&mut self) -> &mut Option<Waker> {
        &mut self.waker
    }
}

/// Permit counter with a FIFO hand-off queue; see the module docs.
#[derive(Debug)]
pub(crate) struct RawSemaphore {
    state: AtomicUsize,
    waiters: Mutex<WaitList<Waiter>>,
}

/// Error of [`RawSemaphore::release_bounded`]: the release would exceed the bound.
#[derive(Debug)]
pub(crate) struct Overflow;

impl RawSemaphore {
    /// A counter holding `permits`; the caller checked `permits <= MAX_PERMITS`.
    pub(crate) fn new(permits: usize) -> Self {
        debug_assert!(permits <= MAX_PERMITS);
        RawSemaphore {
            state: AtomicUsize::new(permits << SHIFT),
            waiters: Mutex::new(WaitList::new()),
        }
    }

    /// Permits free right now (zero while anyone waits).
    pub(crate) fn available(&self) -> usize {
        self.state.load(Ordering::Acquire) >> SHIFT
    }

    /// Takes `n` permits if they are free and nobody is queued.
    #[inline]
    pub(crate) fn try_acquire(&self, n: usize) -> bool {
        let mut state = self.state.load(Ordering::Relaxed);
        loop {
            if state & HAS_WAITERS != 0 || state >> SHIFT < n {
                return false;
            }
            match self.state.compare_exchange_weak(
                state,
                state - (n << SHIFT),
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(actual) => state = actual,
            }
        }
    }

    /// Returns `n` permits, handing them to queued waiters first.
    ///
    /// Panics if the count would exceed [`MAX_PERMITS`] (callers document it).
    #[inline]
    pub(crate) fn release(&self, n: usize) {
        let mut state = self.state.load(Ordering::Relaxed);
        loop {
            if state & HAS_WAITERS != 0 {
                return self.release_slow(n);
            }
            let new = checked_add_permits(state, n);
            match self
                .state
                .compare_exchange_weak(state, new, Ordering::Release, Ordering::Relaxed)
            {
                Ok(_) => return,
                Err(actual) => state = actual,
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn release_slow(&self, n: usize) {
        self.add_permits_locked(n, shim::lock(&self.waiters));
    }

    /// Like [`release`](Self::release) but fails, changing nothing, when the
    /// permits not held by anyone would exceed `max`.
    pub(crate) fn release_bounded(&self, n: usize, max: usize) -> Result<(), Overflow> {
        let mut state = self.state.load(Ordering::Relaxed);
        loop {
            if state & HAS_WAITERS == 0 {
                if (state >> SHIFT).saturating_add(n) > max {
                    return Err(Overflow);
                }
                match self.state.compare_exchange_weak(
                    state,
                    state + (n << SHIFT),
                    Ordering::Release,
                    Ordering::Relaxed,
                ) {
                    Ok(_) => return Ok(()),
                    Err(actual) => state = actual,
                }
                continue;
            }
            let list = shim::lock(&self.waiters);
            state = self.state.load(Ordering::Acquire);
            if state & HAS_WAITERS == 0 {
                // The queue emptied meanwhile: back to the lock-free path.
                continue;
            }
            // Permits are all with the head (partially) or with their holders.
            let head = list.front().map(|k| list.get(k));
            let partial = head.map_or(0, |w| w.requested - w.missing);
            if partial.saturating_add(n) > max {
                return Err(Overflow);
            }
            self.add_permits_locked(n, list);
            return Ok(());
        }
    }

    /// Whether acquiring one permit now would wait.
    pub(crate) fn locked(&self) -> bool {
        self.state.load(Ordering::Acquire) >> SHIFT == 0
    }

    /// Hands `n` permits to the queue in FIFO order, puts the rest back into
    /// the counter, then wakes the served waiters after unlocking.
    fn add_permits_locked<'a>(&'a self, mut n: usize, mut list: MutexGuard<'a, WaitList<Waiter>>) {
        // The usual case first: the head takes exactly what is released (one
        // permit for one waiter). No batch of wakers to set up and tear down.
        if let Some(key) = list.front() {
            let waiter = list.get_mut(key);
            if waiter.missing == n {
                waiter.missing = 0;
                let waker = waiter.waker.take();
                list.unlink(key);
                if list.is_empty() {
                    self.settle_empty_queue(0);
                }
                drop(list);
                if let Some(waker) = waker {
                    waker.wake();
                }
                return;
            }
        }
        let mut wakers = WakeList::new();
        loop {
            while n > 0 && wakers.can_push() {
                let Some(key) = list.front() else { break };
                let waiter = list.get_mut(key);
                let give = n.min(waiter.missing);
                waiter.missing -= give;
                n -= give;
                if waiter.missing > 0 {
                    // The head keeps what it got and blocks everyone behind it.
                    break;
                }
                let waker = waiter.waker.take();
                list.unlink(key);
                if let Some(waker) = waker {
                    wakers.push(waker);
                }
            }
            if list.is_empty() {
                self.settle_empty_queue(n);
                n = 0;
            }
            if n == 0 {
                drop(list);
                wakers.wake_all();
                return;
            }
            // Permits left and waiters left: the batch of wakers is full.
            // Wake it outside the lock, then go on serving the queue.
            drop(list);
            wakers.wake_all();
            list = shim::lock(&self.waiters);
        }
    }

    /// With the waiter lock held and the queue empty: clears `HAS_WAITERS` if
    /// set and adds `n` leftover permits to the counter.
    fn settle_empty_queue(&self, n: usize) {
        let state = self.state.load(Ordering::Acquire);
        if state & HAS_WAITERS != 0 {
            // Nobody touches `state` while the flag is set (module invariant).
            debug_assert_eq!(state, HAS_WAITERS);
            self.state
                .store(checked_add_permits(0, n), Ordering::Release);
        } else if n > 0 {
            let mut state = state;
            loop {
                match self.state.compare_exchange_weak(
                    state,
                    checked_add_permits(state, n),
                    Ordering::Release,
                    Ordering::Relaxed,
                ) {
                    Ok(_) => return,
                    Err(actual) => state = actual,
                }
            }
        }
    }
}

/// Acquisitions ask for a number of permits.
impl RawQueue for RawSemaphore {
    type Request = usize;
    type Output = ();
    const POLLED_AFTER_COMPLETION: &'static str = "acquire future polled after completion";

    #[inline]
    fn try_now(&self, n: usize) -> Option<()> {
        self.try_acquire(n).then_some(())
    }

    /// Polls an acquisition of `n` permits whose progress is kept in `key`.
    #[inline(never)]
    fn poll_acquire(&self, n: usize, key: &mut Option<usize>, cx: &mut Context<'_>) -> Poll<()> {
        if let Some(k) = *key {
            // Unlinked means granted: every permit was handed to us.
            ready!(shim::lock(&self.waiters).poll_remove(k, cx));
            *key = None;
            return Poll::Ready(());
        }
        if self.try_acquire(n) {
            return Poll::Ready(());
        }
        let mut list = shim::lock(&self.waiters);
        let mut state = self.state.load(Ordering::Acquire);
        let taken = loop {
            if state & HAS_WAITERS != 0 {
                // Stable under the lock: zero permits, queue behind the others.
                break 0;
            }
            let free = state >> SHIFT;
            let (new, taken) = if free >= n {
                (state - (n << SHIFT), n)
            } else {
                // Take what is free and raise the flag: we are the new head.
                (HAS_WAITERS, free)
            };
            match self
                .state
                .compare_exchange_weak(state, new, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) if taken == n => return Poll::Ready(()),
                Ok(_) => break taken,
                Err(actual) => state = actual,
            }
        };
        *key = Some(list.push_back(Waiter {
            waker: Some(cx.waker().clone()),
            requested: n,
            missing: n - taken,
        }));
        Poll::Pending
    }

    /// Abandons the acquisition in `key`: leaves the queue and passes on any
    /// permit already handed to it, so that no wakeup is lost.
    #[cold]
    #[inline(never)]
    fn cancel(&self, key: usize) {
        let mut list = shim::lock(&self.waiters);
        let (waiter, was_linked) = list.remove_was_linked(key);
        let held = waiter.requested - waiter.missing;
        if was_linked && list.is_empty() {
            // We were the last waiter: drop the flag (and any held permits
            // go back below).
            self.settle_empty_queue(0);
        }
        if held > 0 {
            self.add_permits_locked(held, list);
        }
    }
}

fn checked_add_permits(state: usize, n: usize) -> usize {
    match (state >> SHIFT).checked_add(n) {
        Some(total) if total <= MAX_PERMITS => (total << SHIFT) | (state & HAS_WAITERS),
        _ => panic!("semaphore permit count overflow (more than {MAX_PERMITS} permits)"),
    }
}

/// The progress of one acquisition of `n` permits; cancels itself on drop.
///
/// Every public acquire future wraps one of these.
pub(crate) type RawAcquire<'a> = RawAcquisition<'a, RawSemaphore>;
