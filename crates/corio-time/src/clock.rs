use std::cell::Cell;
use std::fmt;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// The clock an event loop keeps time with: monotonic (real) or virtual.
///
/// A virtual clock starts at the moment it is made and moves only when told to
/// ([`Clock::advance`], [`Clock::advance_to`]); an event loop with a virtual clock jumps it
/// to the next timer's deadline whenever every task is idle, so code that sleeps for an
/// hour finishes at once, in the same order as it would in real time.
///
/// A `Clock` is a cheap handle: clones share the same time.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use corio_time::Clock;
///
/// let clock = Clock::new_virtual();
/// let start = clock.now();
/// clock.advance(Duration::from_secs(3600));
/// assert_eq!(clock.now() - start, Duration::from_secs(3600));
/// assert!(clock.is_virtual());
/// ```
#[derive(Clone)]
pub struct Clock {
    origin: Instant,
    /// `Some` for a virtual clock: the time elapsed since `origin`.
    ///
    /// Invariant: it only grows.
    offset: Option<Rc<Cell<Duration>>>,
}

impl Clock {
    /// A monotonic clock reading [`Instant::now`].
    ///
    /// # Examples
    ///
    /// ```
    /// let clock = corio_time::Clock::monotonic();
    /// assert!(!clock.is_virtual());
    /// assert!(clock.time() >= 0.0);
    /// ```
    pub fn monotonic() -> Clock {
        Clock {
            origin: process_origin(),
            offset: None,
        }
    }

    /// A virtual clock, standing still at the moment it was made until advanced.
    ///
    /// # Examples
    ///
    /// ```
    /// let clock = corio_time::Clock::new_virtual();
    /// let t = clock.now();
    /// std::thread::sleep(std::time::Duration::from_millis(2));
    /// assert_eq!(clock.now(), t);
    /// ```
    pub fn new_virtual() -> Clock {
        let origin = process_origin();
        Clock {
            origin,
            offset: Some(Rc::new(Cell::new(Instant::now() - origin))),
        }
    }

    /// Whether this clock is virtual.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(corio_time::Clock::new_virtual().is_virtual());
    /// ```
    pub fn is_virtual(&self) -> bool {
        self.offset.is_some()
    }

    /// The current time on this clock.
    ///
    /// # Examples
    ///
    /// ```
    /// let clock = corio_time::Clock::monotonic();
    /// assert!(clock.now() <= std::time::Instant::now());
    /// ```
    #[inline]
    pub fn now(&self) -> Instant {
        match &self.offset {
            None => Instant::now(),
            Some(offset) => self.origin + offset.get(),
        }
    }

    /// Seconds since the clock's origin, as asyncio's `loop.time()` gives them.
    ///
    /// Every clock of the process shares one origin (the first clock made), so the times
    /// of two loops compare, as `time.monotonic()` values do in Python; only differences
    /// mean anything.
    ///
    /// # Examples
    ///
    /// ```
    /// let clock = corio_time::Clock::new_virtual();
    /// let t = clock.time();
    /// clock.advance(std::time::Duration::from_millis(1500));
    /// // Seconds are floats measured from a shared origin, so compare with a tolerance.
    /// assert!((clock.time() - t - 1.5).abs() < 1e-9);
    /// ```
    pub fn time(&self) -> f64 {
        self.to_secs(self.now())
    }

    /// Converts an instant of this clock to seconds since its origin (negative before it).
    /// [`far_future`](crate::far_future), which stands for "never", is `f64::INFINITY`.
    ///
    /// # Examples
    ///
    /// ```
    /// let clock = corio_time::Clock::new_virtual();
    /// assert_eq!(clock.to_secs(clock.now()), clock.time());
    /// assert_eq!(clock.to_secs(corio_time::far_future()), f64::INFINITY);
    /// ```
    pub fn to_secs(&self, at: Instant) -> f64 {
        if crate::far::is_never(at) {
            return f64::INFINITY;
        }
        match at.checked_duration_since(self.origin) {
            Some(d) => d.as_secs_f64(),
            None => -(self.origin - at).as_secs_f64(),
        }
    }

    /// Converts seconds since the origin (as [`Clock::time`] gives them) to an instant.
    ///
    /// Times past the last instant the platform represents (`f64::INFINITY`, `f64::MAX`)
    /// are [`far_future`](crate::far_future), which stands for "never", and so is NaN, which
    /// no time equals. Times too far before the origin are clamped to the earliest
    /// representable instant: they are in the past either way. Nothing is capped in
    /// between, however far a virtual clock has gone.
    ///
    /// # Examples
    ///
    /// ```
    /// let clock = corio_time::Clock::new_virtual();
    /// let at = clock.from_secs(clock.time() + 0.25);
    /// assert_eq!(at - clock.now(), std::time::Duration::from_millis(250));
    /// assert_eq!(clock.from_secs(f64::INFINITY), corio_time::far_future());
    /// ```
    pub fn from_secs(&self, secs: f64) -> Instant {
        if secs.is_nan() {
            return crate::far_future();
        }
        if secs >= 0.0 {
            match Duration::try_from_secs_f64(secs) {
                Ok(d) => crate::far::add(self.origin, d),
                Err(_) => crate::far_future(),
            }
        } else {
            let back = Duration::try_from_secs_f64(-secs).unwrap_or(Duration::MAX);
            self.origin.checked_sub(back).unwrap_or_else(|| {
                // Walk back as far as the platform allows.
                let mut d = back;
                loop {
                    d /= 2;
                    if let Some(t) = self.origin.checked_sub(d) {
                        break t;
                    }
                }
            })
        }
    }

    /// Moves a virtual clock forward by `by`; a monotonic clock ignores it and returns `false`.
    ///
    /// # Examples
    ///
    /// ```
    /// let clock = corio_time::Clock::new_virtual();
    /// assert!(clock.advance(std::time::Duration::from_secs(1)));
    /// assert!(!corio_time::Clock::monotonic().advance(std::time::Duration::from_secs(1)));
    /// ```
    pub fn advance(&self, by: Duration) -> bool {
        match &self.offset {
            Some(offset) => {
                // Saturates: a clock at the far end of time has nowhere left to go.
                self.advance_to(crate::far::add(self.origin + offset.get(), by))
            }
            None => false,
        }
    }

    /// Moves a virtual clock forward to `to` (never backward); `false` for a monotonic clock.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let clock = corio_time::Clock::new_virtual();
    /// let later = clock.now() + Duration::from_secs(5);
    /// clock.advance_to(later);
    /// clock.advance_to(later - Duration::from_secs(1)); // not backward
    /// assert_eq!(clock.now(), later);
    /// ```
    pub fn advance_to(&self, to: Instant) -> bool {
        match &self.offset {
            Some(offset) => {
                if let Some(d) = to.checked_duration_since(self.origin)
                    && d > offset.get()
                {
                    offset.set(d);
                }
                true
            }
            None => false,
        }
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Clock")
            .field("virtual", &self.is_virtual())
            .field("time", &self.time())
            .finish()
    }
}

/// The instant every clock of this process counts from.
fn process_origin() -> Instant {
    static ORIGIN: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    *ORIGIN.get_or_init(Instant::now)
}
