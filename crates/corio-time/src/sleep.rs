use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use crate::context::{Current, with_current};
use crate::{TimerKey, fallback};

/// Where a [`Sleep`] is registered.
#[derive(Debug, Clone, Copy)]
enum Registration {
    /// Not polled yet.
    Unregistered,
    /// Due at once on first poll: it yielded once and is ready when polled again.
    Yielded,
    /// In the queue of the source with this id.
    Local { source: u64, key: TimerKey },
    /// In the shared timer thread's queue.
    Global(TimerKey),
    /// Finished.
    Done,
}

/// Waits until `duration` has passed on the running loop's clock.
///
/// Like asyncio's `sleep`, it always suspends at least once: `sleep(Duration::ZERO)` gives up
/// exactly one loop iteration (the task goes to the back of the ready queue), which is how
/// asyncio code lets other tasks run. A duration that reaches past the last instant the
/// platform represents (`Duration::MAX`) never ends, as asyncio's `sleep(math.inf)`; a
/// virtual clock does not jump for it.
///
/// # Cancel safety
///
/// Dropping a `Sleep` cancels its timer; nothing else happens.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, Instant};
///
/// futures_lite::future::block_on(async {
///     let start = Instant::now();
///     corio_time::sleep(Duration::from_millis(10)).await;
///     assert!(start.elapsed() >= Duration::from_millis(10));
/// });
/// ```
pub fn sleep(duration: Duration) -> Sleep {
    Sleep {
        deadline: Deadline::After(duration),
        registration: Registration::Unregistered,
    }
}

/// Waits until `deadline` on the running loop's clock (see [`now`](crate::now)).
///
/// A deadline in the past behaves like `sleep(Duration::ZERO)`: one iteration.
///
/// # Cancel safety
///
/// Dropping a `Sleep` cancels its timer; nothing else happens.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// futures_lite::future::block_on(async {
///     let deadline = corio_time::now() + Duration::from_millis(5);
///     corio_time::sleep_until(deadline).await;
///     assert!(corio_time::now() >= deadline);
/// });
/// ```
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep {
        deadline: Deadline::At(deadline),
        registration: Registration::Unregistered,
    }
}

/// When a [`Sleep`] ends.
#[derive(Debug, Clone, Copy)]
enum Deadline {
    /// `sleep(duration)` not polled yet: like asyncio's `sleep`, the clock starts when the
    /// sleep starts running, read from the loop it runs on (which matters under a virtual
    /// clock, whose time differs from `Instant::now()`).
    After(Duration),
    /// A timeout made at `start` on the clock of the timer source `source` (0: none), not
    /// polled yet: it ends `after` later, as asyncio's `timeout(delay)` fixes its deadline
    /// when made. If it is first polled under another source, whose clock may differ (a
    /// timeout made before the loop runs), it starts from that clock's now instead.
    Since {
        start: Instant,
        source: u64,
        after: Duration,
    },
    At(Instant),
}

impl Deadline {
    fn resolve(self) -> Instant {
        self.resolve_at(crate::now())
    }

    fn resolve_at(self, now: Instant) -> Instant {
        match self {
            Deadline::At(at) => at,
            Deadline::After(d) => crate::far::add(now, d),
            Deadline::Since {
                start,
                source,
                after,
            } => {
                if current_source() == source {
                    crate::far::add(start, after)
                } else {
                    crate::far::add(now, after)
                }
            }
        }
    }
}

/// The id of the current timer source, 0 when none (ids start at 1).
fn current_source() -> u64 {
    with_current(|s| s.map_or(0, |s| s.id()))
}

/// A sleep of `duration` whose clock starts now, on the current source (see
/// [`Deadline::Since`]): the sleep under a [`timeout`](crate::timeout).
pub(crate) fn sleep_from_now(duration: Duration) -> Sleep {
    Sleep {
        deadline: Deadline::Since {
            start: crate::now(),
            source: current_source(),
            after: duration,
        },
        registration: Registration::Unregistered,
    }
}

/// The future of [`sleep`] and [`sleep_until`].
///
/// It is `Send`, `Sync` and `Unpin`: it holds only its deadline and the key of its timer.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// futures_lite::future::block_on(async {
///     let mut s = corio_time::sleep(Duration::from_secs(3600));
///     s.reset(corio_time::now() + Duration::from_millis(1));
///     s.await;
/// });
/// ```
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Sleep {
    deadline: Deadline,
    registration: Registration,
}

