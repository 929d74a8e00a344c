//! Many tasks over 2 threads, with cancellation: every item put is got
//! exactly once, whatever the interleaving. Bounded in size so it stays fast
//! in debug builds.

#![cfg(not(loom))]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use corio_channel::{LifoQueue, PriorityQueue, Queue, broadcast, mpmc};

const PRODUCERS: u64 = 8;
const CONSUMERS: u64 = 8;
const ITEMS: u64 = 2_000;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap()
}

/// A tiny xorshift, so each task cancels at its own pseudo-random moments.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

/// Each consumer races its `get` against a very short timeout, so many gets
/// are cancelled, some after being woken. No item may be lost or duplicated.
macro_rules! queue_stress {
    ($name:ident, $Q:ident) => {
        #[test]
        fn $name() {
            runtime().block_on(async {
                let q = $Q::new(16);
                let seen = Arc::new(
                    (0..PRODUCERS * ITEMS)
                        .map(|_| AtomicU64::new(0))
                        .collect::<Vec<_>>(),
                );
                let cancelled = Arc::new(AtomicU64::new(0));
                let mut consumers = Vec::new();
                for c in 0..CONSUMERS {
                    let q = q.clone();
                    let seen = seen.clone();
                    let cancelled = cancelled.clone();
                    consumers.push(tokio::spawn(async move {
                        let mut seed = 0x9E37_79B9_7F4A_7C15 ^ (c + 1);
                        loop {
                            let r = next(&mut seed);
                            let got = match r % 3 {
                                // Give up at the next poll, even if that poll
                                // came from a wakeup meant for this get: the
                                // woken-then-cancelled case.
                                0 => {
                                    futures_lite::future::or(
                                        async {
                                            tokio::task::yield_now().await;
                                            Err(())
                                        },
                                        async { Ok(q.get().await) },
                                    )
                                    .await
                                }
                                1 => tokio::time::timeout(Duration::from_micros(r % 50), q.get())
                                    .await
                                    .map_err(|_| ()),
                                _ => Ok(q.get().await),
                            };
                            match got {
                                Err(()) => {
                                    cancelled.fetch_add(1, Ordering::Relaxed);
                                }
                                Ok(Ok(item)) => {
                                    seen[item as usize].fetch_add(1, Ordering::Relaxed);
                                    q.task_done().unwrap();
                                }
                                Ok(Err(_shut_down)) => break,
                            }
                        }
                    }));
                }
                let mut producers = Vec::new();
                for p in 0..PRODUCERS {
                    let q = q.clone();
                    producers.push(tokio::spawn(async move {
                        for i in 0..ITEMS {
                            q.put(p * ITEMS + i).await.unwrap();
                        }
                    }));
                }
                for p in producers {
                    p.await.unwrap();
                }
                q.join().await;
                q.shutdown(false);
                for c in consumers {
                    c.await.unwrap();
                }
                for (item, count) in seen.iter().enumerate() {
                    assert_eq!(count.load(Ordering::Relaxed), 1, "item {item}");
                }
                assert_eq!(q.unfinished_tasks(), 0);
                let cancelled = cancelled.load(Ordering::Relaxed);
                eprintln!("{}: {cancelled} gets cancelled", stringify!($name));
                assert!(cancelled > 0, "the test must cancel some gets");
            });
        }
    };
}

queue_stress!(fifo_queue_with_cancelled_gets, Queue);
queue_stress!(lifo_queue_with_cancelled_gets, LifoQueue);
queue_stress!(priority_queue_with_cancelled_gets, PriorityQueue);

#[test]
fn mpmc_bounded_with_cancelled_sends_and_recvs() {
    runtime().block_on(async {
        let (tx, rx) = mpmc::bounded::<u64>(4).unwrap();
        let received = Arc::new(AtomicU64::new(0));
        let sum = Arc::new(AtomicU64::new(0));
        let mut consumers = Vec::new();
        for c in 0..CONSUMERS {
            let rx = rx.clone();
            let received = received.clone();
            let sum = sum.clone();
            consumers.push(tokio::spawn(async move {
                let mut seed = 0x2545_F491_4F6C_DD1D ^ (c + 1);
                loop {
                    let wait = Duration::from_micros(next(&mut seed) % 50);
                    match tokio::time::timeout(wait, rx.recv()).await {
                        Err(_) => {}
                        Ok(Ok(v)) => {
                            received.fetch_add(1, Ordering::Relaxed);
                            sum.fetch_add(v, Ordering::Relaxed);
                        }
                        Ok(Err(_closed)) => break,
                    }
                }
            }));
        }
        drop(rx);
        let mut producers = Vec::new();
        for p in 0..PRODUCERS {
            let tx = tx.clone();
            producers.push(tokio::spawn(async move {
                let mut seed = 0xDEAD_BEEF ^ (p + 1);
                let mut i = 0;
                while i < ITEMS {
                    let v = p * ITEMS + i;
                    let wait = Duration::from_micros(next(&mut seed) % 50);
                    // A cancelled send did not send: retry the same value.
                    if let Ok(result) = tokio::time::timeout(wait, tx.send(v)).await {
                        result.unwrap();
                        i += 1;
                    }
                }
            }));
        }
        drop(tx);
        for p in producers {
            p.await.unwrap();
        }
        for c in consumers {
            c.await.unwrap();
        }
        assert_eq!(received.load(Ordering::Relaxed), PRODUCERS * ITEMS);
        assert_eq!(sum.load(Ordering::Relaxed), (0..PRODUCERS * ITEMS).sum());
    });
}

#[test]
fn broadcast_many_receivers() {
    runtime().block_on(async {
        let (tx, rx) = broadcast::channel::<u64>(64).unwrap();
        let mut receivers = Vec::new();
        for _ in 0..CONSUMERS {
            let mut rx = rx.clone();
            receivers.push(tokio::spawn(async move {
                let mut expected = 0;
                let mut missed = 0;
                loop {
                    match rx.recv().await {
                        Ok(v) => {
                            // In order, and any gap was reported as lag.
                            assert_eq!(v, expected);
                            expected += 1;
                        }
                        Err(broadcast::RecvError::Lagged(n)) => {
                            missed += n;
                            expected += n;
                        }
                        Err(broadcast::RecvError::Closed) => break,
                    }
                }
                (expected, missed)
            }));
        }
        drop(rx);
        for i in 0..ITEMS {
            tx.send(i).unwrap();
            if i % 16 == 0 {
                tokio::task::yield_now().await;
            }
        }
        drop(tx);
        for r in receivers {
            let (seen_through, _missed) = r.await.unwrap();
            assert_eq!(
                seen_through, ITEMS,
                "every value received or reported missed"
            );
        }
    });
}
