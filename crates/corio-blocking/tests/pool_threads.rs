//! The thread pool: growth on demand up to its limit, idle threads leaving, panics that
//! stay inside their job, the initializer, and shutdown.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, mpsc};
use std::time::{Duration, Instant};

use corio_blocking::{FutureError, SubmitError, ThreadPool, ThreadPoolExecutor};
use futures_lite::future::block_on;

/// Far longer than any step needs, so a loaded machine does not fail the test; a hang
/// still ends as a failure.
const PATIENCE: Duration = Duration::from_secs(30);

fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < PATIENCE, "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn grows_on_demand_up_to_its_limit() {
    let pool = ThreadPool::builder().max_threads(4).build();
    assert_eq!(pool.thread_count(), 0, "no thread before the first job");
    // Four jobs that can only finish together: they must run on four threads at once.
    let barrier = Arc::new(Barrier::new(5));
    let jobs: Vec<_> = (0..4)
        .map(|_| {
            let b = barrier.clone();
            pool.spawn(move || {
                b.wait();
            })
        })
        .collect();
    barrier.wait();
    for job in jobs {
        block_on(job).unwrap();
    }
    assert_eq!(pool.thread_count(), 4);

    // Twelve more, each holding its thread for a while: never more than four at once.
    let running = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let jobs: Vec<_> = (0..12)
        .map(|_| {
            let (running, peak) = (running.clone(), peak.clone());
            pool.spawn(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(5));
                running.fetch_sub(1, Ordering::SeqCst);
            })
        })
        .collect();
    for job in jobs {
        block_on(job).unwrap();
    }
    assert!(peak.load(Ordering::SeqCst) <= 4);
    assert!(pool.thread_count() <= 4);
}

#[test]
fn reuses_an_idle_thread_rather_than_starting_one() {
    let pool = ThreadPool::builder().max_threads(8).build();
    for _ in 0..50 {
        block_on(pool.spawn(|| ())).unwrap();
        // The thread that ran the job parks; the next job wakes it.
        eventually("the thread parks", || pool.idle_count() == 1);
    }
    assert_eq!(pool.thread_count(), 1);
}

#[test]
fn idle_threads_exit_after_keep_alive() {
    let pool = ThreadPool::builder()
        .max_threads(3)
        .keep_alive(Some(Duration::from_millis(50)))
        .build();
    let barrier = Arc::new(Barrier::new(4));
    let jobs: Vec<_> = (0..3)
        .map(|_| {
            let b = barrier.clone();
            pool.spawn(move || {
                b.wait();
            })
        })
        .collect();
    barrier.wait();
    for job in jobs {
        block_on(job).unwrap();
    }
    assert_eq!(pool.thread_count(), 3);
    eventually("idle threads exit", || pool.thread_count() == 0);
    assert_eq!(pool.idle_count(), 0);
    // And the pool starts threads again afterwards.
    assert_eq!(block_on(pool.spawn(|| 5)).unwrap(), 5);
}

#[test]
fn a_panic_is_a_typed_error_and_the_thread_survives() {
    let pool = ThreadPool::builder().max_threads(1).build();
    let first = block_on(pool.spawn(|| std::thread::current().id())).unwrap();
    let err = block_on(pool.spawn(|| -> u8 { panic!("job failed") })).unwrap_err();
    match err {
        FutureError::Panicked(p) => assert_eq!(p.message(), "job failed"),
        other => panic!("expected a panic, got {other:?}"),
    }
    let formatted = block_on(pool.spawn(|| -> u8 { panic!("code {}", 7) })).unwrap_err();
    assert_eq!(formatted.to_string(), "job panicked: code 7");
    // Same single thread, still alive.
    let after = block_on(pool.spawn(|| std::thread::current().id())).unwrap();
    assert_eq!(first, after);
    assert_eq!(pool.thread_count(), 1);
}

