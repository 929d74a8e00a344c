//! Row 8: queue and channel throughput, each on its own runtime's single-thread executor.

use crate::measure::{Case, Contender, Metric, Repeat, Sample, Unit};
use crate::rt;

const ITEMS: u64 = 1_000_000;
/// Every channel is bounded to the same capacity (tokio's mpsc has to be bounded, and a
/// bounded queue is what backpressure needs); 1,024 slots.
const CAP: usize = 1024;

pub(crate) fn cases() -> Vec<Case> {
    let note_1 = "One producer task sends 1,000,000 integers into a channel bounded to 1,024 slots; one consumer task receives them all and checks the sum. corio's asyncio `Queue` (`put`/`get`) and its `mpmc` channel run on corio's loop, `tokio::sync::mpsc` on tokio's current-thread runtime, async-channel on smol's LocalExecutor.";
    let note_4 = "Four producer tasks send 250,000 integers each into one channel bounded to 1,024 slots; four consumer tasks receive 250,000 each; the sum is checked. tokio's mpsc has a single receiver, so tokio's entry shares it between the four consumers behind a `tokio::sync::Mutex` (the usual tokio idiom for several consumers).";
    vec![
        Case {
            metrics: vec![Metric {
                id: "queue_1p1c",
                title: "Queue 1 producer / 1 consumer, 1M items",
                unit: Unit::Cpu,
            }],
            corio: Contender {
                label: "corio_channel::Queue",
                bench: queue_1_corio,
            },
            tokio: Some(Contender {
                label: "tokio::sync::mpsc",
                bench: mpsc_1_tokio,
            }),
            smol: Some(Contender {
                label: "async-channel",
                bench: async_channel_1,
            }),
            repeat: Repeat::Timed,
            note: note_1,
        },
        Case {
            metrics: vec![Metric {
                id: "mpmc_1p1c",
                title: "mpmc 1 producer / 1 consumer, 1M items",
                unit: Unit::Cpu,
            }],
            corio: Contender {
                label: "corio_channel::mpmc",
                bench: mpmc_1_corio,
            },
            tokio: Some(Contender {
                label: "tokio::sync::mpsc",
                bench: mpsc_1_tokio,
            }),
            smol: Some(Contender {
                label: "async-channel",
                bench: async_channel_1,
            }),
            repeat: Repeat::Timed,
            note: note_1,
        },
        Case {
            metrics: vec![Metric {
                id: "queue_4p4c",
                title: "Queue 4 producers / 4 consumers, 1M items",
                unit: Unit::Cpu,
            }],
            corio: Contender {
                label: "corio_channel::Queue",
                bench: queue_4_corio,
            },
            tokio: Some(Contender {
                label: "tokio mpsc, receiver in a Mutex",
                bench: mpsc_4_tokio,
            }),
            smol: Some(Contender {
                label: "async-channel",
                bench: async_channel_4,
            }),
            repeat: Repeat::Timed,
            note: note_4,
        },
        Case {
            metrics: vec![Metric {
                id: "mpmc_4p4c",
                title: "mpmc 4 producers / 4 consumers, 1M items",
                unit: Unit::Cpu,
            }],
            corio: Contender {
                label: "corio_channel::mpmc",
                bench: mpmc_4_corio,
            },
            tokio: Some(Contender {
                label: "tokio mpsc, receiver in a Mutex",
                bench: mpsc_4_tokio,
            }),
            smol: Some(Contender {
                label: "async-channel",
                bench: async_channel_4,
            }),
            repeat: Repeat::Timed,
            note: note_4,
        },
    ]
}

const fn expected_sum(n: u64) -> u64 {
    n * (n - 1) / 2
}

/// Producer `p` of `producers` sends the integers `i` with `i % producers == p`.
fn share(p: u64, producers: u64) -> impl Iterator<Item = u64> {
    (p..ITEMS).step_by(producers as usize)
}

fn queue_1_corio() -> Vec<Sample> {
    corio_pipe(1, || corio_channel::Queue::new(CAP))
}

fn queue_4_corio() -> Vec<Sample> {
    corio_pipe(4, || corio_channel::Queue::new(CAP))
}

fn mpmc_1_corio() -> Vec<Sample> {
    corio_pipe(1, || corio_channel::mpmc::bounded(CAP).unwrap())
}

fn mpmc_4_corio() -> Vec<Sample> {
    corio_pipe(4, || corio_channel::mpmc::bounded(CAP).unwrap())
}

/// corio's two bounded channels, seen the same way by [`corio_pipe`]: each task holds a
/// clone and sends or receives through it.
trait CorioPipe: Clone + 'static {
    async fn send(&self, v: u64);
    async fn recv(&self) -> u64;
}

