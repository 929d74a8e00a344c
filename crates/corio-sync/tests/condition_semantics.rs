//! Condition: notify(n) wakes exactly the first n waiters still waiting,
//! notify/wait without the lock are typed errors, wait re-acquires, and a
//! dropped waiter never loses a notification or the lock.
#![cfg(not(loom))]

mod common;

use std::pin::pin;
use std::rc::Rc;
use std::task::Poll;

use common::{CountWaker, Log, poll, poll_with, run_local, yields};
use corio_sync::{Condition, ConditionError};

#[test]
fn notify_and_wait_without_the_lock_are_typed_errors() {
    let cond = Condition::new();
    assert_eq!(cond.notify(1), Err(ConditionError::NotifyUnacquired));
    assert_eq!(cond.notify_all(), Err(ConditionError::NotifyUnacquired));
    let err = futures_lite::future::block_on(cond.wait()).unwrap_err();
    assert_eq!(err, ConditionError::WaitUnacquired);
    assert_eq!(err.to_string(), "cannot wait on un-acquired lock");
    assert_eq!(
        ConditionError::NotifyUnacquired.to_string(),
        "cannot notify on un-acquired lock"
    );
    assert!(!cond.locked());
}

#[test]
fn notify_n_wakes_exactly_the_first_n_waiters() {
    let cond = Condition::new();
    let wakers: Vec<_> = (0..5).map(|_| CountWaker::new()).collect();
    let mut waits: Vec<_> = (0..5)
        .map(|_| {
            Box::pin(async {
                let guard = cond.lock().await;
                drop(guard.wait().await);
            })
        })
        .collect();
    for (w, (_, waker)) in waits.iter_mut().zip(&wakers) {
        assert!(poll_with(w.as_mut(), waker).is_pending());
    }
    assert_eq!(cond.waiters(), 5);
    assert!(!cond.locked(), "every waiter released the lock");

    let guard = cond.try_lock().unwrap();
    guard.notify(2);
    let woken: Vec<usize> = wakers.iter().map(|(c, _)| c.count()).collect();
    assert_eq!(woken, [1, 1, 0, 0, 0]);
    assert_eq!(cond.waiters(), 3);
    // Woken waiters now queue for the lock, which we hold.
    for (w, (_, waker)) in waits.iter_mut().zip(&wakers).take(2) {
        assert!(poll_with(w.as_mut(), waker).is_pending());
    }
    drop(guard);
    for (w, (_, waker)) in waits.iter_mut().zip(&wakers).take(2) {
        assert_eq!(poll_with(w.as_mut(), waker), Poll::Ready(()));
    }
    cond.try_lock().unwrap().notify_all();
    for (w, (_, waker)) in waits.iter_mut().zip(&wakers).skip(2) {
        assert_eq!(poll_with(w.as_mut(), waker), Poll::Ready(()));
    }
    assert!(!cond.locked());
    assert_eq!(cond.waiters(), 0);
}

#[test]
fn asyncio_form_wait_reacquires_the_lock() {
    let cond = Condition::new();
    let mut waiter = pin!(async {
        cond.acquire().await;
        cond.wait().await?;
        let held = cond.locked();
        cond.release().unwrap();
        Ok::<bool, ConditionError>(held)
    });
    assert!(poll(&mut waiter).is_pending());
    assert!(!cond.locked());
    futures_lite::future::block_on(cond.acquire());
    cond.notify(1).unwrap();
    assert!(poll(&mut waiter).is_pending(), "needs the lock back first");
    cond.release().unwrap();
    assert_eq!(poll(&mut waiter), Poll::Ready(Ok(true)));
}

#[test]
fn dropped_notified_waiter_passes_the_notification_on() {
    let cond = Condition::new();
    let mut a = Box::pin(async {
        let guard = cond.lock().await;
        drop(guard.wait().await);
    });
    let (b_count, b_waker) = CountWaker::new();
    let mut b = Box::pin(async {
        let guard = cond.lock().await;
        drop(guard.wait().await);
    });
    assert!(poll(&mut a).is_pending());
    assert!(poll_with(b.as_mut(), &b_waker).is_pending());
    cond.try_lock().unwrap().notify(1); // notifies a
    assert_eq!(b_count.count(), 0);
    drop(a); // a is cancelled before it observed the notification
    assert_eq!(b_count.count(), 1, "b got the notification a dropped");
    assert_eq!(poll_with(b.as_mut(), &b_waker), Poll::Ready(()));
}

