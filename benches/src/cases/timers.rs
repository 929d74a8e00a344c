//! Rows 5-6: many sleeps spread over a second, and timeouts cancelled before they fire.

use std::pin::pin;
use std::time::{Duration, Instant};

use futures_lite::future::poll_once;

use crate::measure::{Case, Contender, Metric, Repeat, Sample, Unit};
use crate::rng::{SEED, SplitMix64};
use crate::rt::{self, Timing};

const SLEEPERS: usize = 1_000_000;
const SPREAD_NS: u64 = 1_000_000_000;
const CANCELLED: usize = 1_000_000;
const FAR: Duration = Duration::from_secs(10);

pub(crate) fn cases() -> Vec<Case> {
    vec![
        Case {
            metrics: vec![
                Metric {
                    id: "sleep_total",
                    title: "1M sleeps over 1 s: total wall time",
                    unit: Unit::Wall,
                },
                Metric {
                    id: "sleep_late",
                    title: "1M sleeps over 1 s: mean lateness, all",
                    unit: Unit::Micros,
                },
                Metric {
                    id: "sleep_late_settled",
                    title: "1M sleeps over 1 s: mean lateness, after registration",
                    unit: Unit::Micros,
                },
            ],
            corio: Contender {
                label: "corio sleep_until",
                bench: sleep_corio,
            },
            tokio: Some(Contender {
                label: "tokio sleep_until (LocalSet)",
                bench: sleep_tokio,
            }),
            smol: Some(Contender {
                label: "async_io::Timer::at",
                bench: sleep_smol,
            }),
            repeat: Repeat::Timed,
            note: "1,000,000 tasks, one sleep each, with deadlines `start + d` where d is drawn uniformly from [0, 1 s) by SplitMix64 with a fixed seed (the same delays for every runtime and run). `sleep_total`: wall time until every task has woken and been awaited. `sleep_late`: mean of `wake - max(deadline, moment the task created its sleep)` over all timers; it includes the deadlines that pass while the loop is still polling the 1M new tasks for the first time, so it also measures how long a runtime lets timers wait behind a burst of ready tasks. `sleep_late_settled`: the same mean over only the timers due after the last task registered its sleep: timer precision on a loop that has nothing else to do (a run where registering the 1M sleeps took longer than the whole 1 s spread, as happens on a heavily loaded machine, has no such timer and counts as the worst run; n/a when most runs are like that). tokio's timer wheel has 1 ms resolution and rounds deadlines up. smol is driven by `async_io::block_on` here (what `smol::block_on` is), so its timers run on this thread.",
        },
        Case {
            metrics: vec![Metric {
                id: "timer_cancel",
                title: "1M timeouts set and cancelled",
                unit: Unit::Cpu,
            }],
            corio: Contender {
                label: "corio sleep",
                bench: cancel_corio,
            },
            tokio: Some(Contender {
                label: "tokio::time::sleep",
                bench: cancel_tokio,
            }),
            smol: Some(Contender {
                label: "async_io::Timer::after",
                bench: cancel_smol,
            }),
            repeat: Repeat::Timed,
            note: "In one task, 1,000,000 times: create a 10 s sleep, poll it once (so that it registers with the timer queue), drop it (which must deregister it). tokio's loop runs inside `tokio::task::unconstrained`: otherwise its cooperative budget makes every 128th poll return Pending without registering, which would skip the work being measured.",
        },
    ]
}

/// The deadlines, as offsets from the start of the run.
fn delays() -> Vec<Duration> {
    let mut rng = SplitMix64::new(SEED);
    (0..SLEEPERS)
        .map(|_| Duration::from_nanos(rng.below(SPREAD_NS)))
        .collect()
}

/// What one sleeper saw: when it created its sleep, and when it woke.
type Seen = (Instant, Instant);

