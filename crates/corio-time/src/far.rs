//! The far end of time: the last [`Instant`] the platform can represent, which stands for
//! "never" everywhere in this crate, and the overflow-free arithmetic that reaches it.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The last instant the platform can represent. A deadline at or after it never comes: a
/// sleep until it never ends, a timer due then never fires, and a virtual clock never jumps
/// to it (asyncio's `call_later(math.inf)` and `sleep(math.inf)` behave so).
///
/// Deadlines that would overflow `Instant` (`sleep(Duration::MAX)`, a call at
/// `f64::INFINITY` seconds) are mapped to it, so they too never come, rather than being
/// clamped to some finite time that would one day (or, under a virtual clock, at once) arrive.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, Instant};
/// let never = corio_time::far_future();
/// assert!(never > Instant::now() + Duration::from_secs(86400 * 365 * 1000));
/// assert!(never.checked_add(Duration::from_nanos(1)).is_none());
/// ```
pub fn far_future() -> Instant {
    static FAR: OnceLock<Instant> = OnceLock::new();
    *FAR.get_or_init(|| {
        // Binary search for the largest duration the platform adds to a base instant:
        // whole seconds first, then nanoseconds. About 100 checked additions, once.
        let base = Instant::now();
        let fits = |d: Duration| base.checked_add(d).is_some();
        let (mut lo, mut hi) = (0u64, u64::MAX);
        while lo < hi {
            let mid = lo + (hi - lo).div_ceil(2);
            if fits(Duration::from_secs(mid)) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        let (mut nlo, mut nhi) = (0u32, 999_999_999u32);
        while nlo < nhi {
            let mid = nlo + (nhi - nlo).div_ceil(2);
            if fits(Duration::new(lo, mid)) {
                nlo = mid;
            } else {
                nhi = mid - 1;
            }
        }
        base + Duration::new(lo, nlo)
    })
}

/// `at + d`, or [`far_future`] when that does not fit in an `Instant`.
pub(crate) fn add(at: Instant, d: Duration) -> Instant {
    at.checked_add(d).unwrap_or_else(far_future)
}

/// Whether `at` stands for "never".
pub(crate) fn is_never(at: Instant) -> bool {
    at >= far_future()
}
