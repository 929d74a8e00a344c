//! The FIFO, hand-off, cancellation-safe exclusive lock under `Lock` and
//! `Mutex<T>`, with the identity of each holding in the same state word.
//!
//! # Why not the semaphore's counter
//!
//! A lock is a semaphore of one permit, and it used to be one. But asyncio's
//! `Lock` can be released by anyone, so a guard must release only *its own*
//! holding (issue 6, defect 3: a `Condition` wait under a guard released the
//! lock, and the guard's drop then released the next holder's). Recording
//! that in a second atomic costs a third read-modify-write per lock/unlock.
//! Here one word holds both, so the uncontended lock is one compare-and-swap
//! and the uncontended unlock (which also checks that the holding is the
//! guard's) is one compare-and-swap; neither allocates nor touches the waiter
//! list.
//!
//! # State
//!
//! `state = generation << GEN_SHIFT | GUARDED | HAS_WAITERS | LOCKED`.
//!
//! - `LOCKED`: someone holds the lock (or it was handed to a waiter that has
//!   not run yet).
//! - `HAS_WAITERS`: set if and only if the wait list has a linked node; only
//!   changed with the waiter lock held. Invariant: `HAS_WAITERS` implies
//!   `LOCKED` (a release with waiters hands the lock on instead of freeing
//!   it), so while it is set, every fast path fails and nobody changes
//!   `state` without the waiter lock: its holder may simply `store`.
//! - `GUARDED`: the current holding belongs to a guard (`Lock::lock`,
//!   `Mutex::lock`) rather than to a bare `acquire`; `Condition::wait`
//!   refuses to release such a holding.
//! - `generation`: advanced by every release *by hand* ([`RawLock::release`]).
//!   A guard records the word of its holding (`held`, with `LOCKED`, without
//!   `HAS_WAITERS`) and releases only while `state` still shows it. A holding
//!   that was released by hand is followed by a newer generation, so a stale
//!   guard's word never matches again; a holding that ends by its guard's own
//!   release leaves no stale guard behind, so it needs no new generation.
//!   The generation is 61 bits wide: it does not wrap.
//!
//! A waiter granted the lock by a hand-off gets its holding's word in its
//! node (`granted`), written under the waiter lock, so a release by hand that
//! races with the hand-off can never make the waiter's guard adopt a newer
//! holding.

use std::task::{Context, Poll, Waker, ready};

use crate::raw_acquire::{RawAcquisition, RawQueue};
use crate::shim::{self, AtomicU64, Mutex, Ordering};
use crate::wait_list::{HasWaker, WaitList};

const LOCKED: u64 = 1;
const HAS_WAITERS: u64 = 1 << 1;
const GUARDED: u64 = 1 << 2;
const GEN_SHIFT: u32 = 3;
const GEN_ONE: u64 = 1 << GEN_SHIFT;

/// Mask of the generation bits.
const GEN_MASK: u64 = !(GEN_ONE - 1);

/// The word of one holding: what a guard compares `state` with on release.
pub(crate) type Held = u64;

#[derive(Debug)]
struct Waiter {
    /// Waker of the acquiring task; taken when the lock is handed over.
    waker: Option<Waker>,
    /// Whether the holding will belong to a guard (sets `GUARDED`).
    guarded: bool,
    /// The holding's word once the lock was handed to this waiter.
    granted: Held,
}

impl HasWaker for Waiter {
    fn waker(&mut self) -> &mut Option<Waker> {
        &mut self.waker
    }
}

/// Error of a release: the lock was not held (by hand), or the holding is
/// no longer the guard's (for a guard).
#[derive(Debug)]
pub(crate) struct NotHeld;

/// Exclusive lock with a FIFO hand-off queue; see the module docs.
#[derive(Debug)]
pub(crate) struct RawLock {
    state: AtomicU64,
    waiters: Mutex<WaitList<Waiter>>,
}

impl RawLock {
    pub(crate) fn new() -> Self {
        RawLock {
            state: AtomicU64::new(0),
            waiters: Mutex::new(WaitList::new()),
        }
    }

