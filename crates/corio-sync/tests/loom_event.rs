//! loom models of Event: a set from another thread always wakes waiters.
#![cfg(loom)]

mod loom_support;

use corio_sync::Event;
use loom::sync::Arc;
use loom::thread;
use loom_support::block_on;

#[test]
fn set_wakes_every_waiter() {
    loom::model(|| {
        let event = Arc::new(Event::new());
        let waiters: Vec<_> = (0..2)
            .map(|_| {
                let event = event.clone();
                thread::spawn(move || block_on(event.wait()))
            })
            .collect();
        event.set();
        for w in waiters {
            w.join().unwrap();
        }
        assert!(event.is_set());
    });
}

#[test]
fn clear_racing_a_waiter_after_set() {
    loom::model(|| {
        let event = Arc::new(Event::new());
        event.set();
        let waiter = {
            let event = event.clone();
            thread::spawn(move || {
                // Either it sees the flag, or it waits for the next set.
                block_on(event.wait());
            })
        };
        event.clear();
        event.set();
        waiter.join().unwrap();
    });
}
