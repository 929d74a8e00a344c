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
