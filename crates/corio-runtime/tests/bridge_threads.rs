//! Loops and threads: many threads submitting to one loop, loops closed while threads
//! submit, loops stopped from other threads, one loop per thread, and
//! `run_coroutine_threadsafe`'s outcomes (value, cancel, panic, closed loop).

use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, mpsc};
use std::thread;
use std::time::Duration;

use corio_blocking::{ConcurrentFuture, FutureError};
use corio_runtime::{
    CoroutinePanicked, EventLoop, LoopError, LoopHandle, get_running_loop,
    run_coroutine_threadsafe, sleep, yield_now,
};

/// Long enough never to fire on a slow, loaded machine; only a lost wakeup or a hang hits it.
const PATIENCE: Duration = Duration::from_secs(120);

/// A loop running forever on its own thread, handing its handle back; the thread closes
/// the loop once it stops (an `EventLoop` is `!Send`: it stays on its thread).
fn loop_thread() -> (LoopHandle, thread::JoinHandle<()>) {
    let (tx, rx) = mpsc::channel();
    let join = thread::spawn(move || {
        let lp = EventLoop::new().unwrap();
        tx.send(lp.handle()).unwrap();
        lp.run_forever().unwrap();
        lp.close().unwrap();
    });
    (rx.recv().unwrap(), join)
}

#[test]
fn eight_threads_submit_100_000_callbacks_and_coroutines_none_lost_none_twice() {
    const THREADS: usize = 8;
    const EACH: usize = 100_000 / THREADS; // 100,000 callbacks and 100,000 coroutines in all
    let callbacks: Arc<Vec<AtomicU8>> =
        Arc::new((0..THREADS * EACH).map(|_| AtomicU8::new(0)).collect());
    let coroutines: Arc<Vec<AtomicU8>> =
        Arc::new((0..THREADS * EACH).map(|_| AtomicU8::new(0)).collect());
    let (handle, join) = loop_thread();
    let start = Arc::new(Barrier::new(THREADS));
    let submitters: Vec<_> = (0..THREADS)
        .map(|t| {
            let (handle, start) = (handle.clone(), start.clone());
            let (callbacks, coroutines) = (callbacks.clone(), coroutines.clone());
            thread::spawn(move || {
                start.wait(); // all at once
                let mut futures = Vec::with_capacity(EACH);
                for i in 0..EACH {
                    let id = t * EACH + i;
                    let c = callbacks.clone();
                    handle
                        .call_soon_threadsafe(move || {
                            c[id].fetch_add(1, Ordering::Relaxed);
                        })
                        .unwrap();
                    let c = coroutines.clone();
                    let fut = handle
                        .run_coroutine_threadsafe(async move {
                            if id.is_multiple_of(2) {
                                yield_now().await; // some coroutines take two steps
                            }
                            c[id].fetch_add(1, Ordering::Relaxed);
                            id
                        })
                        .unwrap();
                    futures.push((id, fut));
                }
                futures
            })
        })
        .collect();
    let mut futures = Vec::new();
    for s in submitters {
        futures.extend(s.join().unwrap());
    }
    for (id, fut) in &futures {
        assert_eq!(fut.result(PATIENCE).unwrap(), *id);
    }
    // Every callback was queued before this one (FIFO from the joins on): once it has run,
    // so have they.
    let (tx, rx) = mpsc::channel();
    handle
        .call_soon_threadsafe(move || tx.send(()).unwrap())
        .unwrap();
    rx.recv_timeout(PATIENCE).unwrap();
    handle.stop().unwrap();
    join.join().unwrap();
    for (kind, hits) in [("callback", &callbacks), ("coroutine", &coroutines)] {
        let wrong: Vec<_> = hits
            .iter()
            .enumerate()
            .filter(|(_, h)| h.load(Ordering::Relaxed) != 1)
            .take(5)
            .map(|(id, h)| (id, h.load(Ordering::Relaxed)))
            .collect();
        assert!(
            wrong.is_empty(),
            "{kind}s not run exactly once (id, runs): {wrong:?}"
        );
    }
}

/// Counts whether a submitted callback ran or was dropped unrun.
struct Tracked {
    ran: bool,
    counts: Arc<Counts>,
}

