//! A bounded-time stress run (issue 6): random close / remote-wake / cancel / select storms
//! over tasks, futures, locks, conditions, semaphores, events and queues, on several loop
//! threads that share the primitives, with invariants checked at the end:
//!
//! - every task is done once its loop is closed;
//! - mutual exclusion held (a lock or condition guard, one holder at a time; a semaphore,
//!   never more holders than permits);
//! - no item or permit is lost (every item put was got or is still queued; every permit is
//!   back; the lock is free; nobody waits on the condition);
//! - no loop reported a failure of its own (a panicking step or callback);
//! - the process's file descriptors are back to where they started.
//!
//! It is `#[ignore]`d in the normal test run: `cargo xtask ci --only stress` runs it in
//! release mode for 40 s (`CORIO_STRESS_SECS` sets the length, 1 s by default;
//! `CORIO_STRESS_SEED` replays a run, whose seed is printed; `CORIO_STRESS_THREADS` sets how
//! many loop threads share the primitives, 3 by default). By hand:
//! `CORIO_STRESS_SECS=10 cargo test --release -p corio --test stress -- --ignored --nocapture`.
#![cfg(all(feature = "runtime", feature = "sync", feature = "channel"))]

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use corio::channel::Queue;
use corio::sync::{Condition, Event, Lock, Semaphore};
use corio::{EventLoop, Report, ReportKind, SettableFuture, Task, sleep, timeout};
use futures_lite::future;

/// Loop threads running at once (they share [`Shared`]) unless `CORIO_STRESS_THREADS` says.
const LOOP_THREADS: u64 = 3;
/// Semaphore permits.
const PERMITS: usize = 3;

/// xorshift64*: small, deterministic, no dependency.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A short random duration, 0 to `max_us` microseconds.
    fn micros(&mut self, max_us: u64) -> Duration {
        Duration::from_micros(self.below(max_us + 1))
    }
}

/// What every loop thread shares, and the counters the invariants are checked with.
struct Shared {
    lock: Lock,
    cond: Condition,
    sem: Semaphore,
    queue: Queue<u64>,
    event: Event,
    /// Holders of `lock` right now.
    inside_lock: AtomicUsize,
    /// Holders of `cond`'s lock right now.
    inside_cond: AtomicUsize,
    /// Holders of a `sem` permit right now.
    inside_sem: AtomicUsize,
    /// Items `cond` guards (produced under its lock, consumed under it).
    cond_items: AtomicUsize,
    put: AtomicU64,
    got: AtomicU64,
    next_item: AtomicU64,
    violations: AtomicUsize,
    reports: AtomicUsize,
    tasks: AtomicU64,
    rounds: AtomicU64,
}

impl Shared {
    fn new() -> Shared {
        Shared {
            lock: Lock::new(),
            cond: Condition::new(),
            sem: Semaphore::new(PERMITS),
            queue: Queue::new(8),
            event: Event::new(),
            inside_lock: AtomicUsize::new(0),
            inside_cond: AtomicUsize::new(0),
            inside_sem: AtomicUsize::new(0),
            cond_items: AtomicUsize::new(0),
            put: AtomicU64::new(0),
            got: AtomicU64::new(0),
            next_item: AtomicU64::new(0),
            violations: AtomicUsize::new(0),
            reports: AtomicUsize::new(0),
            tasks: AtomicU64::new(0),
            rounds: AtomicU64::new(0),
        }
    }

    fn violation(&self, what: &str) {
        eprintln!("invariant broken: {what}");
        self.violations.fetch_add(1, Ordering::SeqCst);
    }

    /// Enters a critical section counted by `inside`: exactly one holder.
    fn enter(&self, inside: &AtomicUsize, what: &str) {
        if inside.fetch_add(1, Ordering::SeqCst) != 0 {
            self.violation(what);
        }
    }

    fn enter_lock(&self) {
        self.enter(&self.inside_lock, "two holders of the lock");
    }
}

/// Leaves the critical section when dropped, so a cancelled holder leaves it too.
struct Inside<'a>(&'a AtomicUsize);

impl Drop for Inside<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The asyncio form of the lock, released when dropped (a cancelled holder releases).
struct Acquired<'a>(&'a Lock);

impl Drop for Acquired<'_> {
    fn drop(&mut self) {
        if self.0.release().is_err() {
            eprintln!("release of a held lock failed");
            std::process::abort();
        }
    }
}

/// The asyncio form of the condition's lock, released when dropped.
struct CondAcquired<'a>(&'a Condition);

impl Drop for CondAcquired<'_> {
    fn drop(&mut self) {
        if self.0.release().is_err() {
            eprintln!("release of a held condition lock failed");
            std::process::abort();
        }
    }
}

