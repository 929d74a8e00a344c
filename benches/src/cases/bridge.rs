//! The thread bridge: a coroutine handed from another thread to a running loop, and its
//! result waited for on that thread (asyncio's `run_coroutine_threadsafe(...).result()`).

use std::sync::mpsc;
use std::thread;
use std::time::Instant;

use crate::measure::{Case, Contender, Metric, Repeat, Sample, Unit};

/// Round trips per run, one after the other.
const TRIPS: u64 = 10_000;

pub(crate) fn cases() -> Vec<Case> {
    vec![Case {
        metrics: vec![Metric {
            id: "threadsafe_rtt",
            title: "run_coroutine_threadsafe round trip from another thread (median)",
            unit: Unit::Micros,
        }],
        corio: Contender {
            label: "corio run_coroutine_threadsafe + result()",
            bench: rtt_corio,
        },
        tokio: Some(Contender {
            label: "tokio Handle::spawn + oneshot blocking_recv",
            bench: rtt_tokio,
        }),
        smol: Some(Contender {
            label: "async_executor::Executor::spawn + block_on(task)",
            bench: rtt_smol,
        }),
        repeat: Repeat::Timed,
        note: "A loop runs on a thread of its own, idle between requests; the bench thread hands it 10,000 trivial coroutines one after the other, each returning its index, and blocks until the result is back before sending the next. The row is the median wall-clock time of one round trip (µs): a wakeup of the loop thread, one task, and a wakeup of the waiting thread (the median, since on a shared machine a trip now and then waits milliseconds for a core). Every loop thread has an I/O reactor, as corio's loop always has: corio: `LoopHandle::run_coroutine_threadsafe` to a loop in `run_forever`, then `ConcurrentFuture::result(None)`; tokio: `Handle::spawn` onto a current-thread runtime built with `enable_all()` and driven by `block_on` on its thread, the result sent back on a `tokio::sync::oneshot` received with `blocking_recv`; smol: `async_executor::Executor::spawn` onto an executor run by `async_io::block_on(ex.run(..))` (what `smol::block_on` is) on its thread, the `Task` waited for with `futures_lite::future::block_on`. (Without a reactor, tokio's runtime parks on a futex instead of epoll, which measured about 0.2 µs faster here.)",
    }]
}

/// Times each of `TRIPS` round trips made by `trip` (given the trip's index); gives their
/// median in microseconds. The median, not the mean: on a shared machine a trip now and then
/// waits for a core for milliseconds, which says nothing about the bridge.
fn median_trip(mut trip: impl FnMut(u64)) -> Vec<Sample> {
    let mut times: Vec<f64> = (0..TRIPS)
        .map(|i| {
            let started = Instant::now();
            trip(i);
            started.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    times.sort_by(f64::total_cmp);
    vec![Sample::plain(times[times.len() / 2])]
}

fn rtt_corio() -> Vec<Sample> {
    let (tx, rx) = mpsc::channel();
    let loop_thread = thread::spawn(move || {
        let lp = corio_runtime::EventLoop::new().expect("corio event loop");
        tx.send(lp.handle()).expect("send the handle");
        lp.run_forever().expect("run the loop");
        lp.close().expect("close the loop");
    });
    let handle = rx.recv().expect("the loop's handle");
    let samples = median_trip(|i| {
        let fut = handle
            .run_coroutine_threadsafe(async move { i })
            .expect("submit");
        assert_eq!(fut.result(None).expect("result"), i);
    });
    handle.stop().expect("stop the loop");
    loop_thread.join().expect("loop thread");
    samples
}

fn rtt_tokio() -> Vec<Sample> {
    let (tx, rx) = mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let loop_thread = thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime");
        tx.send(rt.handle().clone()).expect("send the handle");
        rt.block_on(async move {
            let _ = stop_rx.await;
        });
    });
    let handle = rx.recv().expect("the runtime's handle");
    let samples = median_trip(|i| {
        let (done_tx, done_rx) = tokio::sync::oneshot::channel();
        handle.spawn(async move {
            let _ = done_tx.send(i);
        });
        assert_eq!(done_rx.blocking_recv().expect("result"), i);
    });
    stop_tx.send(()).expect("stop the runtime");
    loop_thread.join().expect("runtime thread");
    samples
}

fn rtt_smol() -> Vec<Sample> {
    let ex = std::sync::Arc::new(async_executor::Executor::new());
    let (stop_tx, stop_rx) = async_channel::bounded::<()>(1);
    let runner = ex.clone();
    let loop_thread = thread::spawn(move || {
        async_io::block_on(runner.run(async move {
            let _ = stop_rx.recv().await;
        }));
    });
    let samples = median_trip(|i| {
        let task = ex.spawn(async move { i });
        assert_eq!(futures_lite::future::block_on(task), i);
    });
    stop_tx.send_blocking(()).expect("stop the executor");
    loop_thread.join().expect("executor thread");
    samples
}
