//! Lock: asyncio semantics (FIFO hand-off, no barging, release from anyone,
//! typed error) and no lost wakeup on cancellation.
#![cfg(not(loom))]

mod common;

use std::task::Poll;

use common::{CountWaker, Log, poll, poll_with, py_bool, run_local, yields};
use corio_sync::{Lock, NotAcquired};

#[test]
fn release_when_unlocked_is_a_typed_error() {
    let lock = Lock::new();
    assert_eq!(lock.release(), Err(NotAcquired));
    assert_eq!(NotAcquired.to_string(), "lock is not acquired");
    assert!(lock.try_acquire());
    assert_eq!(lock.release(), Ok(()));
    assert_eq!(lock.release(), Err(NotAcquired));
    assert!(!lock.locked());
}

#[test]
fn release_hands_off_in_fifo_order_without_barging() {
    let lock = Lock::new();
    assert!(lock.try_acquire());
    let (wa, waker_a) = CountWaker::new();
    let mut a = lock.acquire();
    let mut b = lock.acquire();
    assert!(poll_with(std::pin::Pin::new(&mut a), &waker_a).is_pending());
    assert!(poll(&mut b).is_pending());

    lock.release().unwrap();
    assert_eq!(wa.count(), 1, "the oldest waiter is woken");
    assert!(lock.locked(), "the lock now belongs to the woken waiter");
    // A newcomer cannot barge in, with or without waiting.
    assert!(!lock.try_acquire());
    let mut c = lock.acquire();
    assert!(poll(&mut c).is_pending());
    // b is not served before a.
    assert!(poll(&mut b).is_pending());
    assert_eq!(poll(&mut a), Poll::Ready(()));

    lock.release().unwrap();
    assert_eq!(poll(&mut c), Poll::Pending, "c queued after b");
    assert_eq!(poll(&mut b), Poll::Ready(()));
    lock.release().unwrap();
    assert_eq!(poll(&mut c), Poll::Ready(()));
    lock.release().unwrap();
    assert!(!lock.locked());
}

#[test]
fn dropped_waiter_that_was_handed_the_lock_passes_it_on() {
    let lock = Lock::new();
    assert!(lock.try_acquire());
    let mut a = lock.acquire();
    let (wb, waker_b) = CountWaker::new();
    let mut b = Box::pin(lock.acquire());
    assert!(poll(&mut a).is_pending());
    assert!(poll_with(b.as_mut(), &waker_b).is_pending());
    lock.release().unwrap(); // handed to a
    drop(a); // a is cancelled before it runs
    assert_eq!(wb.count(), 1, "b is woken by a's cancellation");
    assert_eq!(poll_with(b.as_mut(), &waker_b), Poll::Ready(()));
    lock.release().unwrap();
    assert!(!lock.locked());
}

#[test]
fn dropped_last_waiter_frees_the_lock() {
    let lock = Lock::new();
    assert!(lock.try_acquire());
    let mut a = lock.acquire();
    assert!(poll(&mut a).is_pending());
    lock.release().unwrap();
    drop(a);
    assert!(!lock.locked());
    assert!(lock.try_acquire(), "the lock was not lost");
}

#[test]
fn dropped_queued_waiter_leaves_the_queue() {
    let lock = Lock::new();
    assert!(lock.try_acquire());
    let mut a = lock.acquire();
    let mut b = lock.acquire();
    assert!(poll(&mut a).is_pending());
    assert!(poll(&mut b).is_pending());
    drop(a);
    lock.release().unwrap();
    assert_eq!(poll(&mut b), Poll::Ready(()));
    lock.release().unwrap();
    assert!(lock.try_acquire());
}

#[test]
fn guard_releases_on_drop_and_forget_keeps_it() {
    futures_lite::future::block_on(async {
        let lock = Lock::new();
        let guard = lock.lock().await;
        assert!(lock.locked());
        assert!(lock.try_lock().is_none());
        drop(guard);
        assert!(!lock.locked());
        std::mem::forget(lock.lock().await);
        assert!(lock.locked());
        lock.release().unwrap();
        // A guard whose lock was released by hand does not over-release.
        let guard = lock.lock().await;
        lock.release().unwrap();
        drop(guard);
        assert!(!lock.locked());
        assert!(lock.try_acquire());
        assert!(!lock.try_acquire());
    });
}