/// One random task body.
async fn worker(shared: Arc<Shared>, mut rng: Rng, fut: SettableFuture<u64>) {
    let s = &*shared;
    for _ in 0..rng.below(20) + 1 {
        let pause = rng.micros(300);
        match rng.below(10) {
            // The lock, guard form, sometimes under a timeout (a select).
            0 => {
                let take = async {
                    let _g = s.lock.lock().await;
                    s.enter_lock();
                    let _inside = Inside(&s.inside_lock);
                    sleep(pause).await;
                };
                let _ = timeout(rng.micros(2000), take).await;
            }
            // The lock, asyncio form.
            1 => {
                s.lock.acquire().await;
                let _held = Acquired(&s.lock);
                s.enter_lock();
                let _inside = Inside(&s.inside_lock);
                corio::yield_now().await;
            }
            // The condition: a consumer (guard form), raced against a sleep.
            2 => {
                let consume = async {
                    let g = s.cond.lock().await;
                    let _g = g.wait_for(|| s.cond_items.load(Ordering::SeqCst) > 0).await;
                    s.enter(&s.inside_cond, "two holders of the condition's lock");
                    let _inside = Inside(&s.inside_cond);
                    s.cond_items.fetch_sub(1, Ordering::SeqCst);
                };
                future::or(consume, sleep(rng.micros(3000))).await;
            }
            // The condition: a producer (asyncio form) that notifies.
            3 => {
                s.cond.acquire().await;
                let _held = CondAcquired(&s.cond);
                s.enter(&s.inside_cond, "two holders of the condition's lock");
                let _inside = Inside(&s.inside_cond);
                s.cond_items.fetch_add(1, Ordering::SeqCst);
                let _ = s.cond.notify(1 + rng.below(2) as usize);
            }
            // The semaphore: never more holders than permits.
            4 => {
                if let Ok(_permit) = timeout(rng.micros(2000), s.sem.permit()).await {
                    if s.inside_sem.fetch_add(1, Ordering::SeqCst) >= PERMITS {
                        s.violation("more semaphore holders than permits");
                    }
                    let _inside = Inside(&s.inside_sem);
                    sleep(pause).await;
                }
            }
            // The queue: put, maybe cancelled (then the item was never put).
            5 => {
                let item = s.next_item.fetch_add(1, Ordering::SeqCst);
                if let Ok(Ok(())) = timeout(rng.micros(1000), s.queue.put(item)).await {
                    s.put.fetch_add(1, Ordering::SeqCst);
                }
            }
            // The queue: get, raced against a sleep (a cancelled get loses no item).
            6 => {
                let got = future::or(async { s.queue.get().await.ok() }, async {
                    sleep(rng.micros(1000)).await;
                    None
                })
                .await;
                if got.is_some() {
                    s.got.fetch_add(1, Ordering::SeqCst);
                }
            }
            // An event set from other threads.
            7 => {
                let _ = timeout(rng.micros(2000), s.event.wait()).await;
                if rng.below(4) == 0 {
                    s.event.clear();
                }
            }
            // A settable future, set by a callback or another task, awaited under a select.
            8 => {
                let _ = fut.set_result(rng.next());
                let _ = timeout(rng.micros(500), fut.clone()).await;
            }
            _ => sleep(pause).await,
        }
    }
}

