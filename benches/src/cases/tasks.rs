//! Rows 1-4: spawning, yielding, spawn chains and scheduled callbacks.

use std::cell::Cell;

use crate::measure::{Case, Contender, Metric, Repeat, Sample, Unit};
use crate::rt;

const SPAWN_N: u64 = 1_000_000;
const YIELD_TASKS: usize = 1_000;
const YIELDS: usize = 1_000;
const CHAIN_N: u32 = 100_000;
const CALLBACKS: usize = 1_000_000;

thread_local! {
    // Bumped by each callback or detached task, so that the run can check that all ran.
    // A thread-local costs the same in every runtime and needs no `Send` juggling.
    static RAN: Cell<usize> = const { Cell::new(0) };
}

fn bump() {
    RAN.with(|r| r.set(r.get() + 1));
}

fn take_ran() -> usize {
    RAN.with(|r| r.replace(0))
}

pub(crate) fn cases() -> Vec<Case> {
    vec![
        Case {
            metrics: vec![Metric {
                id: "spawn",
                title: "spawn + await 1M trivial tasks",
                unit: Unit::Cpu,
            }],
            corio: Contender {
                label: "corio spawn",
                bench: spawn_corio,
            },
            tokio: Some(Contender {
                label: "tokio spawn_local (LocalSet)",
                bench: spawn_tokio,
            }),
            smol: Some(Contender {
                label: "LocalExecutor::spawn",
                bench: spawn_smol,
            }),
            repeat: Repeat::Timed,
            note: "Spawns 1,000,000 tasks that each return their index, keeping the handles, then awaits every handle in order and checks the sum.",
        },
        Case {
            metrics: vec![Metric {
                id: "yield",
                title: "1k tasks x 1k yields",
                unit: Unit::Cpu,
            }],
            corio: Contender {
                label: "corio yield_now",
                bench: yield_corio,
            },
            tokio: Some(Contender {
                label: "tokio::spawn + tokio::task::yield_now",
                bench: yield_tokio,
            }),
            smol: Some(Contender {
                label: "futures_lite yield_now",
                bench: yield_smol,
            }),
            repeat: Repeat::Timed,
            note: "1,000 tasks each yield to the scheduler 1,000 times (1M task switches), then are awaited.",
        },
        Case {
            metrics: vec![Metric {
                id: "chain",
                title: "chain of 100k spawns",
                unit: Unit::Cpu,
            }],
            corio: Contender {
                label: "corio spawn",
                bench: chain_corio,
            },
            tokio: Some(Contender {
                label: "tokio spawn_local (LocalSet)",
                bench: chain_tokio,
            }),
            smol: Some(Contender {
                label: "LocalExecutor::spawn",
                bench: chain_smol,
            }),
            repeat: Repeat::Timed,
            note: "Each task spawns the next (detached) and ends; the 100,000th sends on a oneshot channel (corio-channel's, tokio's, async-channel's) that the main task awaits. Only one task is alive at a time.",
        },
        Case {
            metrics: vec![Metric {
                id: "call_soon",
                title: "1M call_soon callbacks",
                unit: Unit::Cpu,
            }],
            corio: Contender {
                label: "corio call_soon",
                bench: call_soon_corio,
            },
            tokio: Some(Contender {
                label: "detached tokio spawn_local",
                bench: call_soon_tokio,
            }),
            smol: Some(Contender {
                label: "detached spawn",
                bench: call_soon_smol,
            }),
            repeat: Repeat::Timed,
            note: "corio schedules 1,000,000 plain callbacks with `EventLoop::call_soon`. tokio and smol have no callback queue: their closest equivalent, a detached trivial task per callback, is measured instead. Each callback bumps a thread-local counter; the main task then waits behind them (one yield for corio, a last spawned task for tokio and smol, whose queues are FIFO too) and checks that all ran.",
        },
    ]
}

fn spawn_corio() -> Vec<Sample> {
    let (sum, timing) = rt::corio(async {
        let tasks: Vec<_> = (0..SPAWN_N)
            .map(|i| corio_runtime::spawn(async move { i }))
            .collect();
        let mut sum = 0;
        for t in tasks {
            sum += t.await.unwrap();
        }
        sum
    });
    assert_eq!(sum, SPAWN_N * (SPAWN_N - 1) / 2);
    vec![timing.cpu_sample()]
}

fn spawn_tokio() -> Vec<Sample> {
    let (sum, timing) = rt::tokio_local(async {
        let tasks: Vec<_> = (0..SPAWN_N)
            .map(|i| tokio::task::spawn_local(async move { i }))
            .collect();
        let mut sum = 0;
        for t in tasks {
            sum += t.await.unwrap();
        }
        sum
    });
    assert_eq!(sum, SPAWN_N * (SPAWN_N - 1) / 2);
    vec![timing.cpu_sample()]
}