#[derive(Default)]
struct Counts {
    ran: AtomicUsize,
    dropped_unrun: AtomicUsize,
}

impl Tracked {
    fn run(mut self) {
        self.ran = true;
        self.counts.ran.fetch_add(1, Ordering::Relaxed);
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        if !self.ran {
            self.counts.dropped_unrun.fetch_add(1, Ordering::Relaxed);
        }
    }
}

#[test]
fn close_racing_submissions_refuses_with_a_typed_error_and_drops_nothing_silently() {
    // A submitter waits while this many of the callbacks accepted by all are neither run nor
    // dropped, so that a loop slower than four submitters (it runs every callback) does not
    // queue without bound; submitters go on until a submission is refused.
    const WINDOW: usize = 2_000;
    for round in 0..10 {
        let (tx, rx) = mpsc::channel();
        let loop_thread = thread::spawn(move || {
            let lp = EventLoop::new().unwrap();
            tx.send(lp.handle()).unwrap();
            lp.run_forever().unwrap();
            lp.close().unwrap(); // while the submitters go on
        });
        let handle: LoopHandle = rx.recv().unwrap();
        let counts = Arc::new(Counts::default());
        let accepted = Arc::new(AtomicUsize::new(0));
        let submitters: Vec<_> = (0..4)
            .map(|_| {
                let (handle, counts, accepted) = (handle.clone(), counts.clone(), accepted.clone());
                thread::spawn(move || {
                    let mut futures: Vec<ConcurrentFuture<u32>> = Vec::new();
                    let mut attempts = 0;
                    loop {
                        let settled = counts.ran.load(Ordering::Relaxed)
                            + counts.dropped_unrun.load(Ordering::Relaxed);
                        if accepted.load(Ordering::Relaxed).saturating_sub(settled) > WINDOW {
                            thread::yield_now();
                            continue;
                        }
                        attempts += 1;
                        let tracked = Tracked {
                            ran: false,
                            counts: counts.clone(),
                        };
                        match handle.call_soon_threadsafe(move || tracked.run()) {
                            Ok(_) => {
                                accepted.fetch_add(1, Ordering::Relaxed);
                            }
                            Err(LoopError::Closed) => break,
                            Err(e) => panic!("unexpected error {e}"),
                        }
                        match handle.run_coroutine_threadsafe(async {
                            yield_now().await;
                            7
                        }) {
                            Ok(fut) => futures.push(fut),
                            Err(LoopError::Closed) => break,
                            Err(e) => panic!("unexpected error {e}"),
                        }
                    }
                    // After a refusal, every later submission is refused too.
                    let late = handle.call_soon_threadsafe(|| {});
                    assert!(matches!(late, Err(LoopError::Closed)));
                    let late = handle.run_coroutine_threadsafe(async {});
                    assert!(matches!(late, Err(LoopError::Closed)));
                    (attempts, futures)
                })
            })
            .collect();
        // Let the submitters get going, then stop the loop from this thread: it closes
        // itself as soon as it stops, with submissions still arriving.
        while accepted.load(Ordering::Relaxed) < 100 * (round % 5 + 1) {
            thread::yield_now();
        }
        handle.stop().unwrap();
        loop_thread.join().unwrap();
        assert!(handle.is_closed());
        let mut attempts = 0;
        for s in submitters {
            let (a, futures) = s.join().unwrap();
            attempts += a;
            for fut in futures {
                // Each one ends: with its value, or with the loop's closing.
                match fut.result(PATIENCE) {
                    Ok(7) => {}
                    Err(FutureError::Failed(e)) => {
                        assert_eq!(e.to_string(), LoopError::Closed.to_string());
                    }
                    other => panic!("a submitted coroutine ended with {other:?}"),
                }
            }
        }
        // Every callback made (accepted or refused) either ran or was dropped, none lost.
        let ran = counts.ran.load(Ordering::Relaxed);
        let dropped = counts.dropped_unrun.load(Ordering::Relaxed);
        assert_eq!(
            ran + dropped,
            attempts,
            "ran {ran} + dropped {dropped} vs made {attempts}"
        );
        assert!(ran <= accepted.load(Ordering::Relaxed));
    }
}

