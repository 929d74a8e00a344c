//! One workload exercising every primitive, run by several executors
//! (`executor_foreign.rs`) and at scale over two threads (`stress_threads.rs`).
//!
//! Every check counts something that a broken primitive would get wrong
//! (lost updates, too many holders, a missing wakeup shows as a hang, which
//! the watchdog turns into a failure).

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use corio_sync::{Barrier, BoundedSemaphore, Condition, Event, Lock, Mutex, RwLock, Semaphore};
use futures_lite::future::yield_now;

pub(crate) type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// Spawns a task on the executor under test and returns a future of its end.
pub(crate) type Spawn = Arc<dyn Fn(BoxFuture) -> BoxFuture + Send + Sync>;

/// Sizes of the workload.
#[derive(Clone, Copy)]
pub(crate) struct Size {
    pub(crate) tasks: usize,
    pub(crate) iterations: usize,
}

async fn join_all(spawn: &Spawn, tasks: Vec<BoxFuture>) {
    let handles: Vec<_> = tasks.into_iter().map(|t| spawn(t)).collect();
    for h in handles {
        h.await;
    }
}

/// Runs every primitive's part of the workload.
pub(crate) async fn all(spawn: Spawn, size: Size) {
    lock(&spawn, size).await;
    mutex(&spawn, size).await;
    semaphore(&spawn, size).await;
    bounded_semaphore(&spawn, size).await;
    rwlock(&spawn, size).await;
    event(&spawn, size).await;
    condition(&spawn, size).await;
    barrier(&spawn, size).await;
    cancellation(&spawn, size).await;
}

/// Lock: a read-yield-write increment loses updates unless it is exclusive.
pub(crate) async fn lock(spawn: &Spawn, size: Size) {
    let lock = Arc::new(Lock::new());
    let counter = Arc::new(AtomicUsize::new(0));
    let tasks = (0..size.tasks)
        .map(|i| {
            let (lock, counter) = (lock.clone(), counter.clone());
            Box::pin(async move {
                for _ in 0..size.iterations {
                    if i % 2 == 0 {
                        lock.acquire().await;
                    } else {
                        std::mem::forget(lock.lock().await);
                    }
                    let v = counter.load(Ordering::Relaxed);
                    yield_now().await;
                    counter.store(v + 1, Ordering::Relaxed);
                    lock.release().unwrap();
                }
            }) as BoxFuture
        })
        .collect();
    join_all(spawn, tasks).await;
    assert_eq!(
        counter.load(Ordering::Relaxed),
        size.tasks * size.iterations
    );
    assert!(!lock.locked());
}

/// Mutex<T>: same, through the guard.
pub(crate) async fn mutex(spawn: &Spawn, size: Size) {
    let mutex = Arc::new(Mutex::new(0usize));
    let tasks = (0..size.tasks)
        .map(|_| {
            let mutex = mutex.clone();
            Box::pin(async move {
                for _ in 0..size.iterations {
                    let mut g = mutex.lock().await;
                    let v = *g;
                    yield_now().await;
                    *g = v + 1;
                }
            }) as BoxFuture
        })
        .collect();
    join_all(spawn, tasks).await;
    assert_eq!(*mutex.lock().await, size.tasks * size.iterations);
}

/// Semaphore(3): never more than 3 holders; every permit comes back.
pub(crate) async fn semaphore(spawn: &Spawn, size: Size) {
    let sem = Arc::new(Semaphore::new(3));
    let inside = Arc::new(AtomicUsize::new(0));
    let tasks = (0..size.tasks)
        .map(|i| {
            let (sem, inside) = (sem.clone(), inside.clone());
            Box::pin(async move {
                for _ in 0..size.iterations {
                    let permit = if i % 2 == 0 {
                        Some(sem.permit().await)
                    } else {
                        sem.acquire().await;
                        None
                    };
                    assert!(inside.fetch_add(1, Ordering::SeqCst) < 3);
                    yield_now().await;
                    inside.fetch_sub(1, Ordering::SeqCst);
                    match permit {
                        Some(p) => drop(p),
                        None => sem.release(),
                    }
                }
            }) as BoxFuture
        })
        .collect();
    join_all(spawn, tasks).await;
    assert_eq!(sem.available_permits(), 3);
}

