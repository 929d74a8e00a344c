//! Many tasks over two threads, repeated: exclusion, limits and
//! no-lost-wakeup under real parallelism. Bounded in time by a watchdog and by
//! fixed amounts of work (no timing in any assertion).
// Too slow under miri's interpreter; the foreign-executor tests cover the
// same workload at a small size there.
#![cfg(not(any(loom, miri)))]

mod scenario;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use corio_sync::{Lock, Semaphore};
use scenario::{BoxFuture, Size, Spawn, all, with_watchdog};

const LIMIT: Duration = Duration::from_secs(120);
const SIZE: Size = Size {
    tasks: 64,
    iterations: 50,
};

fn two_thread_executor(f: impl AsyncFnOnce(Spawn)) {
    let ex = Arc::new(async_executor::Executor::new());
    let stop = Arc::new(corio_sync::Event::new());
    std::thread::scope(|s| {
        let (helper, stop_wait) = (ex.clone(), stop.clone());
        s.spawn(move || futures_lite::future::block_on(helper.run(stop_wait.wait())));
        let spawner = ex.clone();
        let spawn: Spawn = Arc::new(move |f: BoxFuture| Box::pin(spawner.spawn(f)) as BoxFuture);
        futures_lite::future::block_on(ex.run(f(spawn)));
        stop.set();
    });
}

#[test]
fn every_primitive_many_tasks_two_threads_async_executor() {
    with_watchdog(LIMIT, || {
        for _ in 0..3 {
            two_thread_executor(async |spawn| all(spawn, SIZE).await);
        }
    });
}

#[test]
fn every_primitive_many_tasks_two_threads_tokio() {
    with_watchdog(LIMIT, || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap();
        let spawn: Spawn = Arc::new(|f: BoxFuture| {
            let handle = tokio::spawn(f);
            Box::pin(async move { handle.await.expect("task panicked") }) as BoxFuture
        });
        for _ in 0..3 {
            rt.block_on(all(spawn.clone(), SIZE));
        }
    });
}

/// Semaphore limiting 10,000 tasks to 10 at a time (the bench's shape).
#[test]
fn semaphore_limits_ten_thousand_tasks_to_ten() {
    with_watchdog(LIMIT, || {
        two_thread_executor(async |spawn| {
            let sem = Arc::new(Semaphore::new(10));
            let inside = Arc::new(AtomicUsize::new(0));
            let peak = Arc::new(AtomicUsize::new(0));
            let handles: Vec<_> = (0..10_000)
                .map(|_| {
                    let (sem, inside, peak) = (sem.clone(), inside.clone(), peak.clone());
                    spawn(Box::pin(async move {
                        let _permit = sem.permit().await;
                        let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                        peak.fetch_max(now, Ordering::SeqCst);
                        futures_lite::future::yield_now().await;
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }))
                })
                .collect();
            for h in handles {
                h.await;
            }
            assert!(peak.load(Ordering::SeqCst) <= 10);
            assert_eq!(sem.available_permits(), 10);
        });
    });
}

/// Plain OS threads hammering one lock through `block_on`, with no executor.
#[test]
fn lock_between_os_threads() {
    with_watchdog(LIMIT, || {
        let lock = Arc::new(Lock::new());
        let counter = Arc::new(AtomicUsize::new(0));
        std::thread::scope(|s| {
            for _ in 0..2 {
                let (lock, counter) = (lock.clone(), counter.clone());
                s.spawn(move || {
                    for _ in 0..20_000 {
                        futures_lite::future::block_on(async {
                            let _g = lock.lock().await;
                            let v = counter.load(Ordering::Relaxed);
                            counter.store(v + 1, Ordering::Relaxed);
                        });
                    }
                });
            }
        });
        assert_eq!(counter.load(Ordering::Relaxed), 40_000);
        assert!(!lock.locked());
    });
}