    /// Whether the lock is held (including by a waiter it was handed to).
    pub(crate) fn locked(&self) -> bool {
        self.state.load(Ordering::Acquire) & LOCKED != 0
    }

    /// Whether the current holding belongs to a guard.
    pub(crate) fn held_by_guard(&self) -> bool {
        self.state.load(Ordering::Acquire) & (LOCKED | GUARDED) == LOCKED | GUARDED
    }

    /// Takes the lock if it is free (then nobody waits either): one load and
    /// one compare-and-swap. Returns the holding's word.
    #[inline]
    pub(crate) fn try_lock(&self, guarded: bool) -> Option<Held> {
        let state = self.state.load(Ordering::Relaxed);
        if state & LOCKED != 0 {
            return None;
        }
        let held = state | LOCKED | if guarded { GUARDED } else { 0 };
        self.state
            .compare_exchange(state, held, Ordering::Acquire, Ordering::Relaxed)
            .ok()
            .map(|_| held)
    }

    /// Releases the holding `held` of a guard, unless it already ended (was
    /// released by hand): then the lock is free or someone else's, and this
    /// does nothing.
    ///
    /// Uncontended, one compare-and-swap.
    #[inline]
    pub(crate) fn release_guard(&self, held: Held) {
        debug_assert_eq!(held & (LOCKED | HAS_WAITERS), LOCKED);
        if self
            .state
            .compare_exchange(
                held,
                held & !(LOCKED | GUARDED),
                Ordering::Release,
                Ordering::Relaxed,
            )
            .is_err()
        {
            self.release_guard_slow(held);
        }
    }

    #[cold]
    #[inline(never)]
    fn release_guard_slow(&self, held: Held) {
        // Either our holding ended (and then it stays ended: the generation
        // only grows), or waiters queued, which only the waiter lock changes.
        if self.state.load(Ordering::Relaxed) & !HAS_WAITERS != held {
            return;
        }
        let list = shim::lock(&self.waiters);
        let state = self.state.load(Ordering::Acquire);
        if state & !HAS_WAITERS != held {
            return;
        }
        if state & HAS_WAITERS == 0 {
            // The queue emptied meanwhile: nobody can change the word but us
            // (we hold it) and a release by hand, which takes it from us.
            drop(list);
            let _ = self.state.compare_exchange(
                held,
                held & !(LOCKED | GUARDED),
                Ordering::Release,
                Ordering::Relaxed,
            );
            return;
        }
        self.hand_off(state & GEN_MASK, list);
    }

