//! The loop's executors: `run_in_executor` with the default executor and with others,
//! `to_thread`, `set_default_executor`, `shutdown_default_executor`, and what `run` and
//! `close` do with the default executor.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Duration;

use corio_blocking::{FutureError, SubmitError, ThreadPoolExecutor};
use corio_runtime::{
    EventLoop, ExecutorFuture, LoopError, get_running_loop, run, sleep, to_thread, wrap_future,
};

const PATIENCE: Duration = Duration::from_secs(120);

fn send<T: Send>() {}

#[test]
fn executor_futures_are_send() {
    send::<ExecutorFuture<Vec<u8>>>();
}

#[test]
fn the_default_executor_runs_jobs_on_other_threads_while_the_loop_goes_on() {
    let out = run(async {
        let lp = get_running_loop().unwrap();
        let loop_thread = thread::current().id();
        let (release, wait) = mpsc::channel::<()>();
        let job = lp
            .run_in_executor(None, move || {
                wait.recv().unwrap();
                thread::current().id()
            })
            .unwrap();
        // The loop is free while the job blocks: a timer runs, then releases it.
        sleep(Duration::from_millis(5)).await;
        release.send(()).unwrap();
        let job_thread = job.await.unwrap();
        assert_ne!(job_thread, loop_thread);
        "ok"
    })
    .unwrap();
    assert_eq!(out, "ok");
}

#[test]
fn the_default_executor_is_made_once_and_sized_as_asyncio_does() {
    run(async {
        let lp = get_running_loop().unwrap();
        // More jobs than threads, each blocking until all started jobs are counted: at most
        // min(32, cpus + 4) run at once.
        let limit = corio_blocking::default_thread_count();
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let mut jobs = Vec::new();
        for _ in 0..limit * 2 {
            let (running, peak) = (running.clone(), peak.clone());
            jobs.push(
                lp.run_in_executor(None, move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    thread::sleep(Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                    thread::current().name().map(str::to_owned)
                })
                .unwrap(),
            );
        }
        for job in jobs {
            let name = job.await.unwrap().unwrap();
            assert!(name.starts_with("corio-default-executor"), "{name}");
        }
        assert!(peak.load(Ordering::SeqCst) <= limit);
    })
    .unwrap();
}

#[test]
fn run_in_executor_with_a_pool_of_ones_own_and_through_an_arc() {
    let pool = Arc::new(
        ThreadPoolExecutor::builder()
            .name_prefix("own")
            .build_executor(),
    );
    let p = pool.clone();
    run(async move {
        let lp = get_running_loop().unwrap();
        let a = lp.run_in_executor(&*p, || thread::current().name().map(str::to_owned));
        let b = lp.run_in_executor(&p, || 2).unwrap();
        let c = lp.run_in_executor(Some(&*p), || 3).unwrap();
        assert!(a.unwrap().await.unwrap().unwrap().starts_with("own"));
        assert_eq!(b.await.unwrap() + c.await.unwrap(), 5);
    })
    .unwrap();
    // `run` shut down the loop's default executor only, not this one.
    assert_eq!(pool.submit(|| 1).unwrap().result(PATIENCE).unwrap(), 1);
}

#[test]
fn a_panicking_job_is_a_typed_error_and_the_pool_goes_on() {
    run(async {
        let failed = to_thread(|| -> u8 { panic!("job failed") }).unwrap().await;
        match failed {
            Err(FutureError::Panicked(p)) => assert_eq!(p.message(), "job failed"),
            other => panic!("{other:?}"),
        }
        assert_eq!(to_thread(|| 1).unwrap().await.unwrap(), 1);
    })
    .unwrap();
}

#[test]
fn values_need_not_be_clone() {
    struct NotClone(u32);
    let out = run(async { to_thread(|| NotClone(9)).unwrap().await.unwrap() }).unwrap();
    assert_eq!(out.0, 9);
}

#[test]
fn to_thread_needs_a_running_loop() {
    assert!(matches!(to_thread(|| 1), Err(LoopError::NoRunningLoop)));
}

#[test]
fn a_refused_job_is_a_typed_error() {
    let pool = ThreadPoolExecutor::new();
    pool.shutdown(true, false);
    run(async move {
        let lp = get_running_loop().unwrap();
        let refused = lp.run_in_executor(&pool, || 1);
        assert!(matches!(
            refused,
            Err(LoopError::Executor(SubmitError::Shutdown))
        ));
    })
    .unwrap();
}

