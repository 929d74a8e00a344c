//! [`Signal`]: an [`Event`] that costs nothing to notify when nobody waits.
//!
//! `event-listener` 5 takes a lock on every `notify`, even with no listener.
//! Queues and channels notify on every put and get, so the lock would sit on
//! the hot path of every operation. `Signal` counts its waiters and skips the
//! notification when the count is zero.
//!
//! Why no wakeup is lost: a waiter bumps `waiting` (read-modify-write), then
//! registers its listener, then re-checks its condition. A notifier changes
//! the state, then reads `waiting` with a read-modify-write. Both RMWs hit the
//! same atomic, so they are totally ordered:
//! - notifier first: the waiter's RMW reads from (and acquires) the
//!   notifier's release, so its re-check sees the new state and it does not
//!   sleep;
//! - waiter first: the notifier sees a non-zero count and notifies; the
//!   listener is either registered already (and gets the notification), or
//!   registers after the notifier released the event's lock, in which case
//!   the re-check that follows sees the new state.
//!
//! Only acquire/release reasoning is used (no `SeqCst` fence), which is
//! exactly what loom models.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use event_listener::{Event, EventListener};

use crate::sync::{AtomicUsize, Ordering};

/// An event with a count of its waiters.
pub(crate) struct Signal {
    /// The listeners, woken first in, first out.
    event: Event,
    /// How many [`Waiter`]s exist (registered or about to register). Never
    /// lower than the number of listeners registered in `event`.
    waiting: AtomicUsize,
}

impl Signal {
    pub(crate) fn new() -> Self {
        Self {
            event: Event::new(),
            waiting: AtomicUsize::new(0),
        }
    }

    /// Whether some waiter may be registered; the RMW half of the protocol
    /// described in the module docs.
    fn has_waiters(&self) -> bool {
        self.waiting.fetch_add(0, Ordering::AcqRel) != 0
    }

    /// Wakes one more waiter than are already woken (oldest first). Called
    /// after each state change that lets exactly one waiter proceed.
    pub(crate) fn notify_one(&self) {
        if self.has_waiters() {
            self.event.notify_additional(1);
        }
    }

    /// Wakes every waiter.
    pub(crate) fn notify_all(&self) {
        if self.has_waiters() {
            self.event.notify(usize::MAX);
        }
    }

    /// Registers a waiter. The caller must re-check its condition after this
    /// returns and before awaiting the waiter.
    pub(crate) fn listen(&self) -> Waiter<'_> {
        self.waiting.fetch_add(1, Ordering::AcqRel);
        Waiter {
            signal: self,
            listener: self.event.listen(),
        }
    }
}

impl fmt::Debug for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signal")
            .field("waiting", &self.waiting.load(Ordering::Relaxed))
            .finish()
    }
}

/// A registered waiter; completes when notified.
///
/// Dropping a waiter that was notified but not yet polled to completion passes
/// the notification on to the next waiter (event-listener does this), so a
/// cancelled waiter never swallows a wakeup.
/// A [`Waiter`] that owns what keeps its signal alive (an `Arc` of the queue), so that the
/// future holding it is `'static`: `create_task(queue.join())`.
pub(crate) struct OwnedWaiter<S: AsRef<Signal>> {
    owner: S,
    listener: EventListener,
}

impl<S: AsRef<Signal>> OwnedWaiter<S> {
    pub(crate) fn new(owner: S) -> Self {
        let signal = owner.as_ref();
        signal.waiting.fetch_add(1, Ordering::AcqRel);
        let listener = signal.event.listen();
        Self { owner, listener }
    }
}

impl<S: AsRef<Signal>> Future for OwnedWaiter<S> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.listener).poll(cx)
    }
}

// Only the listener is polled, and `EventListener` is `Unpin`.
impl<S: AsRef<Signal>> Unpin for OwnedWaiter<S> {}

impl<S: AsRef<Signal>> Drop for OwnedWaiter<S> {
    fn drop(&mut self) {
        // As for `Waiter`: the listener is dropped after the count goes down.
        self.owner.as_ref().waiting.fetch_sub(1, Ordering::AcqRel);
    }
}

impl<S: AsRef<Signal>> fmt::Debug for OwnedWaiter<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedWaiter").finish_non_exhaustive()
    }
}

pub(crate) struct Waiter<'a> {
    signal: &'a Signal,
    listener: EventListener,
}

impl Future for Waiter<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.listener).poll(cx)
    }
}

impl Drop for Waiter<'_> {
    fn drop(&mut self) {
        // The listener field is dropped after this, and passes on a pending
        // notification then: a notifier that sees the count at zero meanwhile
        // has nobody else to wake, as every other waiter is still counted.
        self.signal.waiting.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The one waiting loop every future in this crate runs: try `attempt`;
/// if it has no result, register a listener (`listen`) and try again before
/// sleeping; when woken, try again (and, if another task got there first,
/// wait again at the back of the line).
///
/// `waiter` lives in the calling future, so that dropping the future drops
/// the listener and passes on a wakeup it had not used.
pub(crate) fn poll_until<L, R>(
    waiter: &mut Option<L>,
    cx: &mut Context<'_>,
    listen: impl Fn() -> L,
    mut attempt: impl FnMut() -> Option<R>,
) -> Poll<R>
where
    L: Future<Output = ()> + Unpin,
{
    loop {
        if let Some(result) = attempt() {
            // Drop the listener now rather than with the future: if it was
            // notified meanwhile, the notification passes on at once.
            *waiter = None;
            return Poll::Ready(result);
        }
        match waiter {
            None => *waiter = Some(listen()),
            Some(registered) => {
                if Pin::new(registered).poll(cx).is_pending() {
                    return Poll::Pending;
                }
                *waiter = None;
            }
        }
    }
}

impl fmt::Debug for Waiter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Waiter").finish_non_exhaustive()
    }
}
