//! Semaphore and BoundedSemaphore: FIFO fairness, `locked()`, bounded
//! over-release, and no lost permit on cancellation.
#![cfg(not(loom))]

mod common;

use std::rc::Rc;
use std::task::Poll;

use common::{Log, poll, run_local, yields};
use corio_sync::{BoundedSemaphore, ReleasedTooManyTimes, Semaphore};

/// asyncio's order: Semaphore(1), three tasks each acquiring twice.
#[test]
fn fifo_order_three_tasks_acquiring_twice() {
    let log = Log::default();
    let lines = run_local(async |ex| {
        let sem = Rc::new(Semaphore::new(1));
        let tasks: Vec<_> = (1..=3)
            .map(|c| {
                let (sem, log) = (sem.clone(), log.clone());
                ex.spawn(async move {
                    for i in 1..=2 {
                        sem.acquire().await;
                        log.push(format!("c{c}_{i}"));
                        futures_lite::future::yield_now().await;
                        sem.release();
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await;
        }
        log.lines()
    });
    assert_eq!(lines, ["c1_1", "c2_1", "c3_1", "c1_2", "c2_2", "c3_2"]);
}

#[test]
fn locked_while_anyone_waits() {
    let sem = Semaphore::new(1);
    assert!(!sem.locked());
    assert!(sem.try_acquire());
    assert!(sem.locked());
    let mut waiter = sem.acquire();
    assert!(poll(&mut waiter).is_pending());
    sem.release(); // handed to the waiter
    assert!(sem.locked(), "the permit went to the waiter");
    assert_eq!(sem.available_permits(), 0);
    assert_eq!(poll(&mut waiter), Poll::Ready(()));
    sem.release();
    assert!(!sem.locked());
    // Releasing more than acquired raises the count (unbounded semaphore).
    sem.release();
    assert_eq!(sem.available_permits(), 2);
}

#[test]
fn newcomer_does_not_barge_past_waiter() {
    let sem = Semaphore::new(0);
    let mut a = sem.acquire();
    assert!(poll(&mut a).is_pending());
    sem.release();
    assert!(!sem.try_acquire());
    assert_eq!(poll(&mut a), Poll::Ready(()));
}

#[test]
fn dropped_waiter_passes_its_permit_on() {
    let sem = Semaphore::new(0);
    let mut a = sem.acquire();
    let mut b = sem.permit();
    assert!(poll(&mut a).is_pending());
    assert!(poll(&mut b).is_pending());
    sem.release(); // to a
    drop(a);
    let Poll::Ready(permit) = poll(&mut b) else {
        panic!("b must get the permit a was handed")
    };
    drop(permit);
    assert_eq!(sem.available_permits(), 1);
}

#[test]
fn many_permits_released_at_once_serve_many_waiters() {
    let sem = Semaphore::new(0);
    let mut waiters: Vec<_> = (0..40).map(|_| sem.acquire()).collect();
    for w in &mut waiters {
        assert!(poll(w).is_pending());
    }
    for _ in 0..40 {
        sem.release();
    }
    for w in &mut waiters {
        assert_eq!(poll(w), Poll::Ready(()));
    }
    assert_eq!(sem.available_permits(), 0);
}

#[test]
fn bounded_over_release_is_a_typed_error() {
    let sem = BoundedSemaphore::new(1);
    futures_lite::future::block_on(sem.acquire());
    assert_eq!(sem.release(), Ok(()));
    let err = sem.release().unwrap_err();
    assert_eq!(err, ReleasedTooManyTimes);
    assert_eq!(err.to_string(), "BoundedSemaphore released too many times");
    assert_eq!(
        sem.available_permits(),
        1,
        "a failed release changes nothing"
    );
}

#[test]
fn bounded_release_with_waiters_hands_off() {
    let sem = BoundedSemaphore::new(1);
    assert!(sem.try_acquire());
    let mut a = sem.acquire();
    assert!(poll(&mut a).is_pending());
    assert_eq!(sem.release(), Ok(()));
    assert_eq!(poll(&mut a), Poll::Ready(()));
    assert_eq!(sem.release(), Ok(()));
    assert_eq!(sem.release(), Err(ReleasedTooManyTimes));
}

#[test]
fn bounded_permit_drop_never_exceeds_bound() {
    let sem = BoundedSemaphore::new(1);
    let permit = sem.try_permit().unwrap();
    sem.release().unwrap(); // a stray release returned our permit
    drop(permit);
    assert_eq!(sem.available_permits(), 1);
}

/// The seed program s1-56: Semaphore(2) and four operations.
#[test]
fn seed_s1_56_semaphore_order() {
    let log = Log::default();
    let lines = run_local(async |ex| {
        let sem = Rc::new(Semaphore::new(2));
        let ops: Vec<_> = (0..4)
            .map(|_| {
                let (sem, log) = (sem.clone(), log.clone());
                ex.spawn(async move {
                    log.push("等待获取信号量...");
                    {
                        let _permit = sem.permit().await;
                        log.push("获取到信号量!");
                        yields(20).await; // asyncio.sleep(2)
                    }
                    log.push("释放信号量!");
                })
            })
            .collect();
        for op in ops {
            op.await;
        }
        log.lines()
    });
    // The golden output of s1-56-semaphore.py under CPython.
    let golden = [
        "等待获取信号量...",
        "获取到信号量!",
        "等待获取信号量...",
        "获取到信号量!",
        "等待获取信号量...",
        "等待获取信号量...",
        "释放信号量!",
        "释放信号量!",
        "获取到信号量!",
        "获取到信号量!",
        "释放信号量!",
        "释放信号量!",
    ];
    assert_eq!(lines, golden);
}