#[test]
fn waiter_dropped_while_reacquiring_passes_notification_and_lock_on() {
    let cond = Condition::new();
    let mut a = Box::pin(async {
        let guard = cond.lock().await;
        drop(guard.wait().await);
    });
    let mut b = Box::pin(async {
        let guard = cond.lock().await;
        drop(guard.wait().await);
    });
    assert!(poll(&mut a).is_pending());
    assert!(poll(&mut b).is_pending());
    let guard = cond.try_lock().unwrap();
    guard.notify(1);
    assert!(
        poll(&mut a).is_pending(),
        "a observed the notification, now queues for the lock"
    );
    drop(guard); // lock handed to a
    drop(a); // a cancelled while holding a notification and a handed lock
    assert!(!cond.locked(), "the lock a was handed is free again");
    assert_eq!(poll(&mut b), Poll::Ready(()), "b got a's notification");
}

#[test]
fn dropped_waiting_waiter_leaves_without_taking_a_notification() {
    let cond = Condition::new();
    let mut a = Box::pin(async {
        let guard = cond.lock().await;
        drop(guard.wait().await);
    });
    let mut b = Box::pin(async {
        let guard = cond.lock().await;
        drop(guard.wait().await);
    });
    assert!(poll(&mut a).is_pending());
    assert!(poll(&mut b).is_pending());
    drop(a);
    assert_eq!(cond.waiters(), 1);
    cond.try_lock().unwrap().notify(1);
    assert_eq!(poll(&mut b), Poll::Ready(()));
}

#[test]
fn wait_for_rechecks_the_predicate() {
    let cond = Condition::new();
    let value = std::cell::Cell::new(0);
    let mut waiter = pin!(async {
        let guard = cond.lock().await;
        let _guard = guard.wait_for(|| value.get() >= 2).await;
        value.get()
    });
    assert!(poll(&mut waiter).is_pending());
    value.set(1);
    cond.try_lock().unwrap().notify_all();
    assert!(poll(&mut waiter).is_pending(), "predicate still false");
    value.set(2);
    cond.try_lock().unwrap().notify_all();
    assert_eq!(poll(&mut waiter), Poll::Ready(2));
}

/// The seed program s0-21: five consumers, notified 1, then 2, then all.
#[test]
fn seed_s0_21_condition_order() {
    let log = Log::default();
    let lines = run_local(async |ex| {
        let cond = Rc::new(Condition::new());
        let consumers: Vec<_> = (0..5)
            .map(|n| {
                let (cond, log) = (cond.clone(), log.clone());
                ex.spawn(async move {
                    {
                        let guard = cond.lock().await;
                        log.push(format!("consumer {n} is waiting"));
                        let _guard = guard.wait().await;
                        log.push(format!("consumer {n} triggered"));
                    }
                    log.push(format!("ending consumer {n}"));
                })
            })
            .collect();
        let manipulate = {
            let (cond, log) = (cond.clone(), log.clone());
            ex.spawn(async move {
                log.push("starting manipulate_condition");
                yields(10).await;
                for i in 1..3 {
                    {
                        let guard = cond.lock().await;
                        log.push(format!("notifying {i} consumers"));
                        guard.notify(i);
                    }
                    yields(10).await;
                }
                {
                    let guard = cond.lock().await;
                    log.push("notifying remaining consumers");
                    guard.notify_all();
                }
                log.push("ending manipulate_condition");
            })
        };
        for c in consumers {
            c.await;
        }
        manipulate.await;
        log.lines()
    });
    // The golden output of s0-21-condition.py under CPython.
    let golden = [
        "consumer 0 is waiting",
        "consumer 1 is waiting",
        "consumer 2 is waiting",
        "consumer 3 is waiting",
        "consumer 4 is waiting",
        "starting manipulate_condition",
        "notifying 1 consumers",
        "consumer 0 triggered",
        "ending consumer 0",
        "notifying 2 consumers",
        "consumer 1 triggered",
        "ending consumer 1",
        "consumer 2 triggered",
        "ending consumer 2",
        "notifying remaining consumers",
        "ending manipulate_condition",
        "consumer 3 triggered",
        "ending consumer 3",
        "consumer 4 triggered",
        "ending consumer 4",
    ];
    assert_eq!(lines, golden);
}

