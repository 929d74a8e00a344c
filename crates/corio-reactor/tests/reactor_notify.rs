//! `Notifier::notify` and `poll` timeouts. Every wait is bounded so a broken
//! notify fails the test instead of hanging it.

use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use corio_reactor::{Async, Reactor};

const BOUND: Duration = Duration::from_secs(10);

#[test]
fn notify_from_another_thread_wakes_a_blocked_poll() {
    let reactor = Reactor::new().unwrap();
    // A registered source that never becomes ready keeps the wait honest.
    let (a, _b) = UnixStream::pair().unwrap();
    let a = Async::with_reactor(a, &reactor).unwrap();
    // Consume the initial "writable" edge.
    reactor.poll(Some(Duration::ZERO)).unwrap();
    let notifier = reactor.notifier();
    let barrier = Arc::new(Barrier::new(2));
    let b2 = Arc::clone(&barrier);
    let t = thread::spawn(move || {
        b2.wait();
        thread::sleep(Duration::from_millis(50));
        notifier.notify().unwrap();
    });
    barrier.wait();
    let start = Instant::now();
    let n = reactor.poll(Some(BOUND)).unwrap();
    let waited = start.elapsed();
    t.join().unwrap();
    assert_eq!(n, 0);
    assert!(waited < BOUND / 2, "notify did not wake poll: {waited:?}");
    assert!(
        waited >= Duration::from_millis(40),
        "poll returned early: {waited:?}"
    );
    drop(a);
}

#[test]
fn notify_before_poll_is_not_lost() {
    let reactor = Reactor::new().unwrap();
    reactor.notifier().notify().unwrap();
    let start = Instant::now();
    reactor.poll(Some(BOUND)).unwrap();
    assert!(start.elapsed() < BOUND / 2);
}

#[test]
fn notifies_coalesce_into_one_wake() {
    let reactor = Reactor::new().unwrap();
    let notifier = reactor.notifier();
    for _ in 0..100 {
        notifier.clone().notify().unwrap();
    }
    let start = Instant::now();
    reactor.poll(Some(BOUND)).unwrap();
    assert!(start.elapsed() < BOUND / 2);
    // All 100 were consumed by that one wake: the next poll waits out its
    // timeout.
    let start = Instant::now();
    reactor.poll(Some(Duration::from_millis(50))).unwrap();
    assert!(start.elapsed() >= Duration::from_millis(40));
    // And a new notify works again after the coalesced one.
    notifier.notify().unwrap();
    let start = Instant::now();
    reactor.poll(Some(BOUND)).unwrap();
    assert!(start.elapsed() < BOUND / 2);
}

#[test]
fn poll_zero_does_not_block() {
    let reactor = Reactor::new().unwrap();
    let start = Instant::now();
    for _ in 0..100 {
        assert_eq!(reactor.poll(Some(Duration::ZERO)).unwrap(), 0);
    }
    let (a, _b) = UnixStream::pair().unwrap();
    let _a = Async::with_reactor(a, &reactor).unwrap();
    for _ in 0..100 {
        reactor.poll(Some(Duration::ZERO)).unwrap();
    }
    // 200 non-blocking polls take microseconds each; a blocking one would
    // take forever. A generous bound for a loaded CI machine.
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn poll_times_out() {
    let reactor = Reactor::new().unwrap();
    let start = Instant::now();
    assert_eq!(reactor.poll(Some(Duration::from_millis(30))).unwrap(), 0);
    let waited = start.elapsed();
    assert!(waited >= Duration::from_millis(25), "{waited:?}");
    assert!(waited < BOUND, "{waited:?}");
}

/// A notify that races with many polls is never lost: every notify is
/// followed by a poll that returns promptly.
#[test]
fn notify_races_with_poll() {
    let reactor = Reactor::new().unwrap();
    let notifier = reactor.notifier();
    let rounds = 500;
    let barrier = Arc::new(Barrier::new(2));
    let b2 = Arc::clone(&barrier);
    let t = thread::spawn(move || {
        for _ in 0..rounds {
            b2.wait();
            notifier.notify().unwrap();
        }
    });
    for _ in 0..rounds {
        barrier.wait();
        let start = Instant::now();
        reactor.poll(Some(BOUND)).unwrap();
        assert!(start.elapsed() < BOUND / 2, "a notify was lost");
    }
    t.join().unwrap();
}