    /// Releases the lock whoever holds it (asyncio's `release()`), handing it
    /// to the oldest waiter if there is one. Starts a new generation, so that
    /// the guard of the holding it ends (if any) never releases.
    pub(crate) fn release(&self) -> Result<(), NotHeld> {
        let mut state = self.state.load(Ordering::Relaxed);
        loop {
            if state & LOCKED == 0 {
                return Err(NotHeld);
            }
            if state & HAS_WAITERS != 0 {
                return self.release_slow();
            }
            let free = next_generation(state);
            match self.state.compare_exchange_weak(
                state,
                free,
                Ordering::Release,
                Ordering::Relaxed,
            ) {
                Ok(_) => return Ok(()),
                Err(actual) => state = actual,
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn release_slow(&self) -> Result<(), NotHeld> {
        let list = shim::lock(&self.waiters);
        let state = self.state.load(Ordering::Acquire);
        if state & HAS_WAITERS == 0 {
            // The queue emptied meanwhile: back to the lock-free path.
            drop(list);
            return self.release();
        }
        self.hand_off(next_generation(state), list);
        Ok(())
    }

    /// With the waiter lock held and `HAS_WAITERS` set (so `state` is ours to
    /// store): hands the lock, in generation `generation` (bits of
    /// [`GEN_MASK`]), to the oldest waiter and wakes it after unlocking.
    fn hand_off(&self, generation: u64, mut list: shim::MutexGuard<'_, WaitList<Waiter>>) {
        let Some(key) = list.pop_front() else {
            unreachable!("HAS_WAITERS is set only while a waiter is linked")
        };
        let more = if list.is_empty() { 0 } else { HAS_WAITERS };
        let waiter = list.get_mut(key);
        let held = generation | LOCKED | if waiter.guarded { GUARDED } else { 0 };
        waiter.granted = held;
        let waker = waiter.waker.take();
        self.state.store(held | more, Ordering::Release);
        drop(list);
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// Acquisitions ask whether the holding will belong to a guard, and hold the
/// holding's word.
impl RawQueue for RawLock {
    type Request = bool;
    type Output = Held;
    const POLLED_AFTER_COMPLETION: &'static str = "lock future polled after completion";

    #[inline]
    fn try_now(&self, guarded: bool) -> Option<Held> {
        self.try_lock(guarded)
    }

    /// The slow path of an acquisition: the lock was taken when we looked, or
    /// we already wait in `key`.
    #[inline(never)]
    fn poll_acquire(
        &self,
        guarded: bool,
        key: &mut Option<usize>,
        cx: &mut Context<'_>,
    ) -> Poll<Held> {
        let mut list = shim::lock(&self.waiters);
        if let Some(k) = *key {
            // Unlinked means handed over: the lock is ours.
            let held = ready!(list.poll_remove(k, cx)).granted;
            *key = None;
            return Poll::Ready(held);
        }
        let mut state = self.state.load(Ordering::Acquire);
        loop {
            let (new, done) = if state & LOCKED == 0 {
                // Freed meanwhile (so nobody waits): take it.
                (state | LOCKED | if guarded { GUARDED } else { 0 }, true)
            } else if state & HAS_WAITERS != 0 {
                // Stable under the waiter lock: queue behind the others.
                break;
            } else {
                // We are the first waiter: make the holder's release slow.
                (state | HAS_WAITERS, false)
            };
            match self
                .state
                .compare_exchange_weak(state, new, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) if done => return Poll::Ready(new),
                Ok(_) => break,
                Err(actual) => state = actual,
            }
        }
        *key = Some(list.push_back(Waiter {
            waker: Some(cx.waker().clone()),
            guarded,
            granted: 0,
        }));
        Poll::Pending
    }

    /// Abandons the acquisition in `key`: leaves the queue, or, if the lock
    /// had already been handed to it, releases that holding (passing the lock
    /// on), so that no wakeup is lost.
    #[cold]
    #[inline(never)]
    fn cancel(&self, key: usize) {
        let mut list = shim::lock(&self.waiters);
        let (waiter, was_linked) = list.remove_was_linked(key);
        if was_linked {
            if list.is_empty() {
                // We were the last waiter: the flag is ours to drop.
                let state = self.state.load(Ordering::Relaxed);
                self.state.store(state & !HAS_WAITERS, Ordering::Release);
            }
            return;
        }
        // Handed over but never observed: release that holding, unless a
        // release by hand already ended it on our behalf.
        let state = self.state.load(Ordering::Acquire);
        if state & !HAS_WAITERS != waiter.granted {
            return;
        }
        if state & HAS_WAITERS != 0 {
            return self.hand_off(state & GEN_MASK, list);
        }
        // Nobody waits, and the holding is ours: only a release by hand
        // could race with us, and the compare-and-swap settles that.
        drop(list);
        let _ = self.state.compare_exchange(
            waiter.granted,
            waiter.granted & !(LOCKED | GUARDED),
            Ordering::Release,
            Ordering::Relaxed,
        );
    }
}

/// The free word of the generation after `state`'s.
fn next_generation(state: u64) -> u64 {
    (state & GEN_MASK).wrapping_add(GEN_ONE)
}

/// The progress of one acquisition of a [`RawLock`]; cancels itself on drop.
pub(crate) type RawLockAcquire<'a> = RawAcquisition<'a, RawLock>;
