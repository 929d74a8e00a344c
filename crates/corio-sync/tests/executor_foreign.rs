//! Every primitive under foreign executors: tokio (current-thread and
//! multi-thread) and smol's async-executor (single- and multi-thread).
#![cfg(not(loom))]

mod scenario;

use std::sync::Arc;
use std::time::Duration;

use scenario::{BoxFuture, Size, Spawn, all, with_watchdog};

#[cfg(not(miri))]
const SIZE: Size = Size {
    tasks: 12,
    iterations: 30,
};
// miri interprets every step: keep the workload small there.
#[cfg(miri)]
const SIZE: Size = Size {
    tasks: 4,
    iterations: 3,
};
// Generous: miri is slow. A lost wakeup still ends as a failure, not a hang.
const LIMIT: Duration = Duration::from_secs(600);

fn tokio_spawn() -> Spawn {
    Arc::new(|f: BoxFuture| {
        let handle = tokio::spawn(f);
        Box::pin(async move { handle.await.expect("task panicked") }) as BoxFuture
    })
}

#[test]
fn tokio_current_thread() {
    with_watchdog(LIMIT, || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(all(tokio_spawn(), SIZE));
    });
}

#[test]
fn tokio_multi_thread() {
    with_watchdog(LIMIT, || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap();
        rt.block_on(all(tokio_spawn(), SIZE));
    });
}

fn executor_spawn(ex: &Arc<async_executor::Executor<'static>>) -> Spawn {
    let ex = ex.clone();
    Arc::new(move |f: BoxFuture| Box::pin(ex.spawn(f)) as BoxFuture)
}

#[test]
fn async_executor_single_thread() {
    with_watchdog(LIMIT, || {
        let ex = Arc::new(async_executor::Executor::new());
        futures_lite::future::block_on(ex.run(all(executor_spawn(&ex), SIZE)));
    });
}

#[test]
fn async_executor_two_threads() {
    with_watchdog(LIMIT, || {
        let ex = Arc::new(async_executor::Executor::new());
        let (stop_tx, stop_rx) = stop_signal();
        std::thread::scope(|s| {
            let helper = ex.clone();
            s.spawn(move || futures_lite::future::block_on(helper.run(stop_rx)));
            futures_lite::future::block_on(ex.run(all(executor_spawn(&ex), SIZE)));
            stop_tx.set();
        });
    });
}

/// A stop signal for the helper thread, built from the crate's own Event.
fn stop_signal() -> (
    Arc<corio_sync::Event>,
    impl std::future::Future<Output = ()>,
) {
    let event = Arc::new(corio_sync::Event::new());
    let waiter = event.clone();
    (event, async move { waiter.wait().await })
}