/// BoundedSemaphore(2): never more than 2 holders, never over-released.
pub(crate) async fn bounded_semaphore(spawn: &Spawn, size: Size) {
    let sem = Arc::new(BoundedSemaphore::new(2));
    let inside = Arc::new(AtomicUsize::new(0));
    let tasks = (0..size.tasks)
        .map(|_| {
            let (sem, inside) = (sem.clone(), inside.clone());
            Box::pin(async move {
                for _ in 0..size.iterations {
                    sem.acquire().await;
                    assert!(inside.fetch_add(1, Ordering::SeqCst) < 2);
                    yield_now().await;
                    inside.fetch_sub(1, Ordering::SeqCst);
                    sem.release().unwrap();
                }
            }) as BoxFuture
        })
        .collect();
    join_all(spawn, tasks).await;
    assert_eq!(sem.available_permits(), 2);
    assert!(sem.release().is_err());
}

/// RwLock: writers exclusive (checked by a reader-visible invariant).
pub(crate) async fn rwlock(spawn: &Spawn, size: Size) {
    let lock = Arc::new(RwLock::new((0usize, 0usize)));
    let tasks = (0..size.tasks)
        .map(|i| {
            let lock = lock.clone();
            Box::pin(async move {
                for _ in 0..size.iterations {
                    if i % 3 == 0 {
                        let mut g = lock.write().await;
                        g.0 += 1;
                        yield_now().await;
                        g.1 += 1;
                    } else {
                        let g = lock.read().await;
                        assert_eq!(g.0, g.1, "a reader saw a half-done write");
                        yield_now().await;
                    }
                }
            }) as BoxFuture
        })
        .collect();
    join_all(spawn, tasks).await;
    let writers = (0..size.tasks).filter(|i| i % 3 == 0).count();
    assert_eq!(
        *lock.read().await,
        (writers * size.iterations, writers * size.iterations)
    );
}

/// Event: every waiter wakes on one set.
pub(crate) async fn event(spawn: &Spawn, size: Size) {
    let event = Arc::new(Event::new());
    let started = Arc::new(AtomicUsize::new(0));
    let woken = Arc::new(AtomicUsize::new(0));
    let waiters: Vec<BoxFuture> = (0..size.tasks)
        .map(|_| {
            let (event, started, woken) = (event.clone(), started.clone(), woken.clone());
            Box::pin(async move {
                started.fetch_add(1, Ordering::SeqCst);
                event.wait().await;
                woken.fetch_add(1, Ordering::SeqCst);
            }) as BoxFuture
        })
        .collect();
    let handles: Vec<_> = waiters.into_iter().map(|t| spawn(t)).collect();
    while started.load(Ordering::SeqCst) < size.tasks {
        yield_now().await;
    }
    event.set();
    for h in handles {
        h.await;
    }
    assert_eq!(woken.load(Ordering::SeqCst), size.tasks);
}

