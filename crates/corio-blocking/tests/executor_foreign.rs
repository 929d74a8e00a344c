//! `to_thread` and `ConcurrentFuture::await` under foreign executors: tokio
//! (current-thread and multi-thread) and smol's async-executor, plus futures-lite's
//! `block_on`. Nothing here needs a corio runtime.

use std::sync::Arc;
use std::time::Duration;

use corio_blocking::{ConcurrentFuture, FutureError, ThreadPoolExecutor, to_thread, unblock};

/// Many jobs at once, a panic among them, and a future completed from a plain thread.
async fn scenario() {
    let jobs: Vec<_> = (0..200u64)
        .map(|i| {
            to_thread(move || {
                if i % 50 == 0 {
                    std::thread::sleep(Duration::from_millis(2));
                }
                i * 2
            })
        })
        .collect();
    let mut total = 0;
    for job in jobs {
        total += job.await.unwrap();
    }
    assert_eq!(total, (0..200u64).map(|i| i * 2).sum());

    let err = unblock(|| -> u8 { panic!("inside a foreign executor") })
        .await
        .unwrap_err();
    assert!(matches!(err, FutureError::Panicked(_)));

    let fut = ConcurrentFuture::new();
    let setter = fut.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(5));
        setter.set_result("from a thread").unwrap();
    });
    assert_eq!(fut.await.unwrap(), "from a thread");

    let pool = ThreadPoolExecutor::with_max_workers(2);
    let submitted = pool.submit(|| 7).unwrap();
    assert_eq!(submitted.await.unwrap(), 7);
}

#[test]
fn tokio_current_thread() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(scenario());
}

#[test]
fn tokio_multi_thread() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    rt.block_on(async {
        let tasks: Vec<_> = (0..4).map(|_| tokio::spawn(scenario())).collect();
        for t in tasks {
            t.await.unwrap();
        }
    });
}

#[test]
fn async_executor_single_thread() {
    let ex = Arc::new(async_executor::Executor::new());
    let tasks: Vec<_> = (0..3).map(|_| ex.spawn(scenario())).collect();
    futures_lite::future::block_on(ex.run(async {
        for t in tasks {
            t.await;
        }
    }));
}

#[test]
fn async_executor_local() {
    let ex = async_executor::LocalExecutor::new();
    futures_lite::future::block_on(ex.run(scenario()));
}

#[test]
fn futures_lite_block_on() {
    futures_lite::future::block_on(scenario());
}