/// The seed program s0-19: a loop callback releases the lock that main
/// acquired; two coroutines then get it in order.
#[test]
fn seed_s0_19_callback_release_order() {
    let log = Log::default();
    let lines = run_local(async |ex| {
        let lock = std::rc::Rc::new(Lock::new());
        log.push("acquiring the lock before starting coroutines");
        lock.acquire().await;
        log.push(format!("lock acquired: {}", py_bool(lock.locked())));
        let unlock = {
            let (lock, log) = (lock.clone(), log.clone());
            ex.spawn(async move {
                yields(10).await; // call_later(0.1, unlock)
                log.push("callback releasing lock");
                lock.release().unwrap();
            })
        };
        log.push("waiting for coroutines");
        let coro1 = {
            let (lock, log) = (lock.clone(), log.clone());
            ex.spawn(async move {
                log.push("coro1 waiting for the lock");
                {
                    let _guard = lock.lock().await;
                    log.push("coro1 acquired lock");
                }
                log.push("coro1 released lock");
            })
        };
        let coro2 = {
            let (lock, log) = (lock.clone(), log.clone());
            ex.spawn(async move {
                log.push("coro2 waiting for the lock");
                lock.acquire().await;
                log.push("coro2 acquired lock");
                log.push("coro2 released lock");
                lock.release().unwrap();
            })
        };
        coro1.await;
        coro2.await;
        unlock.await;
        log.lines()
    });
    // The golden output of s0-19-lock.py under CPython.
    let golden = [
        "acquiring the lock before starting coroutines",
        "lock acquired: True",
        "waiting for coroutines",
        "coro1 waiting for the lock",
        "coro2 waiting for the lock",
        "callback releasing lock",
        "coro1 acquired lock",
        "coro1 released lock",
        "coro2 acquired lock",
        "coro2 released lock",
    ];
    assert_eq!(lines, golden);
}

/// Issue 6, defect 3 for `Lock`: a guard whose holding was released by hand
/// never releases the lock for the task that took it next.
#[test]
fn stale_guard_does_not_release_the_next_holder() {
    let lock = Lock::new();
    let guard = futures_lite::future::block_on(lock.lock());
    lock.release().unwrap();
    let second = lock.try_lock().expect("free after the release by hand");
    drop(guard);
    assert!(lock.locked(), "the second guard still holds the lock");
    assert!(!lock.try_acquire());
    drop(second);
    assert!(!lock.locked());
    // A forgotten guard still leaves the lock to a release by hand.
    std::mem::forget(lock.try_lock().unwrap());
    assert_eq!(lock.release(), Ok(()));
    assert!(!lock.locked());
}

/// Issue 6, defect 3, through a hand-off: a `lock()` future handed the lock
/// and then dropped releases that holding only if it is still the current
/// one; a release by hand on its behalf already ended it.
#[test]
fn dropped_guard_future_releases_only_its_own_handed_over_holding() {
    let lock = Lock::new();
    assert!(lock.try_acquire());
    let mut fut = lock.lock();
    assert!(poll(&mut fut).is_pending());
    lock.release().unwrap();
    assert!(lock.locked(), "handed to the queued guard future");
    drop(fut);
    assert!(!lock.locked(), "the dropped future passed the lock on");

    assert!(lock.try_acquire());
    let mut fut = lock.lock();
    assert!(poll(&mut fut).is_pending());
    lock.release().unwrap();
    // A stray release ends the holding on the future's behalf.
    assert_eq!(lock.release(), Ok(()));
    let next = lock.try_lock().expect("free after the stray release");
    drop(fut);
    assert!(lock.locked(), "the stale hand-off released the next holder");
    drop(next);
    assert!(!lock.locked());
}