/// Issue 6, defect 3: A holds the lock through a guard and calls the
/// asyncio-form `cond.wait()`; B takes the lock; A is cancelled. A's guard
/// must not release B's lock. The asyncio wait now refuses a guarded lock.
#[test]
fn asyncio_wait_under_a_guard_cannot_break_mutual_exclusion() {
    let cond = Condition::new();
    let result = std::cell::Cell::new(None);
    let mut a = Box::pin(async {
        let _guard = cond.lock().await;
        result.set(Some(cond.wait().await));
        std::future::pending::<()>().await;
    });
    assert!(poll(&mut a).is_pending());
    assert_eq!(result.get(), Some(Err(ConditionError::WaitGuarded)));
    assert!(cond.locked(), "A still holds the lock through its guard");
    assert!(cond.try_lock().is_none());

    // Whatever A did, once B holds the lock and A is gone, nobody else may
    // take it.
    let mut b = Box::pin(cond.acquire());
    assert!(poll(&mut b).is_pending());
    drop(a); // cancels A: its guard releases A's own holding, handed to B
    assert_eq!(poll(&mut b), Poll::Ready(()));
    assert!(cond.try_lock().is_none(), "B holds the lock");
    cond.release().unwrap();
    assert_eq!(
        ConditionError::WaitGuarded.to_string(),
        "cannot wait on a lock held by a guard: wait through the guard"
    );
}

/// A guard whose holding was ended by `release()` by hand does not release
/// the holding of the next owner.
#[test]
fn guard_does_not_release_a_holding_it_gave_up() {
    let cond = Condition::new();
    let guard = cond.try_lock().unwrap();
    cond.release().unwrap(); // asyncio-form release of the guard's holding
    let mut b = Box::pin(cond.acquire());
    assert_eq!(poll(&mut b), Poll::Ready(()));
    drop(guard);
    assert!(cond.locked(), "B's holding survives the stale guard");
    assert!(cond.try_lock().is_none());
    // The asyncio form goes on working: B waits and is notified.
    let mut b_wait = Box::pin(cond.wait());
    assert!(poll(&mut b_wait).is_pending());
    assert!(!cond.locked());
    cond.try_lock().unwrap().notify(1);
    assert_eq!(poll(&mut b_wait), Poll::Ready(Ok(())));
    assert!(cond.locked());
    cond.release().unwrap();
    assert!(!cond.locked());
}

/// Whether a holding is a guard's travels with the hand-off: a `lock()`
/// handed the lock by a release is a guard to `wait`, a bare `acquire()`
/// handed it is not.
#[test]
fn guarded_holding_survives_a_hand_off() {
    let cond = Condition::new();
    assert_eq!(poll(&mut Box::pin(cond.acquire())), Poll::Ready(()));
    let mut lock = Box::pin(cond.lock());
    assert!(poll(&mut lock).is_pending());
    cond.release().unwrap();
    let Poll::Ready(guard) = poll(&mut lock) else {
        panic!("the lock was handed to the queued guard")
    };
    assert_eq!(
        poll(&mut Box::pin(cond.wait())),
        Poll::Ready(Err(ConditionError::WaitGuarded))
    );
    drop(guard);
    assert!(!cond.locked());

    assert_eq!(poll(&mut Box::pin(cond.acquire())), Poll::Ready(()));
    let mut acquire = Box::pin(cond.acquire());
    assert!(poll(&mut acquire).is_pending());
    cond.release().unwrap();
    assert_eq!(poll(&mut acquire), Poll::Ready(()));
    let mut wait = Box::pin(cond.wait());
    assert!(
        poll(&mut wait).is_pending(),
        "an unguarded holding may wait"
    );
    assert!(!cond.locked(), "the wait released the lock");
}
