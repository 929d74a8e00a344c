//! Rows 9-10: locks (uncontended and contended) and a semaphore.

use std::cell::Cell;
use std::sync::Arc;

use crate::measure::{Case, Contender, Metric, Repeat, Sample, Unit};
use crate::rt;

const UNCONTENDED: u64 = 1_000_000;
const LOCKERS: u64 = 100;
const ACQUISITIONS: u64 = 10_000;
const SEM_TASKS: usize = 10_000;
const PERMITS: usize = 10;

thread_local! {
    // The `Lock` rows' counter (a `Lock` guards no data).
    static COUNT: Cell<u64> = const { Cell::new(0) };
    // (permit holders now, most at once, tasks done) for the semaphore row.
    static HOLDERS: Cell<(usize, usize, usize)> = const { Cell::new((0, 0, 0)) };
}

fn enter() {
    HOLDERS.with(|h| {
        let (now, most, done) = h.get();
        h.set((now + 1, most.max(now + 1), done));
    });
}

fn leave() {
    HOLDERS.with(|h| {
        let (now, most, done) = h.get();
        h.set((now - 1, most, done + 1));
    });
}

fn reset_holders() {
    HOLDERS.with(|h| h.set((0, 0, 0)));
}

/// Every task ran, and never more than `PERMITS` at once.
fn assert_holders() {
    let (now, most, done) = HOLDERS.with(Cell::get);
    assert_eq!((now, done), (0, SEM_TASKS));
    assert!(most <= PERMITS && most > 0, "{most} permit holders at once");
}

pub(crate) fn cases() -> Vec<Case> {
    let uncontended = "One task locks and unlocks 1,000,000 times, incrementing the guarded counter. corio's `Mutex<T>` (and asyncio's `Lock`, which guards no data) on corio's loop, `tokio::sync::Mutex` on tokio, `async_lock::Mutex` on smol.";
    let contended = "100 tasks each take the lock 10,000 times and yield once while holding it, so that the other 99 queue up behind it: 1M hand-offs. Same crates as the uncontended row. corio's and tokio's locks are FIFO-fair; async-lock's is not strictly.";
    vec![
        Case {
            metrics: vec![Metric {
                id: "mutex_uncontended",
                title: "Mutex uncontended, 1M lock/unlock",
                unit: Unit::Cpu,
            }],
            corio: Contender {
                label: "corio_sync::Mutex",
                bench: mutex_unc_corio,
            },
            tokio: Some(Contender {
                label: "tokio::sync::Mutex",
                bench: mutex_unc_tokio,
            }),
            smol: Some(Contender {
                label: "async_lock::Mutex",
                bench: mutex_unc_smol,
            }),
            repeat: Repeat::Timed,
            note: uncontended,
        },
        Case {
            metrics: vec![Metric {
                id: "lock_uncontended",
                title: "Lock uncontended, 1M lock/unlock",
                unit: Unit::Cpu,
            }],
            corio: Contender {
                label: "corio_sync::Lock",
                bench: lock_unc_corio,
            },
            tokio: Some(Contender {
                label: "tokio::sync::Mutex",
                bench: mutex_unc_tokio,
            }),
            smol: Some(Contender {
                label: "async_lock::Mutex",
                bench: mutex_unc_smol,
            }),
            repeat: Repeat::Timed,
            note: uncontended,
        },
        Case {
            metrics: vec![Metric {
                id: "mutex_contended",
                title: "Mutex contended, 100 x 10k",
                unit: Unit::Cpu,
            }],
            corio: Contender {
                label: "corio_sync::Mutex",
                bench: mutex_con_corio,
            },
            tokio: Some(Contender {
                label: "tokio::sync::Mutex",
                bench: mutex_con_tokio,
            }),
            smol: Some(Contender {
                label: "async_lock::Mutex",
                bench: mutex_con_smol,
            }),
            repeat: Repeat::Timed,
            note: contended,
        },
        Case {
            metrics: vec![Metric {
                id: "lock_contended",
                title: "Lock contended, 100 x 10k",
                unit: Unit::Cpu,
            }],
            corio: Contender {
                label: "corio_sync::Lock",
                bench: lock_con_corio,
            },
            tokio: Some(Contender {
                label: "tokio::sync::Mutex",
                bench: mutex_con_tokio,
            }),
            smol: Some(Contender {
                label: "async_lock::Mutex",
                bench: mutex_con_smol,
            }),
            repeat: Repeat::Timed,
            note: contended,
        },
        Case {
            metrics: vec![Metric {
                id: "semaphore",
                title: "Semaphore(10), 10k tasks",
                unit: Unit::Cpu,
            }],
            corio: Contender {
                label: "corio_sync::Semaphore",
                bench: sem_corio,
            },
            tokio: Some(Contender {
                label: "tokio::sync::Semaphore",
                bench: sem_tokio,
            }),
            smol: Some(Contender {
                label: "async_lock::Semaphore",
                bench: sem_smol,
            }),
            repeat: Repeat::Timed,
            note: "10,000 tasks share a semaphore of 10 permits; each takes a permit, yields once while holding it, and releases it. All tasks are spawned first, then awaited.",
        },
    ]
}

fn mutex_unc_corio() -> Vec<Sample> {
    let (n, timing) = rt::corio(async {
        let m = corio_sync::Mutex::new(0u64);
        for _ in 0..UNCONTENDED {
            *m.lock().await += 1;
        }
        m.into_inner()
    });
    assert_eq!(n, UNCONTENDED);
    vec![timing.cpu_sample()]
}

