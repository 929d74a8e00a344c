use std::time::{Duration, Instant};

use corio_time::Clock;

use crate::LoopError;

/// A delay for [`EventLoop::call_later`](crate::EventLoop::call_later): a [`Duration`], or
/// seconds as a number, as asyncio takes them. Zero and negative delays mean "as soon as
/// possible", earlier ones first (`-2` runs before `-1`). A delay past the last instant the
/// platform represents (`f64::INFINITY`, `f64::MAX`, `Duration::MAX`) means never: the
/// callback is held until cancelled or the loop closes, and its `when()` is infinite.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use corio_runtime::Delay;
///
/// let _: Delay = Duration::from_millis(100).into();
/// let _: Delay = 0.1.into();
/// let _: Delay = (-1).into();
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Delay {
    /// A non-negative delay.
    Duration(Duration),
    /// Seconds; may be zero or negative.
    Secs(f64),
}

impl From<Duration> for Delay {
    fn from(d: Duration) -> Self {
        Delay::Duration(d)
    }
}

impl From<f64> for Delay {
    fn from(s: f64) -> Self {
        Delay::Secs(s)
    }
}

impl From<i32> for Delay {
    fn from(s: i32) -> Self {
        Delay::Secs(s.into())
    }
}

impl From<u64> for Delay {
    fn from(s: u64) -> Self {
        Delay::Secs(s as f64)
    }
}

impl Delay {
    pub(crate) fn deadline(self, clock: &Clock, now: Instant) -> Result<Instant, LoopError> {
        match self {
            // Past the last representable instant means never (asyncio's `call_later(inf)`).
            Delay::Duration(d) => Ok(now.checked_add(d).unwrap_or_else(corio_time::far_future)),
            Delay::Secs(s) if s.is_nan() => Err(LoopError::InvalidTime(s)),
            // Exact, however far the clock has gone: no round trip through `f64` seconds.
            Delay::Secs(s) if s >= 0.0 => Ok(match Duration::try_from_secs_f64(s) {
                Ok(d) => now.checked_add(d).unwrap_or_else(corio_time::far_future),
                Err(_) => corio_time::far_future(), // infinity, or more than `Duration` holds
            }),
            Delay::Secs(s) => Ok(Duration::try_from_secs_f64(-s)
                .ok()
                .and_then(|back| now.checked_sub(back))
                .unwrap_or_else(|| clock.from_secs(f64::NEG_INFINITY))),
        }
    }
}

/// A time for [`EventLoop::call_at`](crate::EventLoop::call_at): an [`Instant`] of the loop's
/// clock, or seconds on the scale of [`EventLoop::time`](crate::EventLoop::time), as asyncio
/// takes them.
///
/// # Examples
///
/// ```
/// use corio_runtime::When;
/// let _: When = std::time::Instant::now().into();
/// let _: When = 12.5.into();
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum When {
    /// An instant of the loop's clock (see [`EventLoop::now`](crate::EventLoop::now)).
    Instant(Instant),
    /// Seconds on the scale of `EventLoop::time()`.
    Secs(f64),
}

impl From<Instant> for When {
    fn from(i: Instant) -> Self {
        When::Instant(i)
    }
}

impl From<f64> for When {
    fn from(s: f64) -> Self {
        When::Secs(s)
    }
}

impl When {
    pub(crate) fn deadline(self, clock: &Clock) -> Result<Instant, LoopError> {
        match self {
            When::Instant(i) => Ok(i),
            When::Secs(s) if s.is_nan() => Err(LoopError::InvalidTime(s)),
            When::Secs(s) => Ok(clock.from_secs(s)),
        }
    }
}
