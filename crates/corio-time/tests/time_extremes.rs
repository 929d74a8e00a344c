//! Extreme times: intervals and timeouts at the edges of `Duration` and `Instant`
//! (issue 6, defects 5, 6 and 9). A virtual clock drives everything, through a minimal
//! timer source, so nothing here depends on the machine's speed.

use std::cell::RefCell;
use std::future::Future;
use std::pin::{Pin, pin};
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use corio_time::{
    Clock, MissedTickBehavior, TimerKey, TimerQueue, TimerSource, far_future, interval, timeout,
};

/// A timer source over a virtual clock: enough for `now()` and for sleeps to register.
struct VirtualSource {
    id: u64,
    clock: Clock,
    queue: RefCell<TimerQueue<Waker>>,
}

impl TimerSource for VirtualSource {
    fn id(&self) -> u64 {
        self.id
    }
    fn now(&self) -> Instant {
        self.clock.now()
    }
    fn insert(&self, deadline: Instant, waker: Waker) -> TimerKey {
        self.queue.borrow_mut().insert(deadline, waker)
    }
    fn update(&self, key: TimerKey, waker: &Waker) -> bool {
        match self.queue.borrow_mut().get_mut(key) {
            Some(w) => {
                w.clone_from(waker);
                true
            }
            None => false,
        }
    }
    fn remove(&self, key: TimerKey) {
        self.queue.borrow_mut().remove(key);
    }
}

fn virtual_source() -> (Rc<VirtualSource>, corio_time::EnterGuard) {
    let source = Rc::new(VirtualSource {
        id: corio_time::new_source_id(),
        clock: Clock::new_virtual(),
        queue: RefCell::new(TimerQueue::new()),
    });
    let guard = corio_time::enter(source.clone());
    (source, guard)
}

impl VirtualSource {
    /// Moves the clock and fires what is due.
    fn advance(&self, by: Duration) {
        self.clock.advance(by);
        let now = self.clock.now();
        while let Some((_, w)) = self.queue.borrow_mut().pop_expired(now) {
            w.wake();
        }
    }
}

fn poll_once<F: Future>(fut: Pin<&mut F>) -> Poll<F::Output> {
    fut.poll(&mut Context::from_waker(Waker::noop()))
}

fn tick(every: &mut corio_time::Interval) -> Poll<Instant> {
    every.poll_tick(&mut Context::from_waker(Waker::noop()))
}

/// `interval(Duration::MAX)` used to panic on its first tick (`tick + period` overflowed).
/// Its first tick comes at once; the next one never does.
#[test]
fn interval_of_duration_max_ticks_once_then_never() {
    let (source, _guard) = virtual_source();
    let start = source.clock.now();
    let mut every = interval(Duration::MAX);
    assert_eq!(tick(&mut every), Poll::Ready(start));
    for behavior in [
        MissedTickBehavior::Burst,
        MissedTickBehavior::Delay,
        MissedTickBehavior::Skip,
    ] {
        every.set_missed_tick_behavior(behavior);
        assert!(tick(&mut every).is_pending());
        source.advance(Duration::from_secs(86400 * 365 * 1000));
        assert!(tick(&mut every).is_pending(), "{behavior:?}");
    }
    every.reset(); // now + Duration::MAX: never, and no panic
    assert!(tick(&mut every).is_pending());
}