#[test]
fn executor_panics_stay_in_their_future() {
    let pool = ThreadPoolExecutor::with_max_workers(2);
    let futures: Vec<_> = (0..20)
        .map(|i| {
            pool.submit(move || {
                assert!(i % 3 != 0, "multiple of three: {i}");
                i
            })
            .unwrap()
        })
        .collect();
    for (i, fut) in futures.iter().enumerate() {
        match fut.result(None) {
            Ok(v) => assert_eq!(v, i),
            Err(e) => {
                assert_eq!(i % 3, 0);
                assert!(e.is_panic(), "{e:?}");
                assert!(e.to_string().contains(&format!("multiple of three: {i}")));
            }
        }
    }
}

#[test]
fn threads_are_named_and_initialized() {
    let (tx, rx) = mpsc::channel::<String>();
    let tx = std::sync::Mutex::new(tx);
    let pool = ThreadPoolExecutor::builder()
        .max_threads(2)
        .name_prefix("worker")
        .initializer(move || {
            let name = std::thread::current().name().unwrap().to_owned();
            tx.lock().unwrap().send(name).unwrap();
        })
        .build_executor();
    let name = pool
        .submit(|| std::thread::current().name().unwrap().to_owned())
        .unwrap()
        .result(None)
        .unwrap();
    assert!(name.starts_with("worker-"), "{name}");
    // The initializer ran on that same thread before the job.
    assert_eq!(rx.recv_timeout(PATIENCE).unwrap(), name);
}

#[test]
fn a_panicking_initializer_breaks_the_pool() {
    let pool = ThreadPoolExecutor::builder()
        .max_threads(1)
        .initializer(|| panic!("no database"))
        .build_executor();
    let fut = pool.submit(|| 1).unwrap();
    match fut.result(PATIENCE) {
        Err(FutureError::BrokenPool(why)) => assert!(why.contains("no database"), "{why}"),
        other => panic!("expected a broken pool, got {other:?}"),
    }
    match pool.submit(|| 2) {
        Err(SubmitError::Broken(why)) => assert!(why.contains("no database")),
        other => panic!("expected Broken, got {other:?}"),
    }
}

#[test]
fn shutdown_wait_lets_queued_jobs_finish() {
    let pool = ThreadPoolExecutor::with_max_workers(1);
    let futures: Vec<_> = (0..5)
        .map(|i| {
            pool.submit(move || {
                std::thread::sleep(Duration::from_millis(5));
                i
            })
            .unwrap()
        })
        .collect();
    pool.shutdown(true, false);
    // Every job ran: shutdown(wait) returned after the last one.
    for (i, fut) in futures.iter().enumerate() {
        assert!(fut.done());
        assert_eq!(fut.result(Duration::ZERO).unwrap(), i);
    }
    assert_eq!(pool.pool().thread_count(), 0);
    assert!(matches!(pool.submit(|| 0), Err(SubmitError::Shutdown)));
}

#[test]
fn shutdown_cancel_futures_cancels_the_queued_ones() {
    let pool = ThreadPoolExecutor::with_max_workers(1);
    let (started_tx, started_rx) = mpsc::channel();
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let running = pool
        .submit(move || {
            started_tx.send(()).unwrap();
            go_rx.recv().unwrap();
            "ran"
        })
        .unwrap();
    started_rx.recv_timeout(PATIENCE).unwrap();
    let queued: Vec<_> = (0..3).map(|_| pool.submit(|| "ran").unwrap()).collect();
    pool.shutdown(false, true);
    for fut in &queued {
        assert!(fut.cancelled());
        assert!(matches!(fut.result(None), Err(FutureError::Cancelled)));
    }
    // The running one cannot be cancelled and still finishes.
    assert!(!running.cancel());
    go_tx.send(()).unwrap();
    assert_eq!(running.result(PATIENCE).unwrap(), "ran");
    pool.shutdown(true, false);
    assert_eq!(pool.pool().thread_count(), 0);
}

#[test]
fn shutdown_from_a_job_does_not_wait_for_itself() {
    let pool = Arc::new(ThreadPoolExecutor::with_max_workers(2));
    let p = pool.clone();
    let fut = pool
        .submit(move || {
            p.shutdown(true, false);
            "returned"
        })
        .unwrap();
    assert_eq!(fut.result(PATIENCE).unwrap(), "returned");
}