#[test]
fn set_default_executor_replaces_the_default_one() {
    let lp = EventLoop::new().unwrap();
    lp.set_default_executor(
        ThreadPoolExecutor::builder()
            .name_prefix("first")
            .build_executor(),
    );
    lp.set_default_executor(
        ThreadPoolExecutor::builder()
            .name_prefix("second")
            .build_executor(),
    );
    let name = lp
        .run_until_complete(async {
            to_thread(|| thread::current().name().map(str::to_owned))
                .unwrap()
                .await
        })
        .unwrap();
    assert!(name.unwrap().unwrap().starts_with("second"));
    lp.close().unwrap();
}

#[test]
fn shutdown_default_executor_waits_for_the_jobs_without_blocking_the_loop() {
    let lp = EventLoop::new().unwrap();
    let job_done = Arc::new(AtomicBool::new(false));
    let ticks_during_shutdown = lp
        .run_until_complete({
            let job_done = job_done.clone();
            async move {
                let lp = get_running_loop().unwrap();
                let (started_tx, started) = mpsc::channel();
                let (release, wait) = mpsc::channel::<()>();
                let _job = lp.run_in_executor(None, move || {
                    started_tx.send(()).unwrap();
                    wait.recv().unwrap();
                    job_done.store(true, Ordering::SeqCst);
                });
                started.recv_timeout(PATIENCE).unwrap();
                // A ticker on the loop, and a thread that releases the job after a while.
                let ticks = Arc::new(AtomicUsize::new(0));
                let t = ticks.clone();
                let ticker = corio_runtime::try_spawn(async move {
                    loop {
                        t.fetch_add(1, Ordering::SeqCst);
                        sleep(Duration::from_millis(1)).await;
                    }
                })
                .unwrap();
                let releaser = {
                    let ticks = ticks.clone();
                    thread::spawn(move || {
                        while ticks.load(Ordering::SeqCst) < 5 {
                            thread::sleep(Duration::from_millis(1));
                        }
                        release.send(()).unwrap();
                    })
                };
                lp.shutdown_default_executor(None).await.unwrap();
                releaser.join().unwrap();
                ticker.cancel();
                // After the shutdown, the default executor refuses new jobs.
                let refused = lp.run_in_executor(None, || 1);
                assert!(matches!(
                    refused,
                    Err(LoopError::Executor(SubmitError::Shutdown))
                ));
                ticks.load(Ordering::SeqCst)
            }
        })
        .unwrap();
    // The loop ran its ticker while the shutdown waited for the job.
    assert!(ticks_during_shutdown >= 5);
    assert!(job_done.load(Ordering::SeqCst));
    lp.close().unwrap();
}

#[test]
fn shutdown_default_executor_gives_up_after_its_timeout() {
    let lp = EventLoop::new().unwrap();
    let (release, wait) = mpsc::channel::<()>();
    let waited = lp
        .run_until_complete(async move {
            let lp = get_running_loop().unwrap();
            let _job = lp.run_in_executor(None, move || wait.recv().ok()).unwrap();
            lp.shutdown_default_executor(Some(Duration::from_millis(20)))
                .await
        })
        .unwrap();
    assert!(waited.is_err());
    release.send(()).unwrap();
    lp.close().unwrap();
}

#[test]
fn run_lets_the_default_executors_jobs_finish() {
    let done = Arc::new(AtomicBool::new(false));
    let d = done.clone();
    run(async move {
        // Started and never awaited: `run` still waits for it, as asyncio.run does.
        let _job = to_thread(move || {
            thread::sleep(Duration::from_millis(30));
            d.store(true, Ordering::SeqCst);
        });
    })
    .unwrap();
    assert!(done.load(Ordering::SeqCst));
}

#[test]
fn close_does_not_wait_for_the_default_executor() {
    let lp = EventLoop::new().unwrap();
    let (release, wait) = mpsc::channel::<()>();
    let (finished_tx, finished) = mpsc::channel();
    lp.run_until_complete(async move {
        let lp = get_running_loop().unwrap();
        let _job = lp.run_in_executor(None, move || {
            wait.recv().unwrap();
            finished_tx.send(()).unwrap();
        });
    })
    .unwrap();
    lp.close().unwrap(); // returns with the job still blocked
    assert!(finished.try_recv().is_err());
    release.send(()).unwrap();
    finished.recv_timeout(PATIENCE).unwrap(); // and the job still finishes
}

#[test]
fn wrap_future_and_cancel() {
    let pool = ThreadPoolExecutor::with_max_workers(1);
    run(async move {
        let (release, wait) = mpsc::channel::<()>();
        let busy = wrap_future(pool.submit(move || wait.recv().is_ok()).unwrap());
        let queued = wrap_future(pool.submit(|| 5).unwrap());
        assert!(!queued.done());
        assert!(queued.cancel());
        release.send(()).unwrap();
        assert!(busy.await.unwrap());
        assert!(queued.await.unwrap_err().is_cancelled());
    })
    .unwrap();
}
