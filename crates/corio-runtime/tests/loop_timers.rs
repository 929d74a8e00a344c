//! The loop's timer queue under load: many sleepers, early polls, far and near deadlines.
//! Virtual time throughout, so nothing here depends on how fast the machine is.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use corio_runtime::{EventLoop, sleep, sleep_until, spawn, yield_now};

fn virtual_loop() -> EventLoop {
    EventLoop::builder().virtual_time(true).build().unwrap()
}

/// Polls the inner future, and while it is pending, has the loop wake it again one
/// millisecond later, `extra` times: so it is polled before its deadline, each time right
/// after the loop's expiry pass for that millisecond.
struct Restless<F> {
    inner: Pin<Box<F>>,
    extra: u32,
    polls: Rc<RefCell<u32>>,
}

impl<F: Future> Future for Restless<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        *self.polls.borrow_mut() += 1;
        let out = self.inner.as_mut().poll(cx);
        if out.is_pending() && self.extra > 0 {
            self.extra -= 1;
            let waker = cx.waker().clone();
            corio_runtime::get_running_loop()
                .unwrap()
                .call_later(0.001, move || waker.wake())
                .unwrap();
        }
        out
    }
}

#[test]
fn a_sleep_polled_early_stays_pending_until_its_deadline() {
    let lp = virtual_loop();
    let polls = Rc::new(RefCell::new(0));
    let p = polls.clone();
    let (start, woke) = lp
        .run_until_complete(async move {
            let lp = corio_runtime::get_running_loop().unwrap();
            let start = lp.now();
            Restless {
                inner: Box::pin(sleep(Duration::from_millis(10))),
                extra: 5,
                polls: p,
            }
            .await;
            (start, lp.now())
        })
        .unwrap();
    assert_eq!(woke - start, Duration::from_millis(10));
    assert_eq!(
        *polls.borrow(),
        7,
        "first poll, five early ones, the last one"
    );
}