fn main_loop_round(shared: &Arc<Shared>, rng: &mut Rng) {
    let lp = EventLoop::builder()
        .debug(false)
        .build()
        .expect("a new loop");
    let counted = shared.clone();
    lp.set_exception_handler(Some(move |_: &EventLoop, report: &Report| {
        if !matches!(report.kind, ReportKind::PendingTaskDestroyed) {
            eprintln!("loop report: {}", report.message);
            counted.reports.fetch_add(1, Ordering::SeqCst);
        }
    }));
    let tasks: Rc<RefCell<Vec<Task<()>>>> = Rc::default();
    let futs: Vec<SettableFuture<u64>> = (0..4).map(|_| lp.create_future()).collect();
    let n = 8 + rng.below(40);
    for i in 0..n {
        let t = lp
            .create_task(worker(
                shared.clone(),
                Rng(rng.next() | 1),
                futs[i as usize % futs.len()].clone(),
            ))
            .expect("an open loop");
        tasks.borrow_mut().push(t);
    }
    shared.tasks.fetch_add(n, Ordering::Relaxed);
    // Cancel storms: callbacks that cancel random tasks at random times.
    for _ in 0..rng.below(n) {
        let tasks = tasks.clone();
        let pick = rng.below(n) as usize;
        lp.call_later(rng.micros(5000), move || {
            tasks.borrow()[pick].cancel();
        })
        .expect("an open loop");
    }
    // Remote wakes: another thread sets the event and schedules callbacks until the loop
    // closes.
    let handle = lp.handle();
    let remote_shared = shared.clone();
    let remote_stop = Arc::new(AtomicBool::new(false));
    let stop = remote_stop.clone();
    let mut remote_rng = Rng(rng.next() | 1);
    let remote = std::thread::spawn(move || {
        while !stop.load(Ordering::SeqCst) {
            remote_shared.event.set();
            let s = remote_shared.clone();
            if handle.call_soon_threadsafe(move || s.event.set()).is_err() {
                break; // closed
            }
            std::thread::sleep(remote_rng.micros(500));
        }
    });
    // Run for a random while (sometimes not at all), then close with everything in flight.
    let run_for = rng.micros(20_000);
    if rng.below(8) != 0 {
        lp.run_until_complete(sleep(run_for)).expect("the run");
    }
    lp.close().expect("close");
    remote_stop.store(true, Ordering::SeqCst);
    remote.join().expect("the remote thread");
    for t in tasks.borrow().iter() {
        if !t.done() {
            shared.violation("a task still pending after close");
        }
    }
    shared.rounds.fetch_add(1, Ordering::Relaxed);
}

fn open_fds() -> Option<usize> {
    std::fs::read_dir("/proc/self/fd").ok().map(Iterator::count)
}

#[test]
#[ignore = "a bounded-time stress run: `cargo xtask ci --only stress`"]
fn storms_keep_every_invariant() {
    let secs: f64 = std::env::var("CORIO_STRESS_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let seed: u64 = std::env::var("CORIO_STRESS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
                | 1
        });
    // One loop first, so that process-wide state made on first use is counted.
    drop(EventLoop::new().unwrap());
    let fds_before = open_fds();
    let shared = Arc::new(Shared::new());
    let until = Instant::now() + Duration::from_secs_f64(secs);
    let loop_threads: u64 = std::env::var("CORIO_STRESS_THREADS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(LOOP_THREADS);
    println!("stress: {secs} s, {loop_threads} loop threads, CORIO_STRESS_SEED={seed}");
    let threads: Vec<_> = (0..loop_threads)
        .map(|k| {
            let shared = shared.clone();
            std::thread::spawn(move || {
                let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15).wrapping_add(k) | 1);
                while Instant::now() < until {
                    main_loop_round(&shared, &mut rng);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("a loop thread panicked");
    }
    let s = &*shared;
    println!(
        "stress: {} rounds, {} tasks, {} items put, {} got",
        s.rounds.load(Ordering::SeqCst),
        s.tasks.load(Ordering::SeqCst),
        s.put.load(Ordering::SeqCst),
        s.got.load(Ordering::SeqCst),
    );
    // Every invariant is checked, and every broken one named, before the test fails.
    let mut broken: Vec<String> = Vec::new();
    let mut check = |ok: bool, what: String| {
        if !ok {
            broken.push(what);
        }
    };
    let violations = s.violations.load(Ordering::SeqCst);
    check(
        violations == 0,
        format!("{violations} invariant violations (see above)"),
    );
    let reports = s.reports.load(Ordering::SeqCst);
    check(reports == 0, format!("{reports} loop reports of failures"));
    check(
        s.inside_lock.load(Ordering::SeqCst) == 0,
        "a lock holder left inside".into(),
    );
    check(
        s.inside_cond.load(Ordering::SeqCst) == 0,
        "a condition holder left inside".into(),
    );
    check(
        s.inside_sem.load(Ordering::SeqCst) == 0,
        "a permit holder left inside".into(),
    );
    check(!s.lock.locked(), "the lock was left held".into());
    check(
        !s.cond.locked(),
        "the condition's lock was left held".into(),
    );
    check(
        s.cond.waiters() == 0,
        "a waiter was left on the condition".into(),
    );
    let permits = s.sem.available_permits();
    check(
        permits == PERMITS,
        format!("{permits} of {PERMITS} permits are back"),
    );
    let (put, got, queued) = (
        s.put.load(Ordering::SeqCst),
        s.got.load(Ordering::SeqCst),
        s.queue.qsize() as u64,
    );
    check(
        put == got + queued,
        format!("{put} items put, {got} got and {queued} queued: an item was lost or made up"),
    );
    if let Some(before) = fds_before {
        let after = open_fds();
        check(
            after == Some(before),
            format!("{before} fds before, {after:?} after"),
        );
    }
    assert!(broken.is_empty(), "broken invariants: {broken:#?}");
}