impl Sleep {
    /// The instant this sleep ends at. For `sleep(duration)` not yet polled, the clock has
    /// not started: it is `now() + duration`.
    ///
    /// # Examples
    ///
    /// ```
    /// let at = corio_time::now() + std::time::Duration::from_secs(1);
    /// assert_eq!(corio_time::sleep_until(at).deadline(), at);
    /// ```
    pub fn deadline(&self) -> Instant {
        match self.deadline {
            // Stable until the first poll (see `Deadline::Since`).
            Deadline::Since { start, after, .. } => crate::far::add(start, after),
            deadline => deadline.resolve(),
        }
    }

    /// Whether the deadline has passed (the sleep may not have been polled to completion).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(corio_time::sleep(std::time::Duration::ZERO).is_elapsed());
    /// ```
    pub fn is_elapsed(&self) -> bool {
        match self.deadline {
            _ if matches!(self.registration, Registration::Done) => true,
            // The clock has not started: only a zero sleep is over.
            Deadline::After(d) => d.is_zero(),
            Deadline::Since { .. } => crate::now() >= self.deadline(),
            Deadline::At(at) => crate::now() >= at,
        }
    }

    /// Moves the deadline (earlier or later), also after the sleep has finished.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut s = corio_time::sleep(Duration::from_secs(60));
    /// let at = corio_time::now() + Duration::from_secs(1);
    /// s.reset(at);
    /// assert_eq!(s.deadline(), at);
    /// ```
    pub fn reset(&mut self, deadline: Instant) {
        self.unregister();
        self.deadline = Deadline::At(deadline);
    }

    fn unregister(&mut self) {
        match std::mem::replace(&mut self.registration, Registration::Unregistered) {
            Registration::Local { source, key } => with_current(|s| {
                // A sleep dropped under another source cannot reach its own; its entry then
                // fires once into a stale waker, which is harmless.
                if let Some(s) = s.filter(|s| s.id() == source) {
                    s.remove(key);
                }
            }),
            Registration::Global(key) => fallback::remove(key),
            _ => {}
        }
    }

    fn register(&mut self, deadline: Instant, cx: &mut Context<'_>) {
        // Written in place from inside the closure: returning the 32-byte registration out
        // of it went through the stack in pieces and was read back whole, a store-forwarding
        // stall that was a tenth of a cancelled timeout's cost.
        let registration = &mut self.registration;
        with_current(|s| *registration = register_in(s, deadline, cx));
    }
}

/// Registers the task of `cx` to be woken at `deadline` with `source`, or with the shared
/// timer thread when there is none.
#[inline]
fn register_in(source: Option<&Current>, deadline: Instant, cx: &Context<'_>) -> Registration {
    match source {
        Some(s) => Registration::Local {
            source: s.id(),
            key: s.insert(deadline, cx.waker().clone()),
        },
        None => Registration::Global(fallback::insert(deadline, cx.waker().clone())),
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        match this.registration {
            Registration::Done => Poll::Ready(()),
            Registration::Yielded => {
                this.registration = Registration::Done;
                Poll::Ready(())
            }
            Registration::Unregistered => {
                // One clock read serves both the deadline and the check.
                let now = crate::now();
                let deadline = this.deadline.resolve_at(now);
                this.deadline = Deadline::At(deadline);
                if now >= deadline {
                    // asyncio's sleep(0): give up exactly one iteration.
                    this.registration = Registration::Yielded;
                    cx.waker().wake_by_ref();
                } else {
                    this.register(deadline, cx);
                }
                Poll::Pending
            }
            Registration::Local { source, key } => {
                let deadline = this.deadline;
                let pending = with_current(|s| match s {
                    Some(s) if s.id() == source => Some(match deadline {
                        // Registered: `deadline` is `At`. Past the last expiry pass, it fired.
                        Deadline::At(at) if s.fired_until().is_some_and(|t| at <= t) => false,
                        _ => s.update(key, cx.waker()),
                    }),
                    _ => None,
                });
                match pending {
                    Some(true) => Poll::Pending,
                    Some(false) => {
                        this.registration = Registration::Done;
                        Poll::Ready(())
                    }
                    // Polled away from the source it registered with (another loop or a
                    // foreign executor): go by the clock, and re-register here if early.
                    None => {
                        let deadline = this.deadline.resolve();
                        if crate::now() >= deadline {
                            this.registration = Registration::Done;
                            Poll::Ready(())
                        } else {
                            this.register(deadline, cx);
                            Poll::Pending
                        }
                    }
                }
            }
            Registration::Global(key) => {
                if fallback::update(key, cx.waker()) {
                    Poll::Pending
                } else {
                    this.registration = Registration::Done;
                    Poll::Ready(())
                }
            }
        }
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        self.unregister();
    }
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline)
            .field("registration", &self.registration)
            .finish()
    }
}
