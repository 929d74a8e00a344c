//! Rows 'to_thread' and 'process_pool': the blocking bridge. 100,000 closures handed to a
//! thread pool and awaited (corio-blocking's `to_thread`, tokio's `spawn_blocking`, the
//! `blocking` crate's `unblock`), and 10,000 small jobs through a pool of two worker
//! processes (corio-blocking's `ProcessPoolExecutor`, procspawn's `Pool`; tokio and smol
//! have none).

use crate::measure::{Case, Contender, Metric, Repeat, Sample, Unit};
use crate::rt::{self, Stopwatch};

const THREAD_JOBS: u64 = 100_000;
/// Round trips awaited one after the other (the `await to_thread(f)` in a loop pattern).
const ROUND_TRIPS: u64 = 10_000;
/// Jobs run before the clock starts, so that every pool has started its threads (tokio's
/// pool belongs to a runtime built for the run; the others are process-wide).
const WARM_UP: u64 = 1_000;
const PROCESS_JOBS: u64 = 10_000;
const WORKERS: usize = 2;
/// Jobs in flight at once: procspawn holds two IPC channels (four descriptors) per job, so
/// 10,000 at once would exhaust the usual 1,024-descriptor limit. Both contenders keep this
/// many in flight (a sliding window), which still keeps both workers busy.
const WINDOW: usize = 64;

fn add_one(n: u64) -> u64 {
    n + 1
}
static ADD_ONE: corio_blocking::process::ProcessFn<u64, u64> =
    corio_blocking::process::ProcessFn::new("add_one", add_one);

/// Registers the worker functions; in a worker process, serves and exits.
pub(crate) fn init_process_workers() {
    corio_blocking::process::init(&[&ADD_ONE]);
    procspawn::init();
}

pub(crate) fn cases() -> Vec<Case> {
    vec![
        Case {
            metrics: vec![Metric {
                id: "to_thread",
                title: "100k to_thread calls",
                unit: Unit::Cpu,
            }],
            corio: Contender {
                label: "corio_blocking::to_thread",
                bench: to_thread_corio,
            },
            tokio: Some(Contender {
                label: "tokio::task::spawn_blocking",
                bench: to_thread_tokio,
            }),
            smol: Some(Contender {
                label: "blocking::unblock",
                bench: to_thread_smol,
            }),
            repeat: Repeat::Timed,
            note: "Hands 100,000 trivial closures (each returns its index) to the runtime's thread pool at once, then awaits every future in order on a single-thread executor and checks the sum. Each pool first runs 1,000 closures untimed, so that its threads exist (tokio's pool belongs to the runtime built for the run; corio's and blocking's are process-wide). CPU time counts the pool threads too.",
        },
        Case {
            metrics: vec![Metric {
                id: "to_thread_seq",
                title: "10k to_thread round trips, one at a time",
                unit: Unit::Wall,
            }],
            corio: Contender {
                label: "corio_blocking::to_thread",
                bench: round_trips_corio,
            },
            tokio: Some(Contender {
                label: "tokio::task::spawn_blocking",
                bench: round_trips_tokio,
            }),
            smol: Some(Contender {
                label: "blocking::unblock",
                bench: round_trips_smol,
            }),
            repeat: Repeat::Timed,
            note: "Awaits 10,000 trivial closures one after the other, each handed to the pool only when the previous one came back: the latency of a hand-off to a pool thread and back to a single-thread executor. Wall-clock time (the waiting is the cost); pools warmed up as in the row above.",
        },
        Case {
            metrics: vec![Metric {
                id: "process_pool",
                title: "10k small jobs, 2 worker processes",
                unit: Unit::Wall,
            }],
            corio: Contender {
                label: "corio_blocking ProcessPoolExecutor",
                bench: process_pool_corio,
            },
            tokio: None,
            smol: Some(Contender {
                label: "procspawn::Pool",
                bench: process_pool_procspawn,
            }),
            repeat: Repeat::Timed,
            note: "Runs 10,000 jobs (add one to a u64) through a pool of two worker processes, which are this binary re-executed, 64 in flight at a time (procspawn needs four descriptors per job in flight), collecting every result in order and checking the sum; wall-clock time, since the work happens in other processes. The pool is started and warmed up (100 jobs) before the clock starts. tokio and smol have no process pool; procspawn (serde over ipc-channel) is the Rust crate that does the same.",
        },
    ]
}

fn to_thread_corio() -> Vec<Sample> {
    let warm: Vec<_> = (0..WARM_UP)
        .map(|i| corio_blocking::to_thread(move || i))
        .collect();
    futures_lite::future::block_on(async {
        for w in warm {
            w.await.unwrap();
        }
    });
    let (sum, timing) = rt::corio(async {
        let jobs: Vec<_> = (0..THREAD_JOBS)
            .map(|i| corio_blocking::to_thread(move || i))
            .collect();
        let mut sum = 0;
        for job in jobs {
            sum += job.await.unwrap();
        }
        sum
    });
    assert_eq!(sum, THREAD_JOBS * (THREAD_JOBS - 1) / 2);
    vec![timing.cpu_sample()]
}