#[test]
fn many_sleepers_wake_in_deadline_order_never_early() {
    let lp = virtual_loop();
    let order = Rc::new(RefCell::new(Vec::new()));
    let o = order.clone();
    lp.run_until_complete(async move {
        let lp = corio_runtime::get_running_loop().unwrap();
        let start = lp.now();
        // Deadlines over a wide range of scales (microseconds to days), with many ties.
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut tasks = Vec::new();
        for i in 0..5000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let ns = match i % 4 {
                0 => x % 1_000_000,                // within a millisecond
                1 => (x % 50) * 1_000_000,         // ties at whole milliseconds
                2 => x % 10_000_000_000,           // within ten seconds
                _ => x % (3 * 86_400_000_000_000), // within three days
            };
            let at = start + Duration::from_nanos(ns);
            let o = o.clone();
            let lp2 = lp.clone();
            tasks.push(spawn(async move {
                sleep_until(at).await;
                assert!(lp2.now() >= at, "woke before the deadline");
                o.borrow_mut().push((at, i));
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
    })
    .unwrap();
    let got = order.borrow().clone();
    let mut expected = got.clone();
    // Deadline order; among ties, the order the sleeps were registered (task order).
    expected.sort();
    assert_eq!(got.len(), 5000);
    assert_eq!(got, expected);
}

#[test]
fn a_dropped_sleep_leaves_nothing_behind() {
    let lp = virtual_loop();
    lp.run_until_complete(async {
        let lp = corio_runtime::get_running_loop().unwrap();
        let start = lp.now();
        for _ in 0..10_000 {
            let mut s = Box::pin(sleep(Duration::from_secs(3600)));
            assert!(futures_lite::future::poll_once(s.as_mut()).await.is_none());
        }
        // Had a cancelled hour-long sleep been left in the queue, virtual time would jump
        // to it instead of to this sleep's deadline.
        sleep(Duration::from_millis(5)).await;
        yield_now().await;
        assert_eq!(lp.now() - start, Duration::from_millis(5));
    })
    .unwrap();
}

#[test]
fn a_burst_of_near_timers_keeps_deadline_then_fifo_order() {
    // Under a virtual clock the time stands still during a batch, so every one of these
    // falls into the wheel bucket being drained.
    let lp = virtual_loop();
    let order = Rc::new(RefCell::new(Vec::new()));
    let o = order.clone();
    lp.run_until_complete(async move {
        let lp = corio_runtime::get_running_loop().unwrap();
        // Load the current bucket: a timer fires first, the burst comes from its callback.
        sleep(Duration::from_micros(1)).await;
        for i in 0..20_000u32 {
            let o = o.clone();
            let delay = f64::from(i % 7) * 1e-6; // 0 to 6 µs, many ties
            lp.call_later(delay, move || o.borrow_mut().push((i % 7, i)))
                .unwrap();
        }
        sleep(Duration::from_millis(1)).await;
    })
    .unwrap();
    let got = order.borrow().clone();
    let mut expected = got.clone();
    expected.sort();
    assert_eq!(got.len(), 20_000);
    assert_eq!(got, expected);
}

/// Issue 6, defect 5: past 1e9 s of virtual time, timers used to run at once (an absolute
/// cap in the seconds conversion), and deadlines past 2^63 ns from the queue's creation
/// were clamped. Now a virtual sleep of 2^40 s lasts exactly that, and a `call_later(5.0)`
/// made afterwards runs 5 s later, never before.
#[test]
fn virtual_time_far_past_1e9_seconds_keeps_exact_deadlines() {
    let lp = virtual_loop();
    let start = lp.now();
    let far = Duration::from_secs(1 << 40);
    lp.run_until_complete(sleep(far)).unwrap();
    assert_eq!(lp.now() - start, far, "the sleep lasted exactly 2^40 s");
    assert!(lp.time() > 1.0e12);

    let ran_at = Rc::new(RefCell::new(None));
    let r = ran_at.clone();
    let inner = lp.clone();
    let before = lp.now();
    let handle = lp
        .call_later(5.0, move || *r.borrow_mut() = Some(inner.now()))
        .unwrap();
    assert_eq!(handle.deadline() - before, Duration::from_secs(5));
    assert!(
        handle.when() > lp.time() + 4.99,
        "when() = {}",
        handle.when()
    );
    // Something due in 1 s first: the callback must not have run by then.
    lp.run_until_complete(sleep(Duration::from_secs(1)))
        .unwrap();
    assert_eq!(*ran_at.borrow(), None, "ran before its deadline");
    lp.run_until_complete(sleep(Duration::from_secs(10)))
        .unwrap();
    assert_eq!(
        ran_at.borrow().map(|t| t - before),
        Some(Duration::from_secs(5))
    );
}

/// Issue 6, defect 5: `call_later(inf)`, `call_later(f64::MAX)` and `call_at(inf)` never
/// fire (they used to fire at 1e9 s), and a virtual clock does not jump for them;
/// `sleep(Duration::MAX)` never ends.
#[test]
fn infinite_delays_never_fire() {
    let lp = virtual_loop();
    let fired = Rc::new(RefCell::new(Vec::new()));
    let mut handles = Vec::new();
    for (name, delay) in [("inf", f64::INFINITY), ("max", f64::MAX)] {
        let f = fired.clone();
        handles.push(
            lp.call_later(delay, move || f.borrow_mut().push(name))
                .unwrap(),
        );
    }
    let f = fired.clone();
    handles.push(
        lp.call_at(f64::INFINITY, move || f.borrow_mut().push("at inf"))
            .unwrap(),
    );
    let f = fired.clone();
    handles.push(
        lp.call_later(Duration::MAX, move || f.borrow_mut().push("duration max"))
            .unwrap(),
    );
    for h in &handles {
        assert_eq!(h.when(), f64::INFINITY);
    }
    let forever = lp.create_task(sleep(Duration::MAX)).unwrap();
    let start = lp.now();
    // Ten virtual years pass; nothing infinite fires, and the clock went exactly that far.
    let ten_years = Duration::from_secs(86400 * 3650);
    lp.run_until_complete(sleep(ten_years)).unwrap();
    assert_eq!(lp.now() - start, ten_years);
    assert!(fired.borrow().is_empty(), "fired: {:?}", fired.borrow());
    assert!(!forever.done());
    for h in handles {
        h.cancel();
    }
}
