//! The combinators: `gather` over many tasks, and `wait(FIRST_COMPLETED)`.

use crate::measure::{Case, Contender, Metric, Repeat, Sample, Unit};
use crate::rt;

const GATHER_N: u64 = 100_000;
const WAIT_N: u64 = 10_000;

pub(crate) fn cases() -> Vec<Case> {
    vec![
        Case {
            metrics: vec![Metric {
                id: "gather",
                title: "gather over 100,000 tasks",
                unit: Unit::Cpu,
            }],
            corio: Contender {
                label: "corio gather",
                bench: gather_corio,
            },
            tokio: Some(Contender {
                label: "tokio JoinSet::join_all (LocalSet)",
                bench: gather_tokio,
            }),
            smol: Some(Contender {
                label: "futures::future::join_all over smol tasks",
                bench: gather_smol,
            }),
            repeat: Repeat::Timed,
            note: "Spawns 100,000 tasks that each yield once and return their index, then gathers every output (corio `gather(tasks)`, in argument order; tokio `JoinSet::join_all`, in completion order; `futures::future::join_all` over smol `Task`s, in argument order) and checks the sum.",
        },
        Case {
            metrics: vec![Metric {
                id: "wait_first",
                title: "wait(FIRST_COMPLETED) over 10,000 tasks",
                unit: Unit::Cpu,
            }],
            corio: Contender {
                label: "corio wait(FIRST_COMPLETED)",
                bench: wait_corio,
            },
            tokio: Some(Contender {
                label: "tokio JoinSet::join_next (LocalSet)",
                bench: wait_tokio,
            }),
            smol: Some(Contender {
                label: "futures::future::select_all over smol tasks",
                bench: wait_smol,
            }),
            repeat: Repeat::Timed,
            note: "Spawns 10,000 tasks of which only the last finishes (after one yield; the others wait forever), waits for the first to complete, then cancels the other 9,999 and lets them go: corio `wait` over shared handles (`spawn(..).share()`, as `wait` needs handles that take done-callbacks) with `FIRST_COMPLETED`, then `cancel()` on each pending handle and one loop pass; tokio `JoinSet::join_next` then `JoinSet::shutdown`; smol `futures::future::select_all` then dropping the other `Task`s (which cancels them).",
        },
    ]
}

fn gather_corio() -> Vec<Sample> {
    let (sum, timing) = rt::corio(async {
        let tasks: Vec<_> = (0..GATHER_N)
            .map(|i| {
                corio_runtime::spawn(async move {
                    corio_runtime::yield_now().await;
                    i
                })
            })
            .collect();
        let outs = corio_runtime::gather(tasks).await.unwrap();
        outs.iter().sum::<u64>()
    });
    assert_eq!(sum, GATHER_N * (GATHER_N - 1) / 2);
    vec![timing.cpu_sample()]
}

fn gather_tokio() -> Vec<Sample> {
    let (sum, timing) = rt::tokio_local(async {
        let mut set = tokio::task::JoinSet::new();
        for i in 0..GATHER_N {
            set.spawn_local(async move {
                tokio::task::yield_now().await;
                i
            });
        }
        set.join_all().await.iter().sum::<u64>()
    });
    assert_eq!(sum, GATHER_N * (GATHER_N - 1) / 2);
    vec![timing.cpu_sample()]
}

fn gather_smol() -> Vec<Sample> {
    let (sum, timing) = rt::smol(|ex| async move {
        let tasks: Vec<_> = (0..GATHER_N)
            .map(|i| {
                ex.spawn(async move {
                    futures_lite::future::yield_now().await;
                    i
                })
            })
            .collect();
        futures_util::future::join_all(tasks)
            .await
            .iter()
            .sum::<u64>()
    });
    assert_eq!(sum, GATHER_N * (GATHER_N - 1) / 2);
    vec![timing.cpu_sample()]
}

/// Task `i` of the wait rows: the last one finishes after a yield, the others never.
async fn wait_child(i: u64, yield_now: impl std::future::Future<Output = ()>) -> u64 {
    if i + 1 == WAIT_N {
        yield_now.await;
        i
    } else {
        std::future::pending().await
    }
}

fn wait_corio() -> Vec<Sample> {
    let (first, timing) = rt::corio(async {
        let tasks: Vec<_> = (0..WAIT_N)
            .map(|i| corio_runtime::spawn(wait_child(i, corio_runtime::yield_now())).share())
            .collect();
        let (done, pending) = corio_runtime::wait(tasks, None, corio_runtime::FIRST_COMPLETED)
            .await
            .unwrap();
        assert_eq!(pending.len() as u64, WAIT_N - 1);
        for t in &pending {
            t.cancel();
        }
        drop(pending);
        corio_runtime::yield_now().await; // the cancelled tasks are dropped
        done[0].result().unwrap().unwrap()
    });
    assert_eq!(first, WAIT_N - 1);
    vec![timing.cpu_sample()]
}

fn wait_tokio() -> Vec<Sample> {
    let (first, timing) = rt::tokio_local(async {
        let mut set = tokio::task::JoinSet::new();
        for i in 0..WAIT_N {
            set.spawn_local(wait_child(i, tokio::task::yield_now()));
        }
        let first = set.join_next().await.unwrap().unwrap();
        set.shutdown().await;
        first
    });
    assert_eq!(first, WAIT_N - 1);
    vec![timing.cpu_sample()]
}

fn wait_smol() -> Vec<Sample> {
    let (first, timing) = rt::smol(|ex| async move {
        let tasks: Vec<_> = (0..WAIT_N)
            .map(|i| ex.spawn(wait_child(i, futures_lite::future::yield_now())))
            .collect();
        let (first, _index, rest) = futures_util::future::select_all(tasks).await;
        drop(rest);
        first
    });
    assert_eq!(first, WAIT_N - 1);
    vec![timing.cpu_sample()]
}