/// The three metrics, from the run's start, every sleeper's record and the wall time.
fn summary(delays: &[Duration], start: Instant, seen: &[Seen], timing: Timing) -> Vec<Sample> {
    assert_eq!(seen.len(), delays.len());
    let registered = seen
        .iter()
        .map(|&(created, _)| created)
        .max()
        .expect("sleepers");
    let (mut all, mut settled, mut settled_n) = (0.0, 0.0, 0u64);
    for (&d, &(created, woke)) in delays.iter().zip(seen) {
        let deadline = start + d;
        all += woke
            .saturating_duration_since(deadline.max(created))
            .as_secs_f64();
        if deadline > registered {
            settled += woke.saturating_duration_since(deadline).as_secs_f64();
            settled_n += 1;
        }
    }
    let n = delays.len() as f64;
    vec![
        Sample::plain(timing.wall),
        Sample::plain(all / n * 1e6),
        // No timer due after registration (a very slow machine): no settled lateness to show.
        Sample::plain(if settled_n > 0 {
            settled / settled_n as f64 * 1e6
        } else {
            f64::NAN
        }),
    ]
}

fn sleep_corio() -> Vec<Sample> {
    let delays = delays();
    let ds = delays.clone();
    let ((start, seen), timing) = rt::corio(async move {
        let start = Instant::now();
        let tasks: Vec<_> = ds
            .into_iter()
            .map(|d| {
                corio_runtime::spawn(async move {
                    let created = Instant::now();
                    corio_runtime::sleep_until(start + d).await;
                    (created, Instant::now())
                })
            })
            .collect();
        let mut seen = Vec::with_capacity(SLEEPERS);
        for t in tasks {
            seen.push(t.await.unwrap());
        }
        (start, seen)
    });
    summary(&delays, start, &seen, timing)
}

fn sleep_tokio() -> Vec<Sample> {
    let delays = delays();
    let ds = delays.clone();
    let ((start, seen), timing) = rt::tokio_local(async move {
        let start = Instant::now();
        let tasks: Vec<_> = ds
            .into_iter()
            .map(|d| {
                tokio::task::spawn_local(async move {
                    let created = Instant::now();
                    tokio::time::sleep_until((start + d).into()).await;
                    (created, Instant::now())
                })
            })
            .collect();
        let mut seen = Vec::with_capacity(SLEEPERS);
        for t in tasks {
            seen.push(t.await.unwrap());
        }
        (start, seen)
    });
    summary(&delays, start, &seen, timing)
}

fn sleep_smol() -> Vec<Sample> {
    let delays = delays();
    let ds = delays.clone();
    let ((start, seen), timing) = rt::smol_io(|ex| async move {
        let start = Instant::now();
        let tasks: Vec<_> = ds
            .into_iter()
            .map(|d| {
                ex.spawn(async move {
                    let created = Instant::now();
                    async_io::Timer::at(start + d).await;
                    (created, Instant::now())
                })
            })
            .collect();
        let mut seen = Vec::with_capacity(SLEEPERS);
        for t in tasks {
            seen.push(t.await);
        }
        (start, seen)
    });
    summary(&delays, start, &seen, timing)
}

fn cancel_corio() -> Vec<Sample> {
    let ((), timing) = rt::corio(async {
        for _ in 0..CANCELLED {
            let mut sleep = pin!(corio_runtime::sleep(FAR));
            assert!(poll_once(sleep.as_mut()).await.is_none());
        }
    });
    vec![timing.cpu_sample()]
}

fn cancel_tokio() -> Vec<Sample> {
    let ((), timing) = rt::tokio(tokio::task::unconstrained(async {
        for _ in 0..CANCELLED {
            let mut sleep = pin!(tokio::time::sleep(FAR));
            assert!(poll_once(sleep.as_mut()).await.is_none());
        }
    }));
    vec![timing.cpu_sample()]
}

fn cancel_smol() -> Vec<Sample> {
    let ((), timing) = rt::smol_io(|_| async {
        for _ in 0..CANCELLED {
            let mut timer = async_io::Timer::after(FAR);
            assert!(poll_once(&mut timer).await.is_none());
        }
    });
    vec![timing.cpu_sample()]
}
