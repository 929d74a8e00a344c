use std::future::poll_fn;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use crate::{Sleep, far, sleep_until};

/// What an [`Interval`] does when ticks were missed (the consumer was late).
///
/// # Examples
///
/// ```
/// use corio_time::{MissedTickBehavior, interval};
/// let mut i = interval(std::time::Duration::from_secs(1));
/// i.set_missed_tick_behavior(MissedTickBehavior::Skip);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissedTickBehavior {
    /// Fire the missed ticks back to back until caught up (the default).
    #[default]
    Burst,
    /// Start a fresh period from the late tick.
    Delay,
    /// Drop the missed ticks and stay on the original grid of periods.
    Skip,
}

/// Ticks every `period`, the first tick at once.
///
/// # Panics
///
/// Never; a zero `period` is raised to one nanosecond (a zero period would never let time
/// move). A tick that would fall past the last instant the platform represents (say, after
/// the first tick of `interval(Duration::MAX)`) never comes.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// futures_lite::future::block_on(async {
///     let mut every = corio_time::interval(Duration::from_millis(2));
///     let first = every.tick().await;
///     let second = every.tick().await;
///     assert!(second - first >= Duration::from_millis(2));
/// });
/// ```
pub fn interval(period: Duration) -> Interval {
    interval_at(crate::now(), period)
}

/// Ticks every `period`, the first tick at `start`.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// futures_lite::future::block_on(async {
///     let start = corio_time::now() + Duration::from_millis(1);
///     let mut every = corio_time::interval_at(start, Duration::from_secs(60));
///     assert_eq!(every.tick().await, start);
/// });
/// ```
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    Interval {
        next: start,
        period: period.max(Duration::from_nanos(1)),
        sleep: None,
        missed: MissedTickBehavior::Burst,
    }
}

/// A stream of ticks a period apart; see [`interval`].
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// futures_lite::future::block_on(async {
///     let mut i = corio_time::interval(Duration::from_millis(1));
///     for _ in 0..3 { i.tick().await; }
///     assert_eq!(i.period(), Duration::from_millis(1));
/// });
/// ```
#[derive(Debug)]
pub struct Interval {
    /// The deadline of the next tick.
    next: Instant,
    period: Duration,
    /// The pending sleep toward `next`, if a tick is being awaited.
    sleep: Option<Sleep>,
    missed: MissedTickBehavior,
}

impl Interval {
    /// Waits for the next tick and returns its scheduled instant.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a dropped `tick()` loses no tick; the next call waits for the same one.
    ///
    /// # Examples
    ///
    /// See [`interval`].
    pub async fn tick(&mut self) -> Instant {
        poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// Polls for the next tick, for use in hand-written futures.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// futures_lite::future::block_on(async {
    ///     let mut i = corio_time::interval(Duration::from_millis(1));
    ///     std::future::poll_fn(|cx| i.poll_tick(cx)).await;
    /// });
    /// ```
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        let now = crate::now();
        if now < self.next {
            let next = self.next;
            let sleep = self.sleep.get_or_insert_with(|| sleep_until(next));
            if Pin::new(sleep).poll(cx).is_pending() {
                return Poll::Pending;
            }
        }
        self.sleep = None;
        let tick = self.next;
        let now = crate::now();
        self.next = next_tick(tick, now, self.period, self.missed);
        Poll::Ready(tick)
    }

    /// The period.
    ///
    /// # Examples
    ///
    /// See [`Interval`].
    pub fn period(&self) -> Duration {
        self.period
    }

    /// Sets what happens to missed ticks.
    ///
    /// # Examples
    ///
    /// See [`MissedTickBehavior`].
    pub fn set_missed_tick_behavior(&mut self, behavior: MissedTickBehavior) {
        self.missed = behavior;
    }

    /// Starts the period again from now: the next tick is one period away.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut i = corio_time::interval(std::time::Duration::from_secs(1));
    /// i.reset();
    /// ```
    pub fn reset(&mut self) {
        self.sleep = None;
        self.next = far::add(crate::now(), self.period);
    }
}

/// The tick after `tick`, taken at `now`. Overflow-free: a tick past the last representable
/// instant is [`far_future`](crate::far_future), which never comes.
fn next_tick(tick: Instant, now: Instant, period: Duration, missed: MissedTickBehavior) -> Instant {
    match missed {
        MissedTickBehavior::Burst => far::add(tick, period),
        MissedTickBehavior::Delay => far::add(now.max(tick), period),
        MissedTickBehavior::Skip => {
            let next = far::add(tick, period);
            if next > now {
                return next;
            }
            // The first point of the grid `tick + k * period` after `now`: `now` plus what is
            // left of the period it falls in. In u128 nanoseconds, which hold any Duration.
            let period_ns = period.as_nanos();
            let into = (now - tick).as_nanos() % period_ns;
            far::add(now, nanos(period_ns - into))
        }
    }
}

/// A `Duration` of `ns` nanoseconds, for `ns` no larger than `Duration::MAX` holds.
fn nanos(ns: u128) -> Duration {
    const NANOS_PER_SEC: u128 = 1_000_000_000;
    Duration::new((ns / NANOS_PER_SEC) as u64, (ns % NANOS_PER_SEC) as u32)
}

use std::future::Future;