fn lock_unc_corio() -> Vec<Sample> {
    let (n, timing) = rt::corio(async {
        let lock = corio_sync::Lock::new();
        COUNT.with(|c| c.set(0));
        for _ in 0..UNCONTENDED {
            let _guard = lock.lock().await;
            COUNT.with(|c| c.set(c.get() + 1));
        }
        COUNT.with(|c| c.get())
    });
    assert_eq!(n, UNCONTENDED);
    vec![timing.cpu_sample()]
}

fn mutex_unc_tokio() -> Vec<Sample> {
    let (n, timing) = rt::tokio(async {
        let m = tokio::sync::Mutex::new(0u64);
        for _ in 0..UNCONTENDED {
            *m.lock().await += 1;
        }
        m.into_inner()
    });
    assert_eq!(n, UNCONTENDED);
    vec![timing.cpu_sample()]
}

fn mutex_unc_smol() -> Vec<Sample> {
    let (n, timing) = rt::smol(|_| async {
        let m = async_lock::Mutex::new(0u64);
        for _ in 0..UNCONTENDED {
            *m.lock().await += 1;
        }
        m.into_inner()
    });
    assert_eq!(n, UNCONTENDED);
    vec![timing.cpu_sample()]
}

fn mutex_con_corio() -> Vec<Sample> {
    let (n, timing) = rt::corio(async {
        let m = Arc::new(corio_sync::Mutex::new(0u64));
        let tasks: Vec<_> = (0..LOCKERS)
            .map(|_| {
                let m = m.clone();
                corio_runtime::spawn(async move {
                    for _ in 0..ACQUISITIONS {
                        let mut g = m.lock().await;
                        *g += 1;
                        corio_runtime::yield_now().await;
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        *m.lock().await
    });
    assert_eq!(n, LOCKERS * ACQUISITIONS);
    vec![timing.cpu_sample()]
}

fn lock_con_corio() -> Vec<Sample> {
    let (n, timing) = rt::corio(async {
        // `Lock` guards no data: the counter it protects is a thread-local, as cheap as the
        // Mutex rows' `*guard += 1`.
        COUNT.with(|c| c.set(0));
        let lock = Arc::new(corio_sync::Lock::new());
        let tasks: Vec<_> = (0..LOCKERS)
            .map(|_| {
                let lock = lock.clone();
                corio_runtime::spawn(async move {
                    for _ in 0..ACQUISITIONS {
                        let _guard = lock.lock().await;
                        COUNT.with(|c| c.set(c.get() + 1));
                        corio_runtime::yield_now().await;
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        COUNT.with(|c| c.get())
    });
    assert_eq!(n, LOCKERS * ACQUISITIONS);
    vec![timing.cpu_sample()]
}

fn mutex_con_tokio() -> Vec<Sample> {
    let (n, timing) = rt::tokio(async {
        let m = Arc::new(tokio::sync::Mutex::new(0u64));
        let tasks: Vec<_> = (0..LOCKERS)
            .map(|_| {
                let m = m.clone();
                tokio::spawn(async move {
                    for _ in 0..ACQUISITIONS {
                        let mut g = m.lock().await;
                        *g += 1;
                        tokio::task::yield_now().await;
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        *m.lock().await
    });
    assert_eq!(n, LOCKERS * ACQUISITIONS);
    vec![timing.cpu_sample()]
}

fn mutex_con_smol() -> Vec<Sample> {
    let (n, timing) = rt::smol(|ex| async move {
        let m = Arc::new(async_lock::Mutex::new(0u64));
        let tasks: Vec<_> = (0..LOCKERS)
            .map(|_| {
                let m = m.clone();
                ex.spawn(async move {
                    for _ in 0..ACQUISITIONS {
                        let mut g = m.lock().await;
                        *g += 1;
                        futures_lite::future::yield_now().await;
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await;
        }
        *m.lock().await
    });
    assert_eq!(n, LOCKERS * ACQUISITIONS);
    vec![timing.cpu_sample()]
}

fn sem_corio() -> Vec<Sample> {
    reset_holders();
    let ((), timing) = rt::corio(async {
        let sem = Arc::new(corio_sync::Semaphore::new(PERMITS));
        let tasks: Vec<_> = (0..SEM_TASKS)
            .map(|_| {
                let sem = sem.clone();
                corio_runtime::spawn(async move {
                    let _permit = sem.permit().await;
                    enter();
                    corio_runtime::yield_now().await;
                    leave();
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
    });
    assert_holders();
    vec![timing.cpu_sample()]
}

fn sem_tokio() -> Vec<Sample> {
    reset_holders();
    let ((), timing) = rt::tokio(async {
        let sem = Arc::new(tokio::sync::Semaphore::new(PERMITS));
        let tasks: Vec<_> = (0..SEM_TASKS)
            .map(|_| {
                let sem = sem.clone();
                tokio::spawn(async move {
                    let _permit = sem.acquire().await.unwrap();
                    enter();
                    tokio::task::yield_now().await;
                    leave();
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
    });
    assert_holders();
    vec![timing.cpu_sample()]
}

fn sem_smol() -> Vec<Sample> {
    reset_holders();
    let ((), timing) = rt::smol(|ex| async move {
        let sem = Arc::new(async_lock::Semaphore::new(PERMITS));
        let tasks: Vec<_> = (0..SEM_TASKS)
            .map(|_| {
                let sem = sem.clone();
                ex.spawn(async move {
                    let _permit = sem.acquire().await;
                    enter();
                    futures_lite::future::yield_now().await;
                    leave();
                })
            })
            .collect();
        for t in tasks {
            t.await;
        }
    });
    assert_holders();
    vec![timing.cpu_sample()]
}
