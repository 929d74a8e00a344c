//! Every primitive under executors that are not corio's: tokio's
//! current-thread and multi-thread runtimes and smol's `async-executor`.
//! Nothing in the crate knows about any of them; these tests prove the
//! wakeups work through whatever waker the executor passes.

#![cfg(not(loom))]

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use corio_channel::{LifoQueue, PriorityQueue, Queue, broadcast, mpmc, oneshot};

type Task = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// Runs every scenario, spawning its tasks with `spawn`. Results travel back
/// over this crate's own oneshot channels.
async fn all_scenarios(spawn: Arc<dyn Fn(Task) + Send + Sync>) {
    queue_scenario(&*spawn).await;
    other_queues_scenario(&*spawn).await;
    mpmc_scenario(&*spawn).await;
    oneshot_scenario(&*spawn).await;
    broadcast_scenario(&*spawn).await;
}

async fn queue_scenario(spawn: &(dyn Fn(Task) + Send + Sync)) {
    const PRODUCERS: u64 = 3;
    const ITEMS: u64 = 300;
    let q = Queue::new(4);
    let mut results = Vec::new();
    for c in 0..3 {
        let q = q.clone();
        let (tx, rx) = oneshot::channel();
        results.push(rx);
        spawn(Box::pin(async move {
            let mut sum = 0;
            while let Some(item) = q.get().await.unwrap() {
                sum += item;
                if item % 7 == c {
                    futures_lite::future::yield_now().await;
                }
                q.task_done().unwrap();
            }
            q.task_done().unwrap();
            tx.send(sum).unwrap();
        }));
    }
    let mut producers = Vec::new();
    for p in 0..PRODUCERS {
        let q = q.clone();
        let (done, finished) = oneshot::channel();
        producers.push(finished);
        spawn(Box::pin(async move {
            for i in 0..ITEMS {
                q.put(Some(p * ITEMS + i)).await.unwrap();
            }
            done.send(()).unwrap();
        }));
    }
    for finished in producers {
        finished.await.unwrap();
    }
    // Every item is in; one sentinel per consumer, then wait for all done.
    for _ in 0..3 {
        q.put(None).await.unwrap();
    }
    q.join().await;
    assert_eq!(q.unfinished_tasks(), 0);
    let mut sum = 0;
    for rx in results {
        sum += rx.await.unwrap();
    }
    assert_eq!(sum, (0..PRODUCERS * ITEMS).sum::<u64>());
}

async fn other_queues_scenario(spawn: &(dyn Fn(Task) + Send + Sync)) {
    let pq = PriorityQueue::new(2);
    let lq = LifoQueue::new(2);
    let (tx, rx) = oneshot::channel();
    {
        let pq = pq.clone();
        let lq = lq.clone();
        spawn(Box::pin(async move {
            let mut got = Vec::new();
            for _ in 0..50 {
                got.push(pq.get().await.unwrap());
                got.push(lq.get().await.unwrap());
            }
            tx.send(got).unwrap();
        }));
    }
    for i in 0..50u32 {
        pq.put(i).await.unwrap();
        lq.put(i).await.unwrap();
    }
    let mut got = rx.await.unwrap();
    got.sort_unstable();
    let mut expected: Vec<u32> = (0..50).chain(0..50).collect();
    expected.sort_unstable();
    assert_eq!(got, expected);
}

async fn mpmc_scenario(spawn: &(dyn Fn(Task) + Send + Sync)) {
    let (tx, rx) = mpmc::bounded(2).unwrap();
    let mut results = Vec::new();
    for _ in 0..2 {
        let rx = rx.clone();
        let (done, result) = oneshot::channel();
        results.push(result);
        spawn(Box::pin(async move {
            let mut n = 0u64;
            while let Ok(v) = rx.recv().await {
                n += v;
            }
            done.send(n).unwrap();
        }));
    }
    drop(rx);
    for p in 0..2u64 {
        let tx = tx.clone();
        spawn(Box::pin(async move {
            for i in 0..500 {
                tx.send(p * 500 + i).await.unwrap();
            }
        }));
    }
    drop(tx); // the channel closes once the producers finish
    let mut sum = 0;
    for r in results {
        sum += r.await.unwrap();
    }
    assert_eq!(sum, (0..1000u64).sum());
}

async fn oneshot_scenario(spawn: &(dyn Fn(Task) + Send + Sync)) {
    let (tx, rx) = oneshot::channel();
    let (tx2, rx2) = oneshot::channel::<u8>();
    spawn(Box::pin(async move {
        futures_lite::future::yield_now().await;
        tx.send("pong").unwrap();
        drop(tx2);
    }));
    assert_eq!(rx.await, Ok("pong"));
    assert!(rx2.await.is_err());
}

async fn broadcast_scenario(spawn: &(dyn Fn(Task) + Send + Sync)) {
    let (tx, rx) = broadcast::channel(128).unwrap();
    let mut results = Vec::new();
    for _ in 0..3 {
        let mut rx = rx.clone();
        let (done, result) = oneshot::channel();
        results.push(result);
        spawn(Box::pin(async move {
            let mut got = Vec::new();
            while let Ok(v) = rx.recv().await {
                got.push(v);
            }
            done.send(got).unwrap();
        }));
    }
    drop(rx);
    for i in 0..100u32 {
        tx.send(i).unwrap();
    }
    drop(tx);
    for r in results {
        assert_eq!(r.await.unwrap(), (0..100).collect::<Vec<_>>());
    }
}

#[test]
fn tokio_current_thread() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let handle = rt.handle().clone();
    rt.block_on(all_scenarios(Arc::new(move |task| {
        handle.spawn(task);
    })));
}

#[test]
fn tokio_multi_thread() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let handle = rt.handle().clone();
    rt.block_on(all_scenarios(Arc::new(move |task| {
        handle.spawn(task);
    })));
}

#[test]
fn async_executor_two_threads() {
    let ex = Arc::new(async_executor::Executor::new());
    let (stop, stopped) = oneshot::channel::<()>();
    let stopped = Arc::new(std::sync::Mutex::new(Some(stopped)));
    std::thread::scope(|s| {
        let ex2 = ex.clone();
        s.spawn(move || {
            let stopped = stopped.lock().unwrap().take().unwrap();
            futures_lite::future::block_on(ex2.run(async {
                let _ = stopped.await;
            }));
        });
        let spawner = ex.clone();
        futures_lite::future::block_on(ex.run(all_scenarios(Arc::new(move |task| {
            spawner.spawn(task).detach();
        }))));
        drop(stop);
    });
}

#[test]
fn async_executor_local() {
    // smol's single-threaded executor, with `!Send` items in the queue.
    let ex = async_executor::LocalExecutor::new();
    futures_lite::future::block_on(ex.run(async {
        let q: Queue<std::rc::Rc<u32>> = Queue::new(1);
        let q2 = q.clone();
        let consumer = ex.spawn(async move {
            let mut got = Vec::new();
            for _ in 0..10 {
                got.push(*q2.get().await.unwrap());
                q2.task_done().unwrap();
            }
            got
        });
        for i in 0..10 {
            q.put(std::rc::Rc::new(i)).await.unwrap();
        }
        q.join().await;
        assert_eq!(consumer.await, (0..10).collect::<Vec<_>>());
    }));
}
