//! corio-time under a foreign executor (the shared timer thread) and the queue's rules.

use std::time::{Duration, Instant};

use corio_time::{MissedTickBehavior, TimerQueue, interval, sleep, sleep_until, timeout};

#[test]
fn sleeps_under_a_foreign_executor_never_end_early() {
    futures_lite::future::block_on(async {
        for ms in [1u64, 5, 12] {
            let start = Instant::now();
            sleep(Duration::from_millis(ms)).await;
            assert!(start.elapsed() >= Duration::from_millis(ms));
        }
    });
}

#[test]
fn many_concurrent_sleeps_on_other_threads_all_finish() {
    let threads: Vec<_> = (0..4)
        .map(|t| {
            std::thread::spawn(move || {
                futures_lite::future::block_on(async move {
                    for i in 0..20u64 {
                        let at = Instant::now() + Duration::from_micros(200 * (i % 5) + t);
                        sleep_until(at).await;
                        assert!(Instant::now() >= at);
                    }
                })
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

#[test]
fn timeout_keeps_the_output_or_reports_elapsed() {
    futures_lite::future::block_on(async {
        assert_eq!(timeout(Duration::from_millis(50), async { 1 }).await, Ok(1));
        let slow = timeout(Duration::from_millis(5), sleep(Duration::from_secs(5)));
        assert!(slow.await.is_err());
    });
}

#[test]
fn interval_skip_stays_on_the_grid() {
    futures_lite::future::block_on(async {
        let mut every = interval(Duration::from_millis(5));
        every.set_missed_tick_behavior(MissedTickBehavior::Skip);
        let first = every.tick().await;
        std::thread::sleep(Duration::from_millis(17)); // miss three ticks
        let next = every.tick().await;
        assert_eq!(next, first + Duration::from_millis(5)); // the overdue tick fires at once
        let after = every.tick().await;
        assert_eq!(
            (after - first).as_nanos() % Duration::from_millis(5).as_nanos(),
            0
        );
        assert!(after - first >= Duration::from_millis(20));
    });
}

#[test]
fn the_queue_is_fifo_among_ties_and_cancel_is_exact() {
    let now = Instant::now();
    let mut q = TimerQueue::new();
    let mut keys = Vec::new();
    for i in 0..1000u32 {
        keys.push(q.insert(now + Duration::from_millis(u64::from(i % 3)), i));
    }
    for (i, k) in keys.iter().enumerate() {
        if i % 2 == 0 {
            assert_eq!(q.remove(*k), Some(i as u32));
        }
    }
    let out: Vec<u32> = std::iter::from_fn(|| q.pop_expired(now + Duration::from_secs(1)))
        .map(|(_, v)| v)
        .collect();
    let mut expected: Vec<u32> = (0..1000).filter(|i| i % 2 == 1).collect();
    expected.sort_by_key(|i| (i % 3, *i));
    assert_eq!(out, expected);
    assert!(q.is_empty());
}