fn to_thread_tokio() -> Vec<Sample> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        let warm: Vec<_> = (0..WARM_UP)
            .map(|i| tokio::task::spawn_blocking(move || i))
            .collect();
        for w in warm {
            w.await.unwrap();
        }
    });
    let clock = Stopwatch::start();
    let sum = rt.block_on(async {
        let jobs: Vec<_> = (0..THREAD_JOBS)
            .map(|i| tokio::task::spawn_blocking(move || i))
            .collect();
        let mut sum = 0;
        for job in jobs {
            sum += job.await.unwrap();
        }
        sum
    });
    let timing = clock.stop();
    assert_eq!(sum, THREAD_JOBS * (THREAD_JOBS - 1) / 2);
    vec![timing.cpu_sample()]
}

fn to_thread_smol() -> Vec<Sample> {
    let warm: Vec<_> = (0..WARM_UP).map(|i| blocking::unblock(move || i)).collect();
    futures_lite::future::block_on(async {
        for w in warm {
            w.await;
        }
    });
    let (sum, timing) = rt::smol(|_ex| async {
        let jobs: Vec<_> = (0..THREAD_JOBS)
            .map(|i| blocking::unblock(move || i))
            .collect();
        let mut sum = 0;
        for job in jobs {
            sum += job.await;
        }
        sum
    });
    assert_eq!(sum, THREAD_JOBS * (THREAD_JOBS - 1) / 2);
    vec![timing.cpu_sample()]
}

fn round_trips_corio() -> Vec<Sample> {
    futures_lite::future::block_on(corio_blocking::to_thread(|| ())).unwrap();
    let (sum, timing) = rt::corio(async {
        let mut sum = 0;
        for i in 0..ROUND_TRIPS {
            sum += corio_blocking::to_thread(move || i).await.unwrap();
        }
        sum
    });
    assert_eq!(sum, ROUND_TRIPS * (ROUND_TRIPS - 1) / 2);
    vec![Sample::plain(timing.wall)]
}

fn round_trips_tokio() -> Vec<Sample> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("tokio runtime");
    rt.block_on(async { tokio::task::spawn_blocking(|| ()).await.unwrap() });
    let clock = Stopwatch::start();
    let sum = rt.block_on(async {
        let mut sum = 0;
        for i in 0..ROUND_TRIPS {
            sum += tokio::task::spawn_blocking(move || i).await.unwrap();
        }
        sum
    });
    let timing = clock.stop();
    assert_eq!(sum, ROUND_TRIPS * (ROUND_TRIPS - 1) / 2);
    vec![Sample::plain(timing.wall)]
}

fn round_trips_smol() -> Vec<Sample> {
    futures_lite::future::block_on(blocking::unblock(|| ()));
    let (sum, timing) = rt::smol(|_ex| async {
        let mut sum = 0;
        for i in 0..ROUND_TRIPS {
            sum += blocking::unblock(move || i).await;
        }
        sum
    });
    assert_eq!(sum, ROUND_TRIPS * (ROUND_TRIPS - 1) / 2);
    vec![Sample::plain(timing.wall)]
}

fn process_pool_corio() -> Vec<Sample> {
    let pool = corio_blocking::process::ProcessPoolExecutor::with_max_workers(WORKERS);
    let warm: Vec<_> = (0..100)
        .map(|i| pool.submit(&ADD_ONE, i).unwrap())
        .collect();
    for w in warm {
        w.result(None).unwrap();
    }
    let clock = Stopwatch::start();
    let mut in_flight = std::collections::VecDeque::with_capacity(WINDOW);
    let mut sum = 0;
    for i in 0..PROCESS_JOBS {
        if in_flight.len() == WINDOW {
            let oldest: corio_blocking::ConcurrentFuture<u64> = in_flight.pop_front().unwrap();
            sum += oldest.result(None).unwrap();
        }
        in_flight.push_back(pool.submit(&ADD_ONE, i).unwrap());
    }
    sum += in_flight
        .iter()
        .map(|f| f.result(None).unwrap())
        .sum::<u64>();
    let timing = clock.stop();
    assert_eq!(sum, PROCESS_JOBS * (PROCESS_JOBS + 1) / 2);
    drop(pool);
    vec![Sample::plain(timing.wall)]
}

fn process_pool_procspawn() -> Vec<Sample> {
    let pool = procspawn::Pool::new(WORKERS).expect("procspawn pool");
    let warm: Vec<_> = (0..100).map(|i| pool.spawn(i, add_one)).collect();
    for w in warm {
        w.join().unwrap();
    }
    let clock = Stopwatch::start();
    let mut in_flight = std::collections::VecDeque::with_capacity(WINDOW);
    let mut sum = 0;
    for i in 0..PROCESS_JOBS {
        if in_flight.len() == WINDOW {
            let oldest: procspawn::JoinHandle<u64> = in_flight.pop_front().unwrap();
            sum += oldest.join().unwrap();
        }
        in_flight.push_back(pool.spawn(i, add_one));
    }
    for h in in_flight {
        sum += h.join().unwrap();
    }
    let timing = clock.stop();
    assert_eq!(sum, PROCESS_JOBS * (PROCESS_JOBS + 1) / 2);
    pool.shutdown();
    vec![Sample::plain(timing.wall)]
}