/// With `Skip`, a 1 ns period 10 s behind used to panic in debug builds (a `u32` cast of
/// 10^10 missed periods) and, in release builds, to hand out ticks already in the past.
#[test]
fn skip_after_falling_far_behind_resumes_on_the_grid_after_now() {
    let (source, _guard) = virtual_source();
    let start = source.clock.now();
    let mut every = interval(Duration::from_nanos(1));
    every.set_missed_tick_behavior(MissedTickBehavior::Skip);
    assert_eq!(tick(&mut every), Poll::Ready(start));
    source.advance(Duration::from_secs(10));
    let late = source.clock.now();
    // The overdue tick comes at once...
    assert_eq!(
        tick(&mut every),
        Poll::Ready(start + Duration::from_nanos(1))
    );
    // ...and the missed ones are skipped: the next is the first grid point after now.
    assert!(tick(&mut every).is_pending(), "a tick in the past");
    source.advance(Duration::from_nanos(1));
    assert_eq!(
        tick(&mut every),
        Poll::Ready(late + Duration::from_nanos(1))
    );

    // A coarser grid, off by a fraction of a period.
    let mut every = interval(Duration::from_millis(3));
    every.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let t0 = source.clock.now();
    assert_eq!(tick(&mut every), Poll::Ready(t0));
    source.advance(Duration::from_millis(3 * 1000 + 1));
    assert_eq!(tick(&mut every), Poll::Ready(t0 + Duration::from_millis(3)));
    assert!(tick(&mut every).is_pending());
    source.advance(Duration::from_millis(2) - Duration::from_nanos(1));
    assert!(tick(&mut every).is_pending(), "early");
    source.advance(Duration::from_nanos(1));
    assert_eq!(
        tick(&mut every),
        Poll::Ready(t0 + Duration::from_millis(3 * 1001))
    );
}

/// `Timeout::deadline()` used to give a different answer on each call until the first
/// poll; it is fixed when the timeout is made.
#[test]
fn timeout_deadline_is_stable_before_the_first_poll() {
    let (source, _guard) = virtual_source();
    let made = source.clock.now();
    let mut t = pin!(timeout(
        Duration::from_secs(5),
        std::future::pending::<()>()
    ));
    assert_eq!(t.deadline(), made + Duration::from_secs(5));
    source.advance(Duration::from_secs(2));
    assert_eq!(t.deadline(), made + Duration::from_secs(5));
    assert!(poll_once(t.as_mut()).is_pending());
    assert_eq!(t.deadline(), made + Duration::from_secs(5));
    source.advance(Duration::from_secs(3));
    assert!(poll_once(t.as_mut()).is_ready());

    // Without a timer source, on the real clock, too.
    drop(_guard);
    let t = timeout(Duration::from_secs(1), async {});
    let first = t.deadline();
    std::thread::sleep(Duration::from_millis(2));
    assert_eq!(t.deadline(), first);
}

/// A timeout made before its loop runs counts from the loop's clock when first polled.
#[test]
fn timeout_made_away_from_its_clock_counts_from_the_first_poll() {
    let t = timeout(Duration::from_secs(5), std::future::pending::<()>());
    let (source, _guard) = virtual_source();
    source.advance(Duration::from_secs(100));
    let first_poll = source.clock.now();
    let mut t = pin!(t);
    assert!(poll_once(t.as_mut()).is_pending());
    assert_eq!(t.deadline(), first_poll + Duration::from_secs(5));
}

/// The clock's seconds conversion had an absolute cap at 1e9 s.
#[test]
fn clock_seconds_have_no_cap() {
    let clock = Clock::new_virtual();
    clock.advance(Duration::from_secs(2_000_000_000));
    let t = clock.time();
    // Exactly 2e9 when this virtual clock is the first clock of the process (its offset
    // from the shared origin is then zero), which depends on the order the tests run in.
    assert!(t >= 2.0e9, "{t}");
    let at = clock.from_secs(t + 5.0);
    let ahead = at - clock.now();
    assert!(
        ahead > Duration::from_millis(4999) && ahead < Duration::from_millis(5001),
        "{ahead:?}"
    );
    assert_eq!(clock.from_secs(f64::INFINITY), far_future());
    assert_eq!(clock.from_secs(f64::MAX), far_future());
    assert_eq!(clock.to_secs(far_future()), f64::INFINITY);
    assert!(clock.from_secs(f64::NEG_INFINITY) <= clock.from_secs(-1.0));
    // Advancing saturates instead of overflowing.
    assert!(clock.advance(Duration::MAX));
    assert_eq!(clock.now(), far_future());
}
