//! [`Signal`]: an [`Event`] that costs nothing to notify when every waiter
//! is already notified (or nobody waits).
//!
//! `event-listener` 5 takes a lock on every `notify`, even when it has no
//! unnotified listener. Queues and channels notify on every put and get, and
//! a blocked producer stays registered (already notified) until it runs
//! again, so without a count of our own the lock would sit on the hot path
//! of every operation. `Signal` counts its *unnotified* waiters and skips the
//! notification when the count is zero.
//!
//! # The count
//!
//! `unnotified` goes up by one when a waiter is created (before its listener
//! is registered), down by one when a waiter that was never notified is
//! dropped, and down by `k` after a `notify` call reports that it notified
//! `k` listeners. A waiter that consumed its notification (or discards one it
//! had not consumed) leaves the count alone: its notifier takes the one off.
//! Every decrement follows the increment it undoes, so `unnotified` is never
//! below the number of counted waiters whose listener is not notified (it is
//! above while a notifier has notified but not yet subtracted). A zero means
//! that every waiter is notified: a `notify_additional(1)` would find nobody
//! to wake, so skipping it changes nothing.
//!
//! To keep that count in step with event-listener's own, a waiter never lets
//! event-listener pass a notification on behind our back: a notified waiter
//! dropped before it used the notification *discards* it
//! ([`Listener::discard`]) and passes it on with [`Signal::notify_one`],
//! which counts.
//!
//! # Why no wakeup is lost
//!
//! A waiter bumps the count (read-modify-write), then registers its listener,
//! then re-checks its condition. A notifier changes the state, then reads the
//! count with a read-modify-write. Both RMWs hit the same atomic, so they are
//! totally ordered:
//! - notifier first: the waiter's RMW reads from (and acquires) the
//!   notifier's release, so its re-check sees the new state and it does not
//!   sleep;
//! - waiter first: the notifier sees a non-zero count (the waiter is
//!   unnotified, and nothing subtracts it before a notify reaches it) and
//!   notifies; the listener is either registered already (and gets the
//!   notification), or registers after the notifier released the event's
//!   lock, in which case the re-check that follows sees the new state.
//!
//! Only acquire/release reasoning is used (no `SeqCst` fence), which is
//! exactly what loom models (`tests/loom_queue.rs`, `tests/loom_channels.rs`).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use event_listener::{Event, EventListener, Listener};

use crate::sync::{AtomicUsize, Ordering};

/// An event with a count of its unnotified waiters.
pub(crate) struct Signal {
    /// The listeners, woken first in, first out.
    event: Event,
    /// Waiters that may still need a notification; see the module docs.
    unnotified: AtomicUsize,
}

impl Signal {
    pub(crate) fn new() -> Self {
        Self {
            event: Event::new(),
            unnotified: AtomicUsize::new(0),
        }
    }

    /// Whether some waiter may still be unnotified; the RMW half of the
    /// protocol described in the module docs.
    #[inline]
    fn has_unnotified(&self) -> bool {
        self.unnotified.fetch_add(0, Ordering::AcqRel) != 0
    }

    /// Takes the `k` waiters a notify call reported as notified off the count.
    fn notified(&self, k: usize) {
        if k > 0 {
            self.unnotified.fetch_sub(k, Ordering::AcqRel);
        }
    }

    /// Wakes one more waiter than are already woken (oldest first). Called
    /// after each state change that lets exactly one waiter proceed.
    #[inline]
    pub(crate) fn notify_one(&self) {
        if self.has_unnotified() {
            self.notify_one_slow();
        }
    }

    #[inline(never)]
    fn notify_one_slow(&self) {
        self.notified(self.event.notify_additional(1));
    }

    /// Wakes every waiter.
    pub(crate) fn notify_all(&self) {
        if self.has_unnotified() {
            self.notified(self.event.notify(usize::MAX));
        }
    }

    /// Registers a waiter. The caller must re-check its condition after this
    /// returns and before awaiting the waiter.
    pub(crate) fn listen(&self) -> Waiter<'_> {
        Waiter {
            signal: self,
            listener: Counted::listen(self),
        }
    }
}

impl fmt::Debug for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signal")
            .field("unnotified", &self.unnotified.load(Ordering::Relaxed))
            .finish()
    }
}

/// A listener counted in its signal's `unnotified`: the part both waiter
/// types share.
struct Counted {
    /// `None` once the notification was used (or the listener dropped).
    listener: Option<EventListener>,
}

impl Counted {
    fn listen(signal: &Signal) -> Self {
        signal.unnotified.fetch_add(1, Ordering::AcqRel);
        Self {
            listener: Some(signal.event.listen()),
        }
    }

    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let listener = self
            .listener
            .as_mut()
            .expect("signal waiter polled after completion");
        let poll = Pin::new(listener).poll(cx);
        if poll.is_ready() {
            // Its notifier takes it off the count.
            self.listener = None;
        }
        poll
    }

    /// Leaves the signal; see the module docs.
    fn release(&mut self, signal: &Signal) {
        let Some(listener) = self.listener.take() else {
            return;
        };
        if listener.discard() {
            // Notified but not used: its notifier takes it off the count, and
            // the wakeup goes to the next unnotified waiter.
            signal.notify_one();
        } else {
            // Never notified, and no longer can be.
            signal.unnotified.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

/// A registered waiter; completes when notified.
///
/// Dropping a waiter that was notified but not yet polled to completion passes
/// the notification on to the next waiter, so a cancelled waiter never
/// swallows a wakeup.
pub(crate) struct Waiter<'a> {
    signal: &'a Signal,
    listener: Counted,
}

impl Future for Waiter<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.listener.poll(cx)
    }
}

impl Drop for Waiter<'_> {
    fn drop(&mut self) {
        self.listener.release(self.signal);
    }
}

impl fmt::Debug for Waiter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Waiter").finish_non_exhaustive()
    }
}

/// A [`Waiter`] that owns what keeps its signal alive (an `Arc` of the queue), so that the
/// future holding it is `'static`: `create_task(queue.join())`.
pub(crate) struct OwnedWaiter<S: AsRef<Signal>> {
    owner: S,
    listener: Counted,
}

impl<S: AsRef<Signal>> OwnedWaiter<S> {
    pub(crate) fn new(owner: S) -> Self {
        let listener = Counted::listen(owner.as_ref());
        Self { owner, listener }
    }
}

impl<S: AsRef<Signal>> Future for OwnedWaiter<S> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.listener.poll(cx)
    }
}

// Only the listener is polled, and `EventListener` is `Unpin`.
impl<S: AsRef<Signal>> Unpin for OwnedWaiter<S> {}

impl<S: AsRef<Signal>> Drop for OwnedWaiter<S> {
    fn drop(&mut self) {
        self.listener.release(self.owner.as_ref());
    }
}

impl<S: AsRef<Signal>> fmt::Debug for OwnedWaiter<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedWaiter").finish_non_exhaustive()
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