impl CorioPipe for corio_channel::Queue<u64> {
    async fn send(&self, v: u64) {
        self.put(v).await.unwrap();
    }
    async fn recv(&self) -> u64 {
        self.get().await.unwrap()
    }
}

impl CorioPipe
    for (
        corio_channel::mpmc::Sender<u64>,
        corio_channel::mpmc::Receiver<u64>,
    )
{
    async fn send(&self, v: u64) {
        self.0.send(v).await.unwrap();
    }
    async fn recv(&self) -> u64 {
        self.1.recv().await.unwrap()
    }
}

/// `n` producer tasks and `n` consumer tasks on corio's loop, over the channel `make` builds.
fn corio_pipe<P: CorioPipe>(n: u64, make: fn() -> P) -> Vec<Sample> {
    let (sum, timing) = rt::corio(async move {
        let pipe = make();
        let producers: Vec<_> = (0..n)
            .map(|p| {
                let pipe = pipe.clone();
                corio_runtime::spawn(async move {
                    for i in share(p, n) {
                        pipe.send(i).await;
                    }
                })
            })
            .collect();
        let consumers: Vec<_> = (0..n)
            .map(|_| {
                let pipe = pipe.clone();
                corio_runtime::spawn(async move {
                    let mut sum = 0;
                    for _ in 0..ITEMS / n {
                        sum += pipe.recv().await;
                    }
                    sum
                })
            })
            .collect();
        drop(pipe);
        for p in producers {
            p.await.unwrap();
        }
        let mut sum = 0;
        for c in consumers {
            sum += c.await.unwrap();
        }
        sum
    });
    assert_eq!(sum, expected_sum(ITEMS));
    vec![timing.cpu_sample()]
}

fn mpsc_1_tokio() -> Vec<Sample> {
    let (sum, timing) = rt::tokio(async {
        let (tx, mut rx) = tokio::sync::mpsc::channel(CAP);
        let producer = tokio::spawn(async move {
            for i in share(0, 1) {
                tx.send(i).await.unwrap();
            }
        });
        let consumer = tokio::spawn(async move {
            let mut sum = 0;
            for _ in 0..ITEMS {
                sum += rx.recv().await.unwrap();
            }
            sum
        });
        producer.await.unwrap();
        consumer.await.unwrap()
    });
    assert_eq!(sum, expected_sum(ITEMS));
    vec![timing.cpu_sample()]
}

fn mpsc_4_tokio() -> Vec<Sample> {
    const N: u64 = 4;
    let (sum, timing) = rt::tokio(async {
        let (tx, rx) = tokio::sync::mpsc::channel(CAP);
        let rx = std::sync::Arc::new(tokio::sync::Mutex::new(rx));
        let producers: Vec<_> = (0..N)
            .map(|p| {
                let tx = tx.clone();
                tokio::spawn(async move {
                    for i in share(p, N) {
                        tx.send(i).await.unwrap();
                    }
                })
            })
            .collect();
        let consumers: Vec<_> = (0..N)
            .map(|_| {
                let rx = rx.clone();
                tokio::spawn(async move {
                    let mut sum = 0;
                    for _ in 0..ITEMS / N {
                        sum += rx.lock().await.recv().await.unwrap();
                    }
                    sum
                })
            })
            .collect();
        for p in producers {
            p.await.unwrap();
        }
        let mut sum = 0;
        for c in consumers {
            sum += c.await.unwrap();
        }
        sum
    });
    assert_eq!(sum, expected_sum(ITEMS));
    vec![timing.cpu_sample()]
}

fn async_channel_1() -> Vec<Sample> {
    async_channel_n(1)
}

fn async_channel_4() -> Vec<Sample> {
    async_channel_n(4)
}

fn async_channel_n(n: u64) -> Vec<Sample> {
    let (sum, timing) = rt::smol(|ex| async move {
        let (tx, rx) = async_channel::bounded(CAP);
        let producers: Vec<_> = (0..n)
            .map(|p| {
                let tx = tx.clone();
                ex.spawn(async move {
                    for i in share(p, n) {
                        tx.send(i).await.unwrap();
                    }
                })
            })
            .collect();
        let consumers: Vec<_> = (0..n)
            .map(|_| {
                let rx = rx.clone();
                ex.spawn(async move {
                    let mut sum = 0;
                    for _ in 0..ITEMS / n {
                        sum += rx.recv().await.unwrap();
                    }
                    sum
                })
            })
            .collect();
        for p in producers {
            p.await;
        }
        let mut sum = 0;
        for c in consumers {
            sum += c.await;
        }
        sum
    });
    assert_eq!(sum, expected_sum(ITEMS));
    vec![timing.cpu_sample()]
}