#[test]
fn a_loop_running_forever_in_another_thread_is_stopped_from_this_one() {
    let (tx, rx) = mpsc::channel();
    let (stopped_tx, stopped_rx) = mpsc::channel();
    let join = thread::spawn(move || {
        let lp = EventLoop::new().unwrap();
        tx.send(lp.handle()).unwrap();
        lp.run_forever().unwrap(); // until the stop from the test's thread
        stopped_tx.send(lp.is_running()).unwrap();
        // A stopped loop can run again, then be closed; its pending task is dropped.
        lp.stop();
        lp.run_forever().unwrap();
        lp.close().unwrap();
    });
    let handle: LoopHandle = rx.recv().unwrap();
    let ticks = Arc::new(AtomicUsize::new(0));
    let t = ticks.clone();
    let ticker = handle
        .run_coroutine_threadsafe(async move {
            loop {
                t.fetch_add(1, Ordering::Relaxed);
                sleep(Duration::from_millis(1)).await;
            }
        })
        .unwrap();
    while ticks.load(Ordering::Relaxed) < 3 {
        thread::sleep(Duration::from_millis(1));
    }
    handle.stop().unwrap();
    assert!(!stopped_rx.recv_timeout(PATIENCE).unwrap());
    join.join().unwrap();
    assert!(matches!(
        handle.call_soon_threadsafe(|| {}),
        Err(LoopError::Closed)
    ));
    // The ticker never ended on its own: the close ended it.
    let err = ticker.result(Duration::ZERO).unwrap_err();
    assert_eq!(err.to_string(), "event loop is closed");
}

#[test]
fn one_loop_per_thread_in_many_threads_at_once() {
    const LOOPS: usize = 8;
    let handles: Arc<std::sync::Mutex<Vec<Option<LoopHandle>>>> =
        Arc::new(std::sync::Mutex::new(vec![None; LOOPS]));
    let ready = Arc::new(Barrier::new(LOOPS));
    let finished = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..LOOPS)
        .map(|i| {
            let (handles, ready, finished) = (handles.clone(), ready.clone(), finished.clone());
            thread::spawn(move || {
                let lp = EventLoop::new().unwrap();
                handles.lock().unwrap()[i] = Some(lp.handle());
                ready.wait();
                let next = handles.lock().unwrap()[(i + 1) % LOOPS].clone().unwrap();
                let me = thread::current().id();
                let out = lp
                    .run_until_complete(async move {
                        // Work on this loop...
                        let mut tasks = Vec::new();
                        for k in 0..50u64 {
                            tasks.push(
                                corio_runtime::try_spawn(async move {
                                    sleep(Duration::from_millis(k % 5)).await;
                                    k
                                })
                                .unwrap(),
                            );
                        }
                        let mut sum = 0;
                        for t in tasks {
                            sum += t.await.unwrap();
                        }
                        // ...and a coroutine handed to the next thread's loop, awaited here.
                        let there = next
                            .run_coroutine_threadsafe(async {
                                sleep(Duration::from_millis(5)).await;
                                (thread::current().id(), get_running_loop().is_ok())
                            })
                            .unwrap()
                            .await
                            .unwrap();
                        assert_ne!(there.0, me, "ran on the other loop's thread");
                        assert!(there.1);
                        // Keep serving the neighbour until every loop has had its answer.
                        finished.fetch_add(1, Ordering::SeqCst);
                        while finished.load(Ordering::SeqCst) < LOOPS {
                            sleep(Duration::from_millis(1)).await;
                        }
                        sum
                    })
                    .unwrap();
                lp.close().unwrap();
                out
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), (0..50).sum::<u64>());
    }
}

