//! loom models of Barrier: a round across threads, and abort racing a wait.
#![cfg(loom)]

mod loom_support;

use corio_sync::{Barrier, BrokenBarrier};
use loom::sync::Arc;
use loom::thread;
use loom_support::block_on;

#[test]
fn two_parties_meet() {
    loom::model(|| {
        let barrier = Arc::new(Barrier::new(2).unwrap());
        let other = {
            let barrier = barrier.clone();
            thread::spawn(move || block_on(barrier.wait()).unwrap())
        };
        let mine = block_on(barrier.wait()).unwrap();
        let theirs = other.join().unwrap();
        assert_eq!(mine + theirs, 1, "indices 0 and 1");
    });
}

#[test]
fn abort_breaks_a_waiter_on_another_thread() {
    loom::model(|| {
        let barrier = Arc::new(Barrier::new(2).unwrap());
        let waiter = {
            let barrier = barrier.clone();
            thread::spawn(move || block_on(barrier.wait()))
        };
        barrier.abort();
        assert_eq!(waiter.join().unwrap(), Err(BrokenBarrier));
    });
}
