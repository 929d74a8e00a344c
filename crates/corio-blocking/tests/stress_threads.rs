//! Many threads racing on the same futures and pools: every future ends exactly one way,
//! every done-callback runs exactly once, no waiter is left behind.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use corio_blocking::{ConcurrentFuture, FutureError, ThreadPoolExecutor, as_completed};

const PATIENCE: Duration = Duration::from_secs(60);

#[test]
fn cancel_races_completion() {
    const FUTURES: usize = 2_000;
    let callbacks = Arc::new(AtomicUsize::new(0));
    let futures: Vec<ConcurrentFuture<usize>> = (0..FUTURES)
        .map(|_| {
            let f = ConcurrentFuture::new();
            let c = callbacks.clone();
            f.add_done_callback(move |_| {
                c.fetch_add(1, Ordering::SeqCst);
            });
            f
        })
        .collect();
    let start = Arc::new(Barrier::new(3));
    let completer = {
        let (futures, start) = (futures.clone(), start.clone());
        std::thread::spawn(move || {
            start.wait();
            let mut set = 0;
            for (i, f) in futures.iter().enumerate() {
                if f.set_running_or_notify_cancel() {
                    f.set_result(i).unwrap();
                    set += 1;
                }
            }
            set
        })
    };
    let canceller = {
        let (futures, start) = (futures.clone(), start.clone());
        std::thread::spawn(move || {
            start.wait();
            futures.iter().rev().filter(|f| f.cancel()).count()
        })
    };
    start.wait();
    // Meanwhile this thread awaits every one of them from async code.
    let outcomes: Vec<Result<usize, FutureError>> = futures_lite::future::block_on(async {
        let mut out = Vec::new();
        for f in &futures {
            out.push(f.clone().await);
        }
        out
    });
    let set = completer.join().unwrap();
    let cancelled = canceller.join().unwrap();
    assert_eq!(
        set + cancelled,
        FUTURES,
        "each future ended exactly one way"
    );
    let seen_cancelled = outcomes
        .iter()
        .filter(|o| matches!(o, Err(FutureError::Cancelled)))
        .count();
    assert_eq!(seen_cancelled, cancelled);
    for (i, o) in outcomes.iter().enumerate() {
        if let Ok(v) = o {
            assert_eq!(*v, i);
        }
    }
    assert_eq!(
        callbacks.load(Ordering::SeqCst),
        FUTURES,
        "one callback run per future"
    );
}

#[test]
fn many_submitters_one_pool() {
    let pool = Arc::new(ThreadPoolExecutor::with_max_workers(4));
    let submitters: Vec<_> = (0..8)
        .map(|t| {
            let pool = pool.clone();
            std::thread::spawn(move || {
                (0..2_000u64)
                    .map(|i| pool.submit(move || t * 1_000_000 + i).unwrap())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let futures: Vec<_> = submitters
        .into_iter()
        .flat_map(|s| s.join().unwrap())
        .collect();
    let mut seen: Vec<u64> = as_completed(futures, PATIENCE)
        .map(|f| f.unwrap().result(None).unwrap())
        .collect();
    seen.sort_unstable();
    let mut expected: Vec<u64> = (0..8u64)
        .flat_map(|t| (0..2_000u64).map(move |i| t * 1_000_000 + i))
        .collect();
    expected.sort_unstable();
    assert_eq!(seen, expected, "every job ran exactly once");
    assert!(pool.pool().thread_count() <= 4);
}

#[test]
fn to_thread_from_many_threads() {
    let handles: Vec<_> = (0..8u64)
        .map(|t| {
            std::thread::spawn(move || {
                futures_lite::future::block_on(async move {
                    let jobs: Vec<_> = (0..1_000u64)
                        .map(|i| corio_blocking::to_thread(move || t + i))
                        .collect();
                    let mut sum = 0;
                    for j in jobs {
                        sum += j.await.unwrap();
                    }
                    sum
                })
            })
        })
        .collect();
    for (t, h) in handles.into_iter().enumerate() {
        let t = t as u64;
        assert_eq!(h.join().unwrap(), (0..1_000).map(|i| t + i).sum::<u64>());
    }
    assert!(corio_blocking::global_pool().thread_count() <= corio_blocking::default_thread_count());
}