#[test]
fn run_coroutine_threadsafe_cancel_cancels_the_task() {
    let (handle, join) = loop_thread();
    // Cancelled while the coroutine sleeps: it is dropped at its await point.
    let dropped = Arc::new(AtomicBool::new(false));
    let started = Arc::new(AtomicBool::new(false));
    struct OnDrop(Arc<AtomicBool>);
    impl Drop for OnDrop {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    let (d, s) = (dropped.clone(), started.clone());
    let fut = handle
        .run_coroutine_threadsafe(async move {
            let _guard = OnDrop(d);
            s.store(true, Ordering::SeqCst);
            sleep(Duration::from_secs(3600)).await;
            1
        })
        .unwrap();
    while !started.load(Ordering::SeqCst) {
        thread::sleep(Duration::from_millis(1));
    }
    assert!(fut.cancel());
    assert!(fut.cancelled());
    assert!(matches!(
        fut.result(Duration::ZERO),
        Err(FutureError::Cancelled)
    ));
    // The task sees the cancel at once (it is woken), not after an hour.
    let (tx, rx) = mpsc::channel();
    let probe = dropped.clone();
    let _watcher = handle
        .run_coroutine_threadsafe(async move {
            while !probe.load(Ordering::SeqCst) {
                sleep(Duration::from_millis(1)).await;
            }
            tx.send(()).unwrap();
        })
        .unwrap();
    rx.recv_timeout(PATIENCE).unwrap();
    handle.stop().unwrap();
    join.join().unwrap();
}

#[test]
fn run_coroutine_threadsafe_cancelled_before_it_starts_never_runs() {
    let lp = EventLoop::new().unwrap();
    let handle = lp.handle();
    let ran = Arc::new(AtomicBool::new(false));
    let r = ran.clone();
    let fut = handle
        .run_coroutine_threadsafe(async move { r.store(true, Ordering::SeqCst) })
        .unwrap();
    assert!(fut.cancel());
    lp.run_until_complete(sleep(Duration::from_millis(1)))
        .unwrap();
    assert!(!ran.load(Ordering::SeqCst));
    lp.close().unwrap();
}

#[test]
fn run_coroutine_threadsafe_reports_a_panic_as_a_typed_failure() {
    let (handle, join) = loop_thread();
    let fut = handle
        .run_coroutine_threadsafe(async {
            if true {
                panic!("boom");
            }
            0
        })
        .unwrap();
    match fut.result(PATIENCE) {
        Err(FutureError::Failed(e)) => {
            let e = e
                .downcast_ref::<CoroutinePanicked>()
                .expect("a CoroutinePanicked");
            assert_eq!(e.message(), "boom");
        }
        other => panic!("{other:?}"),
    }
    // The loop goes on.
    let ok = handle.run_coroutine_threadsafe(async { 5 }).unwrap();
    assert_eq!(ok.result(PATIENCE).unwrap(), 5);
    handle.stop().unwrap();
    join.join().unwrap();
}

#[test]
fn a_pending_coroutine_ends_with_loop_closed_when_the_loop_closes() {
    let lp = EventLoop::new().unwrap();
    let handle = lp.handle();
    let started = handle
        .run_coroutine_threadsafe(sleep(Duration::from_secs(3600)))
        .unwrap();
    lp.run_until_complete(sleep(Duration::from_millis(1)))
        .unwrap();
    let queued = handle.run_coroutine_threadsafe(async { 1 }).unwrap();
    lp.close().unwrap();
    for fut in [
        started.result(Duration::ZERO).map(drop),
        queued.result(Duration::ZERO).map(drop),
    ] {
        match fut {
            Err(FutureError::Failed(e)) => assert_eq!(e.to_string(), "event loop is closed"),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn a_closed_loop_refuses_work_from_any_thread() {
    let lp = EventLoop::new().unwrap();
    let handle = lp.handle();
    lp.close().unwrap();
    assert!(matches!(
        lp.run_in_executor(None, || 1),
        Err(LoopError::Closed)
    ));
    assert!(matches!(
        run_coroutine_threadsafe(async {}, &handle),
        Err(LoopError::Closed)
    ));
    thread::spawn(move || {
        assert!(matches!(
            handle.call_soon_threadsafe(|| {}),
            Err(LoopError::Closed)
        ));
        assert!(matches!(
            handle.run_coroutine_threadsafe(async {}),
            Err(LoopError::Closed)
        ));
        assert!(matches!(handle.stop(), Err(LoopError::Closed)));
    })
    .join()
    .unwrap();
}