#[test]
fn a_refused_spawn_ends_cancelled() {
    let pool = ThreadPool::new();
    pool.shutdown(true, false);
    assert!(block_on(pool.spawn(|| 1)).unwrap_err().is_cancelled());
}

#[test]
fn dropping_an_unstarted_job_cancels_it() {
    let pool = ThreadPool::builder().max_threads(1).build();
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let blocker = pool.spawn(move || go_rx.recv().unwrap());
    let ran = Arc::new(AtomicUsize::new(0));
    let r = ran.clone();
    let dropped = pool.spawn(move || {
        r.fetch_add(1, Ordering::SeqCst);
    });
    drop(dropped);
    go_tx.send(()).unwrap();
    block_on(blocker).unwrap();
    block_on(pool.spawn(|| ())).unwrap();
    assert_eq!(ran.load(Ordering::SeqCst), 0, "a dropped job never runs");
}

#[test]
fn map_keeps_input_order() {
    let pool = ThreadPoolExecutor::with_max_workers(4);
    // Later items finish first.
    let out: Vec<u64> = pool
        .map(
            |n: u64| {
                std::thread::sleep(Duration::from_millis(20 - n));
                n
            },
            0..20,
            None,
        )
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(out, (0..20).collect::<Vec<_>>());
}

#[test]
fn map_reports_each_failure_in_place() {
    let pool = ThreadPoolExecutor::with_max_workers(2);
    let out: Vec<Result<i32, FutureError>> = pool
        .map(
            |n: i32| {
                assert_ne!(n, 2, "two");
                n
            },
            1..=3,
            None,
        )
        .unwrap()
        .collect();
    assert_eq!(out[0].as_ref().unwrap(), &1);
    assert!(out[1].as_ref().unwrap_err().is_panic());
    assert_eq!(out[2].as_ref().unwrap(), &3);
}

#[test]
fn map_timeout_ends_the_iteration() {
    let pool = ThreadPoolExecutor::with_max_workers(1);
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let go_rx = std::sync::Mutex::new(go_rx);
    let mut results = pool
        .map(
            move |n: u32| {
                if n == 0 {
                    go_rx.lock().unwrap().recv().unwrap();
                }
                n
            },
            0..3,
            Duration::from_millis(30),
        )
        .unwrap();
    assert!(matches!(results.next(), Some(Err(FutureError::Timeout))));
    assert!(results.next().is_none());
    go_tx.send(()).unwrap();
}

/// Counts the live threads of the pool below: +1 in the initializer, -1 when the thread's
/// locals are destroyed at its exit.
static ALIVE: AtomicUsize = AtomicUsize::new(0);

struct CountsAlive;

impl Drop for CountsAlive {
    fn drop(&mut self) {
        ALIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

thread_local! {
    static ALIVE_GUARD: std::cell::RefCell<Option<CountsAlive>> = const { std::cell::RefCell::new(None) };
}

#[test]
fn dropping_the_last_handle_lets_threads_exit() {
    let pool = ThreadPool::builder()
        .max_threads(2)
        .keep_alive(None) // without the drop, these threads would idle for ever
        .initializer(|| {
            ALIVE.fetch_add(1, Ordering::SeqCst);
            ALIVE_GUARD.with(|g| *g.borrow_mut() = Some(CountsAlive));
        })
        .build();
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let held = pool.spawn(move || go_rx.recv().unwrap());
    let queued = pool.spawn(|| 5);
    eventually("a thread is up", || ALIVE.load(Ordering::SeqCst) >= 1);
    let clone = pool.clone();
    drop(pool);
    assert!(ALIVE.load(Ordering::SeqCst) >= 1, "a clone keeps the pool");
    drop(clone);
    go_tx.send(()).unwrap();
    // The queued job still runs after the last handle went.
    block_on(held).unwrap();
    assert_eq!(block_on(queued).unwrap(), 5);
    eventually("the threads exit", || ALIVE.load(Ordering::SeqCst) == 0);
}
