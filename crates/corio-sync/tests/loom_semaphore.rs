//! loom models of Semaphore and BoundedSemaphore: limits, hand-off,
//! cancellation and the bounded release check.
#![cfg(loom)]

mod loom_support;

use std::pin::pin;

use corio_sync::{BoundedSemaphore, Semaphore};
use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;
use loom_support::{block_on, poll_once};

#[test]
fn one_permit_two_threads() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(1));
        let inside = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let (sem, inside) = (sem.clone(), inside.clone());
                thread::spawn(move || {
                    let permit = block_on(sem.permit());
                    assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0);
                    inside.fetch_sub(1, Ordering::SeqCst);
                    drop(permit);
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(sem.available_permits(), 1);
    });
}

#[test]
fn cancelled_waiter_passes_its_permit_on() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(0));
        let waiter = {
            let sem = sem.clone();
            thread::spawn(move || block_on(sem.acquire()))
        };
        let canceller = {
            let sem = sem.clone();
            thread::spawn(move || {
                let mut fut = pin!(sem.acquire());
                if poll_once(fut.as_mut()).is_ready() {
                    sem.release();
                }
            })
        };
        sem.release();
        waiter.join().unwrap();
        canceller.join().unwrap();
        assert_eq!(sem.available_permits(), 0);
        assert!(sem.locked());
    });
}

#[test]
fn concurrent_bounded_releases_never_exceed_the_bound() {
    loom::model(|| {
        let sem = Arc::new(BoundedSemaphore::new(1));
        assert!(sem.try_acquire());
        let other = {
            let sem = sem.clone();
            thread::spawn(move || sem.release().is_ok())
        };
        let mine = sem.release().is_ok();
        let theirs = other.join().unwrap();
        assert!(mine ^ theirs, "exactly one release may succeed");
        assert_eq!(sem.available_permits(), 1);
    });
}

#[test]
fn bounded_release_hands_off_to_a_waiter() {
    loom::model(|| {
        let sem = Arc::new(BoundedSemaphore::new(1));
        assert!(sem.try_acquire());
        let waiter = {
            let sem = sem.clone();
            thread::spawn(move || {
                block_on(sem.acquire());
                sem.release().unwrap();
            })
        };
        sem.release().unwrap();
        waiter.join().unwrap();
        assert_eq!(sem.available_permits(), 1);
    });
}
