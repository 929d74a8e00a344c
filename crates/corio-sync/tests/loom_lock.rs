//! loom models of the lock hand-off (Lock and Mutex<T>): mutual exclusion,
//! no lost wakeup, and cancellation passing the lock on.
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p corio-sync --release --test 'loom_*'`
#![cfg(loom)]

mod loom_support;

use std::pin::pin;

use corio_sync::{Lock, Mutex};
use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;
use loom_support::{block_on, poll_once};

#[test]
fn two_threads_exclude_each_other_and_never_hang() {
    loom::model(|| {
        let lock = Arc::new(Lock::new());
        let inside = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let (lock, inside) = (lock.clone(), inside.clone());
                thread::spawn(move || {
                    block_on(lock.acquire());
                    assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0);
                    inside.fetch_sub(1, Ordering::SeqCst);
                    lock.release().unwrap();
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert!(!lock.locked());
    });
}

#[test]
fn release_from_another_thread_wakes_the_waiter() {
    loom::model(|| {
        let lock = Arc::new(Lock::new());
        assert!(lock.try_acquire());
        let releaser = {
            let lock = lock.clone();
            thread::spawn(move || lock.release().unwrap())
        };
        block_on(lock.acquire());
        releaser.join().unwrap();
        assert!(lock.locked());
        lock.release().unwrap();
    });
}

#[test]
fn cancelled_acquire_racing_release_loses_nothing() {
    loom::model(|| {
        let lock = Arc::new(Lock::new());
        assert!(lock.try_acquire());
        // A blocked waiter that must be served eventually.
        let waiter = {
            let lock = lock.clone();
            thread::spawn(move || {
                block_on(lock.acquire());
                lock.release().unwrap();
            })
        };
        // A second acquirer queues, then is cancelled, racing the release.
        let canceller = {
            let lock = lock.clone();
            thread::spawn(move || {
                let mut fut = pin!(lock.acquire());
                if poll_once(fut.as_mut()).is_ready() {
                    lock.release().unwrap();
                }
            })
        };
        lock.release().unwrap();
        waiter.join().unwrap();
        canceller.join().unwrap();
        assert!(!lock.locked(), "a cancellation lost the lock");
    });
}

#[test]
fn mutex_guards_data_between_threads() {
    loom::model(|| {
        let mutex = Arc::new(Mutex::new(0));
        let t = {
            let mutex = mutex.clone();
            thread::spawn(move || *block_on(mutex.lock()) += 1)
        };
        *block_on(mutex.lock()) += 1;
        t.join().unwrap();
        assert_eq!(*block_on(mutex.lock()), 2);
    });
}

/// Issue 6, defect 3: a guard whose holding was released by hand must not release the
/// lock for the thread that took it next, in any interleaving.
#[test]
fn a_stale_guard_never_releases_the_next_holder() {
    loom::model(|| {
        let lock = Arc::new(Lock::new());
        let inside = Arc::new(AtomicUsize::new(0));
        let guard = lock.try_lock().unwrap();
        let other = {
            let (lock, inside) = (lock.clone(), inside.clone());
            thread::spawn(move || {
                let _g = block_on(lock.lock());
                assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0);
                // While this thread holds it, nobody else can take it.
                assert!(!lock.try_acquire());
                inside.fetch_sub(1, Ordering::SeqCst);
            })
        };
        lock.release().unwrap(); // the guard's holding ends by hand
        drop(guard); // a no-op, whoever holds the lock now
        if lock.try_acquire() {
            assert_eq!(inside.load(Ordering::SeqCst), 0, "taken while held");
            lock.release().unwrap();
        }
        other.join().unwrap();
        assert!(!lock.locked());
    });
}

/// The one-CAS unlock of a guard racing a second thread that queues: the
/// unlock either frees the lock first or sees the waiter and hands it over;
/// the waiter is never left asleep on a free lock.
#[test]
fn guard_unlock_racing_a_new_waiter_hands_over_or_frees() {
    loom::model(|| {
        let mutex = Arc::new(Mutex::new(0));
        let guard = mutex.try_lock().unwrap();
        let t = {
            let mutex = mutex.clone();
            thread::spawn(move || {
                let mut g = block_on(mutex.lock());
                *g += 1;
            })
        };
        drop(guard);
        t.join().unwrap();
        assert!(!mutex.is_locked());
        assert_eq!(*mutex.try_lock().unwrap(), 1);
    });
}

/// A guarded `lock()` that was handed the lock and then dropped passes it on
/// (to a second waiter, or frees it), even when a release by hand races.
#[test]
fn cancelled_lock_future_passes_the_lock_on() {
    loom::model(|| {
        let lock = Arc::new(Lock::new());
        let inside = Arc::new(AtomicUsize::new(0));
        assert!(lock.try_acquire());
        let canceller = {
            let lock = lock.clone();
            thread::spawn(move || {
                let mut fut = pin!(lock.lock());
                // Ready: a guard, dropped at once (released). Pending: the
                // drop cancels, and passes on a lock already handed over.
                drop(poll_once(fut.as_mut()));
            })
        };
        let waiter = {
            let (lock, inside) = (lock.clone(), inside.clone());
            thread::spawn(move || {
                let _g = block_on(lock.lock());
                assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0);
                inside.fetch_sub(1, Ordering::SeqCst);
            })
        };
        lock.release().unwrap();
        canceller.join().unwrap();
        waiter.join().unwrap();
        assert!(!lock.locked(), "a cancellation lost or kept the lock");
    });
}

/// A release by hand of a holding that was just handed to a queued guard
/// (asyncio lets any task release): the guard's later drop is a no-op and
/// never releases the holding that follows.
#[test]
fn release_by_hand_of_a_handed_over_guard_holding() {
    loom::model(|| {
        let lock = Arc::new(Lock::new());
        assert!(lock.try_acquire());
        let waiter = {
            let lock = lock.clone();
            thread::spawn(move || {
                let guard = block_on(lock.lock());
                drop(guard);
            })
        };
        lock.release().unwrap();
        // Releases the waiter's holding on its behalf, if it has one yet.
        let stray = lock.release();
        // A guard too, so that only the generation tells the two apart.
        let mut mine = lock.try_lock();
        if stray.is_err() {
            // The waiter may still be queued behind us.
            mine = None;
        }
        waiter.join().unwrap();
        if mine.is_some() {
            assert!(lock.locked(), "a stale guard released the next holding");
            drop(mine);
        }
        assert!(!lock.locked());
    });
}
