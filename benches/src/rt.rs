//! Running one future on each runtime, the way its users do, and timing it.
//!
//! The runtime is built before the clock starts and torn down after it stops, so a row
//! times the work, not the setup. Both the wall-clock time and the CPU time of the whole
//! process (every thread, `CLOCK_PROCESS_CPUTIME_ID`) are taken: on a shared,
//! loaded machine the CPU time is the steadier measure of work done, and it counts the
//! helper threads a runtime may use.

use std::future::Future;
use std::rc::Rc;
use std::time::Instant;

use async_executor::LocalExecutor;

use crate::measure::Sample;

/// How long one run took.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timing {
    pub(crate) wall: f64,
    pub(crate) cpu: f64,
}

impl Timing {
    /// The sample of a CPU-time row: CPU seconds, with the wall time for reference.
    pub(crate) fn cpu_sample(self) -> Sample {
        Sample {
            value: self.cpu,
            wall: Some(self.wall),
        }
    }
}

/// A running stopwatch over both clocks (for rows that set up their runtime themselves).
pub(crate) struct Stopwatch {
    wall: Instant,
    cpu: f64,
}

impl Stopwatch {
    pub(crate) fn start() -> Stopwatch {
        Stopwatch {
            wall: Instant::now(),
            cpu: process_cpu_secs(),
        }
    }

    pub(crate) fn stop(self) -> Timing {
        let wall = self.wall.elapsed().as_secs_f64();
        Timing {
            wall,
            cpu: process_cpu_secs() - self.cpu,
        }
    }
}

/// CPU time used so far by every thread of this process, in seconds
/// (`CLOCK_PROCESS_CPUTIME_ID`, which is exact: the per-thread `schedstat` files only move
/// at scheduler ticks, 4 ms apart, which is too coarse for the short rows).
#[allow(unsafe_code)]
pub(crate) fn process_cpu_secs() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid, writable timespec for the duration of the call, and
    // CLOCK_PROCESS_CPUTIME_ID is a clock every Linux kernel supports.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
    t.tv_sec as f64 + t.tv_nsec as f64 / 1e9
}

/// Runs `future` on a fresh corio event loop (`EventLoop::run_until_complete`); returns
/// its output and how long it took.
pub(crate) fn corio<F>(future: F) -> (F::Output, Timing)
where
    F: Future + 'static,
    F::Output: 'static,
{
    let lp = corio_runtime::EventLoop::new().expect("corio event loop");
    let clock = Stopwatch::start();
    let out = lp
        .run_until_complete(future)
        .expect("corio run_until_complete");
    let timing = clock.stop();
    lp.close().expect("close the loop");
    (out, timing)
}

/// Runs `future` with `block_on` on a fresh tokio current-thread runtime (time enabled).
pub(crate) fn tokio<F: Future>(future: F) -> (F::Output, Timing) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("tokio runtime");
    let clock = Stopwatch::start();
    let out = rt.block_on(future);
    (out, clock.stop())
}

/// Runs `future` inside a `LocalSet` on a fresh tokio current-thread runtime with its I/O
/// driver and timers (`enable_all`): the network and child-process rows.
pub(crate) fn tokio_io<F: Future>(future: F) -> (F::Output, Timing) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let clock = Stopwatch::start();
    let out = rt.block_on(tokio::task::LocalSet::new().run_until(future));
    (out, clock.stop())
}

/// Runs `future` inside a `LocalSet` on a fresh tokio current-thread runtime (time
/// enabled), so that it can `tokio::task::spawn_local`. For spawn-heavy rows this was
/// measured faster than `tokio::spawn` on the bare current-thread scheduler (and slower for
/// yield-heavy ones), so each row uses whichever of the two serves tokio best.
pub(crate) fn tokio_local<F: Future>(future: F) -> (F::Output, Timing) {
    tokio(tokio::task::LocalSet::new().run_until(future))
}

/// Runs the future `make` builds on a fresh smol `LocalExecutor`, driven by
/// `futures_lite::future::block_on(ex.run(..))`.
pub(crate) fn smol<Fut: Future>(
    make: impl FnOnce(Rc<LocalExecutor<'static>>) -> Fut,
) -> (Fut::Output, Timing) {
    let ex = Rc::new(LocalExecutor::new());
    let future = make(ex.clone());
    let clock = Stopwatch::start();
    let out = futures_lite::future::block_on(ex.run(future));
    (out, clock.stop())
}

/// Like [`smol`], but driven by `async_io::block_on` (what `smol::block_on` is), which
/// runs async-io's reactor, and so its timers, on this thread: the idiomatic setup for
/// code that sleeps.
pub(crate) fn smol_io<Fut: Future>(
    make: impl FnOnce(Rc<LocalExecutor<'static>>) -> Fut,
) -> (Fut::Output, Timing) {
    let ex = Rc::new(LocalExecutor::new());
    let future = make(ex.clone());
    let clock = Stopwatch::start();
    let out = async_io::block_on(ex.run(future));
    (out, clock.stop())
}
