//! Event: set wakes every waiter, wait after set returns at once, clear makes
//! later waits block, and a set-then-clear still wakes those already waiting.
#![cfg(not(loom))]

mod common;

use std::rc::Rc;
use std::task::Poll;

use common::{CountWaker, Log, poll, poll_with, py_bool, run_local, yields};
use corio_sync::Event;

#[test]
fn set_wakes_every_waiter_and_clear_blocks_later_waits() {
    let event = Event::new();
    let (count, waker) = CountWaker::new();
    let mut waits: Vec<_> = (0..20).map(|_| Box::pin(event.wait())).collect();
    for w in &mut waits {
        assert!(poll_with(w.as_mut(), &waker).is_pending());
    }
    event.set();
    assert_eq!(count.count(), 20);
    event.clear(); // already woken waiters still complete
    for w in &mut waits {
        assert_eq!(poll_with(w.as_mut(), &waker), Poll::Ready(()));
    }
    let mut later = event.wait();
    assert!(poll(&mut later).is_pending());
    event.set();
    let mut after_set = event.wait();
    assert_eq!(
        poll(&mut after_set),
        Poll::Ready(()),
        "wait after set returns at once"
    );
    assert_eq!(poll(&mut later), Poll::Ready(()));
    assert!(event.is_set());
}

#[test]
fn dropped_waiter_takes_nothing_from_others() {
    let event = Event::new();
    let mut a = event.wait();
    let mut b = event.wait();
    assert!(poll(&mut a).is_pending());
    assert!(poll(&mut b).is_pending());
    event.set();
    drop(a);
    assert_eq!(poll(&mut b), Poll::Ready(()));
}

#[test]
fn set_twice_is_harmless() {
    let event = Event::new();
    event.set();
    event.set();
    assert!(event.is_set());
    event.clear();
    event.clear();
    assert!(!event.is_set());
}

/// The seed program s0-20: a callback sets the event, both waiters run.
#[test]
fn seed_s0_20_event_order() {
    let log = Log::default();
    let lines = run_local(async |ex| {
        let event = Rc::new(Event::new());
        log.push(format!("event start state: {}", py_bool(event.is_set())));
        let setter = {
            let (event, log) = (event.clone(), log.clone());
            ex.spawn(async move {
                yields(10).await;
                log.push("setting event in callback");
                event.set();
            })
        };
        let coros: Vec<_> = [1, 2]
            .map(|n| {
                let (event, log) = (event.clone(), log.clone());
                ex.spawn(async move {
                    log.push(format!("coro{n} waiting for event"));
                    event.wait().await;
                    log.push(format!("coro{n} triggered"));
                })
            })
            .into();
        for c in coros {
            c.await;
        }
        setter.await;
        log.push(format!("event end state: {}", py_bool(event.is_set())));
        log.lines()
    });
    // The golden output of s0-20-event.py under CPython.
    let golden = [
        "event start state: False",
        "coro1 waiting for event",
        "coro2 waiting for event",
        "setting event in callback",
        "coro1 triggered",
        "coro2 triggered",
        "event end state: True",
    ];
    assert_eq!(lines, golden);
}