/// Condition: consumers wait for items a producer adds one at a time.
pub(crate) async fn condition(spawn: &Spawn, size: Size) {
    let cond = Arc::new(Condition::new());
    let items = Arc::new(AtomicUsize::new(0));
    let consumed = Arc::new(AtomicUsize::new(0));
    let total = size.tasks * size.iterations;
    let consumers: Vec<BoxFuture> = (0..size.tasks)
        .map(|i| {
            let (cond, items, consumed) = (cond.clone(), items.clone(), consumed.clone());
            Box::pin(async move {
                for _ in 0..size.iterations {
                    if i % 2 == 0 {
                        let g = cond.lock().await;
                        let _g = g.wait_for(|| items.load(Ordering::SeqCst) > 0).await;
                        items.fetch_sub(1, Ordering::SeqCst);
                    } else {
                        cond.acquire().await;
                        cond.wait_for(|| items.load(Ordering::SeqCst) > 0)
                            .await
                            .unwrap();
                        items.fetch_sub(1, Ordering::SeqCst);
                        cond.release().unwrap();
                    }
                    consumed.fetch_add(1, Ordering::SeqCst);
                }
            }) as BoxFuture
        })
        .collect();
    let producer = {
        let (cond, items) = (cond.clone(), items.clone());
        Box::pin(async move {
            for k in 0..total {
                let g = cond.lock().await;
                items.fetch_add(1, Ordering::SeqCst);
                if k % 2 == 0 {
                    g.notify(1);
                } else {
                    g.condition().notify_all().unwrap();
                }
                drop(g);
                yield_now().await;
            }
        }) as BoxFuture
    };
    let mut all = consumers;
    all.push(producer);
    join_all(spawn, all).await;
    assert_eq!(consumed.load(Ordering::SeqCst), total);
    assert_eq!(items.load(Ordering::SeqCst), 0);
}

/// Barrier: each round releases everyone with distinct indices.
pub(crate) async fn barrier(spawn: &Spawn, size: Size) {
    let parties = size.tasks.min(8);
    let barrier = Arc::new(Barrier::new(parties).unwrap());
    let leaders = Arc::new(AtomicUsize::new(0));
    let tasks = (0..parties)
        .map(|_| {
            let (barrier, leaders) = (barrier.clone(), leaders.clone());
            Box::pin(async move {
                for _ in 0..size.iterations {
                    let index = barrier.wait().await.unwrap();
                    assert!(index < parties);
                    if index == parties - 1 {
                        leaders.fetch_add(1, Ordering::SeqCst);
                    }
                }
            }) as BoxFuture
        })
        .collect();
    join_all(spawn, tasks).await;
    assert_eq!(leaders.load(Ordering::SeqCst), size.iterations);
}

/// Cancellation under contention: half the acquires give up after a few
/// yields. Nothing may be lost: the lock ends free and the semaphore full.
pub(crate) async fn cancellation(spawn: &Spawn, size: Size) {
    let lock = Arc::new(Lock::new());
    let sem = Arc::new(Semaphore::new(2));
    let got = Arc::new(AtomicUsize::new(0));
    let tasks = (0..size.tasks)
        .map(|i| {
            let (lock, sem, got) = (lock.clone(), sem.clone(), got.clone());
            Box::pin(async move {
                for j in 0..size.iterations {
                    let patience = (i + j) % 4;
                    let acquired = futures_lite::future::or(
                        async {
                            let g = lock.lock().await;
                            let p = sem.permit().await;
                            yield_now().await;
                            drop((g, p));
                            true
                        },
                        async {
                            for _ in 0..patience {
                                yield_now().await;
                            }
                            if patience == 0 {
                                std::future::pending::<()>().await;
                            }
                            false
                        },
                    )
                    .await;
                    if acquired {
                        got.fetch_add(1, Ordering::SeqCst);
                    }
                }
            }) as BoxFuture
        })
        .collect();
    join_all(spawn, tasks).await;
    assert!(got.load(Ordering::SeqCst) > 0);
    assert!(!lock.locked(), "a cancelled acquire lost the lock");
    assert_eq!(
        sem.available_permits(),
        2,
        "a cancelled acquire lost a permit"
    );
}

/// Runs `f` on a fresh thread and fails (instead of hanging) if it takes
/// longer than `limit`: a lost wakeup shows up as a timeout.
pub(crate) fn with_watchdog(limit: Duration, f: impl FnOnce() + Send + 'static) {
    let (tx, rx) = mpsc::channel();
    let handle = std::thread::spawn(move || {
        f();
        let _ = tx.send(());
    });
    match rx.recv_timeout(limit) {
        Ok(()) => handle.join().unwrap(),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            // The workload panicked: surface its message.
            if let Err(panic) = handle.join() {
                std::panic::resume_unwind(panic);
            }
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("workload did not finish within {limit:?}: a wakeup was lost");
        }
    }
}
