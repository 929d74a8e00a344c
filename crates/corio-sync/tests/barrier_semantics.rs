//! Barrier: rounds, arrival indices, abort/reset breaking waiters, typed
//! errors, and cancellation leaving the round.
#![cfg(not(loom))]

mod common;

use std::task::Poll;

use common::poll;
use corio_sync::{Barrier, BrokenBarrier, InvalidParties};

#[test]
fn zero_parties_is_a_typed_error() {
    assert_eq!(Barrier::new(0).unwrap_err(), InvalidParties);
    assert_eq!(InvalidParties.to_string(), "parties must be > 0");
}

#[test]
fn releases_a_full_round_with_arrival_indices_then_starts_over() {
    let barrier = Barrier::new(3).unwrap();
    for _round in 0..2 {
        let mut a = barrier.wait();
        let mut b = barrier.wait();
        assert!(poll(&mut a).is_pending());
        assert!(poll(&mut b).is_pending());
        assert_eq!(barrier.n_waiting(), 2);
        let mut c = barrier.wait();
        assert_eq!(poll(&mut c), Poll::Ready(Ok(2)));
        assert_eq!(barrier.n_waiting(), 0);
        assert_eq!(poll(&mut a), Poll::Ready(Ok(0)));
        assert_eq!(poll(&mut b), Poll::Ready(Ok(1)));
    }
}

#[test]
fn abort_breaks_waiters_and_later_waits_until_reset() {
    let barrier = Barrier::new(2).unwrap();
    let mut a = barrier.wait();
    assert!(poll(&mut a).is_pending());
    barrier.abort();
    assert!(barrier.broken());
    assert_eq!(poll(&mut a), Poll::Ready(Err(BrokenBarrier)));
    let mut later = barrier.wait();
    assert_eq!(poll(&mut later), Poll::Ready(Err(BrokenBarrier)));
    barrier.reset();
    assert!(!barrier.broken());
    let (x, y) =
        futures_lite::future::block_on(futures_lite::future::zip(barrier.wait(), barrier.wait()));
    assert_eq!((x, y), (Ok(0), Ok(1)));
}

#[test]
fn reset_breaks_the_current_waiters_only() {
    let barrier = Barrier::new(2).unwrap();
    let mut a = barrier.wait();
    assert!(poll(&mut a).is_pending());
    barrier.reset();
    assert_eq!(poll(&mut a), Poll::Ready(Err(BrokenBarrier)));
    assert!(!barrier.broken());
    let mut b = barrier.wait();
    assert!(poll(&mut b).is_pending());
    let mut c = barrier.wait();
    assert_eq!(poll(&mut c), Poll::Ready(Ok(1)));
    assert_eq!(poll(&mut b), Poll::Ready(Ok(0)));
}

#[test]
fn dropped_waiter_leaves_the_round() {
    let barrier = Barrier::new(2).unwrap();
    let mut a = barrier.wait();
    assert!(poll(&mut a).is_pending());
    drop(a);
    assert_eq!(barrier.n_waiting(), 0);
    let mut b = barrier.wait();
    assert!(
        poll(&mut b).is_pending(),
        "the dropped waiter does not count"
    );
    let mut c = barrier.wait();
    assert_eq!(poll(&mut c), Poll::Ready(Ok(1)));
    assert_eq!(poll(&mut b), Poll::Ready(Ok(0)));
}

#[test]
fn waiter_dropped_after_its_round_completed_changes_nothing() {
    let barrier = Barrier::new(2).unwrap();
    let mut a = barrier.wait();
    assert!(poll(&mut a).is_pending());
    let mut b = barrier.wait();
    assert_eq!(poll(&mut b), Poll::Ready(Ok(1)));
    drop(a);
    assert_eq!(barrier.n_waiting(), 0);
    let mut c = barrier.wait();
    assert!(poll(&mut c).is_pending());
}

#[test]
fn a_large_round_wakes_everyone() {
    let barrier = Barrier::new(50).unwrap();
    let mut waits: Vec<_> = (0..49).map(|_| barrier.wait()).collect();
    for w in &mut waits {
        assert!(poll(w).is_pending());
    }
    assert_eq!(poll(&mut barrier.wait()), Poll::Ready(Ok(49)));
    for (i, w) in waits.iter_mut().enumerate() {
        assert_eq!(poll(w), Poll::Ready(Ok(i)));
    }
}