fn spawn_smol() -> Vec<Sample> {
    let (sum, timing) = rt::smol(|ex| async move {
        let tasks: Vec<_> = (0..SPAWN_N).map(|i| ex.spawn(async move { i })).collect();
        let mut sum = 0;
        for t in tasks {
            sum += t.await;
        }
        sum
    });
    assert_eq!(sum, SPAWN_N * (SPAWN_N - 1) / 2);
    vec![timing.cpu_sample()]
}

fn yield_corio() -> Vec<Sample> {
    let ((), timing) = rt::corio(async {
        let tasks: Vec<_> = (0..YIELD_TASKS)
            .map(|_| {
                corio_runtime::spawn(async {
                    for _ in 0..YIELDS {
                        corio_runtime::yield_now().await;
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
    });
    vec![timing.cpu_sample()]
}

fn yield_tokio() -> Vec<Sample> {
    let ((), timing) = rt::tokio(async {
        let tasks: Vec<_> = (0..YIELD_TASKS)
            .map(|_| {
                tokio::spawn(async {
                    for _ in 0..YIELDS {
                        tokio::task::yield_now().await;
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
    });
    vec![timing.cpu_sample()]
}

fn yield_smol() -> Vec<Sample> {
    let ((), timing) = rt::smol(|ex| async move {
        let tasks: Vec<_> = (0..YIELD_TASKS)
            .map(|_| {
                ex.spawn(async {
                    for _ in 0..YIELDS {
                        futures_lite::future::yield_now().await;
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await;
        }
    });
    vec![timing.cpu_sample()]
}

fn chain_link_corio(n: u32, done: corio_channel::oneshot::Sender<u32>) {
    // The handle is dropped: a corio task runs on without it (asyncio's rule).
    let task = corio_runtime::spawn(async move {
        if n == 0 {
            done.send(CHAIN_N).unwrap();
        } else {
            chain_link_corio(n - 1, done);
        }
    });
    drop(task);
}

fn chain_corio() -> Vec<Sample> {
    let (got, timing) = rt::corio(async {
        let (tx, rx) = corio_channel::oneshot::channel();
        chain_link_corio(CHAIN_N - 1, tx);
        rx.await.unwrap()
    });
    assert_eq!(got, CHAIN_N);
    vec![timing.cpu_sample()]
}

fn chain_link_tokio(n: u32, done: tokio::sync::oneshot::Sender<u32>) {
    drop(tokio::task::spawn_local(async move {
        if n == 0 {
            done.send(CHAIN_N).unwrap();
        } else {
            chain_link_tokio(n - 1, done);
        }
    }));
}

fn chain_tokio() -> Vec<Sample> {
    let (got, timing) = rt::tokio_local(async {
        let (tx, rx) = tokio::sync::oneshot::channel();
        chain_link_tokio(CHAIN_N - 1, tx);
        rx.await.unwrap()
    });
    assert_eq!(got, CHAIN_N);
    vec![timing.cpu_sample()]
}

fn chain_link_smol(
    ex: std::rc::Rc<async_executor::LocalExecutor<'static>>,
    n: u32,
    done: async_channel::Sender<u32>,
) {
    let ex2 = ex.clone();
    ex.spawn(async move {
        if n == 0 {
            done.try_send(CHAIN_N).unwrap();
        } else {
            chain_link_smol(ex2, n - 1, done);
        }
    })
    .detach();
}

fn chain_smol() -> Vec<Sample> {
    let (got, timing) = rt::smol(|ex| async move {
        let (tx, rx) = async_channel::bounded(1);
        chain_link_smol(ex, CHAIN_N - 1, tx);
        rx.recv().await.unwrap()
    });
    assert_eq!(got, CHAIN_N);
    vec![timing.cpu_sample()]
}

fn call_soon_corio() -> Vec<Sample> {
    take_ran();
    let ((), timing) = rt::corio(async {
        let lp = corio_runtime::get_running_loop().unwrap();
        for _ in 0..CALLBACKS {
            // The handle is only for cancelling; dropping it leaves the callback scheduled.
            let _ = lp.call_soon(bump).unwrap();
        }
        corio_runtime::yield_now().await;
    });
    assert_eq!(take_ran(), CALLBACKS);
    vec![timing.cpu_sample()]
}

fn call_soon_tokio() -> Vec<Sample> {
    take_ran();
    let ((), timing) = rt::tokio_local(async {
        for _ in 0..CALLBACKS {
            drop(tokio::task::spawn_local(async { bump() }));
        }
        tokio::task::spawn_local(async {}).await.unwrap();
    });
    assert_eq!(take_ran(), CALLBACKS);
    vec![timing.cpu_sample()]
}

fn call_soon_smol() -> Vec<Sample> {
    take_ran();
    let ((), timing) = rt::smol(|ex| async move {
        for _ in 0..CALLBACKS {
            ex.spawn(async { bump() }).detach();
        }
        ex.spawn(async {}).await;
    });
    assert_eq!(take_ran(), CALLBACKS);
    vec![timing.cpu_sample()]
}
