//! Row 7: bytes per parked task, from the peak RSS of a fresh child process.
//!
//! The parent re-executes this binary as `corio-benches --memory-child VARIANT RUNTIME`;
//! the child reads `VmHWM` from `/proc/self/status` once its runtime exists, spawns
//! 1,000,000 tasks that park, runs until every one of them is parked, reads `VmHWM` again
//! and prints `(after - before) / tasks` in bytes. It exits without tearing down (the
//! teardown is not measured and would only cost time).

use std::cell::Cell;
use std::process::{Command, ExitCode};
use std::sync::Arc;

/// The hidden first argument that makes this binary a memory child.
pub(crate) const CHILD_FLAG: &str = "--memory-child";

const TASKS: usize = 1_000_000;

thread_local! {
    static PARKED: Cell<usize> = const { Cell::new(0) };
}

fn parked() -> usize {
    PARKED.with(Cell::get)
}

fn park_one() {
    PARKED.with(|p| p.set(p.get() + 1));
}

/// What each task waits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Variant {
    /// The runtime family's event: corio_sync::Event, tokio::sync::Notify,
    /// event_listener::Event (what smol's crates are built on).
    Event,
    /// `std::future::pending()`: the task alone, no waiter node.
    Pending,
}

impl Variant {
    fn name(self) -> &'static str {
        match self {
            Variant::Event => "event",
            Variant::Pending => "pending",
        }
    }

    fn parse(s: &str) -> Option<Variant> {
        [Variant::Event, Variant::Pending]
            .into_iter()
            .find(|v| v.name() == s)
    }
}

/// Runs one memory child and returns its bytes per task.
pub(crate) fn measure(variant: Variant, runtime: &str) -> f64 {
    let exe = std::env::current_exe().expect("path of the running binary");
    let out = Command::new(exe)
        .args([CHILD_FLAG, variant.name(), runtime])
        .output()
        .expect("start the memory child");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "memory child {} {runtime} failed: {}\n{}",
        variant.name(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("memory child printed {stdout:?}, not a number"))
}

/// The child's `main`.
pub(crate) fn child_main(args: &[String]) -> ExitCode {
    let (Some(variant), Some(runtime)) =
        (args.first().and_then(|v| Variant::parse(v)), args.get(1))
    else {
        eprintln!("usage: corio-benches {CHILD_FLAG} event|pending corio|tokio|smol");
        return ExitCode::from(2);
    };
    let bytes = match runtime.as_str() {
        "corio" => corio(variant),
        "tokio" => tokio(variant),
        "smol" => smol(variant),
        other => {
            eprintln!("unknown runtime {other:?}");
            return ExitCode::from(2);
        }
    };
    println!("{bytes}");
    // Skip the teardown of a million tasks: nothing after this is measured.
    std::process::exit(0)
}

/// Peak resident set size so far, in bytes.
pub(crate) fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .expect("VmHWM in /proc/self/status");
    let kb: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .expect("VmHWM in kB");
    kb * 1024
}

fn per_task(before: u64) -> f64 {
    assert_eq!(parked(), TASKS);
    (peak_rss() - before) as f64 / TASKS as f64
}

fn corio(variant: Variant) -> f64 {
    let lp = corio_runtime::EventLoop::new().expect("corio event loop");
    let before = peak_rss();
    lp.run_until_complete(async move {
        let event = Arc::new(corio_sync::Event::new());
        for _ in 0..TASKS {
            let event = event.clone();
            let task = corio_runtime::spawn(async move {
                park_one();
                match variant {
                    Variant::Event => event.wait().await,
                    Variant::Pending => std::future::pending().await,
                }
            });
            drop(task);
        }
        while parked() < TASKS {
            corio_runtime::yield_now().await;
        }
    })
    .expect("run the memory case");
    let bytes = per_task(before);
    std::mem::forget(lp);
    bytes
}

fn tokio(variant: Variant) -> f64 {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("tokio runtime");
    let before = peak_rss();
    rt.block_on(async move {
        let notify = Arc::new(tokio::sync::Notify::new());
        for _ in 0..TASKS {
            let notify = notify.clone();
            drop(tokio::spawn(async move {
                park_one();
                match variant {
                    Variant::Event => notify.notified().await,
                    Variant::Pending => std::future::pending().await,
                }
            }));
        }
        while parked() < TASKS {
            tokio::task::yield_now().await;
        }
    });
    let bytes = per_task(before);
    std::mem::forget(rt);
    bytes
}

fn smol(variant: Variant) -> f64 {
    let ex = async_executor::LocalExecutor::new();
    let before = peak_rss();
    futures_lite::future::block_on(ex.run(async {
        let event = Arc::new(event_listener::Event::new());
        for _ in 0..TASKS {
            let event = event.clone();
            ex.spawn(async move {
                park_one();
                match variant {
                    Variant::Event => event.listen().await,
                    Variant::Pending => std::future::pending().await,
                }
            })
            .detach();
        }
        while parked() < TASKS {
            futures_lite::future::yield_now().await;
        }
    }));
    let bytes = per_task(before);
    std::mem::forget(ex);
    bytes
}
