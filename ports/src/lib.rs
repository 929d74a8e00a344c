//! Rust equivalents of the helpers that the seed programs import from `util.py`:
//! [`delay`], [`async_timed`] and [`fetch_status`]; with [`http`] (the part of aiohttp the
//! seeds use) and [`standin`] (`standin.py`, the local HTTP server they fetch from); the
//! throw-away Redis server ([`redis_server`]) and Python's `threading.get_ident`
//! ([`thread_ident`]).
//!
//! The seed ports live in `examples/` (one example a seed program: `s0-06-call-later.py` →
//! `cargo run -p corio-ports --example s0_06_call_later`) and their recorded Python outputs in
//! `goldens/`; `cargo xtask goldens [AREA]` runs and compares them. The package exists so that
//! the ports and ~900 KB of goldens are not shipped with the facade.
//!
//! A port names this library `util` (`use corio_ports as util;`). It is a library rather than
//! a module each example includes so that its HTTP, Redis and database stand-ins are compiled
//! once, not once per port (104 copies of hyper's server and client code made the ports' build
//! the slowest part of CI).

pub mod fakepg;
pub mod http;
pub mod pyrandom;
pub mod redis_server;
pub mod standin;

use std::fmt::Debug;
use std::future::Future;
use std::time::{Duration, Instant};

/// util.py's `delay`: says it sleeps, sleeps `delay_seconds` on the running loop's clock,
/// says it is done, and gives `delay_seconds` back.
///
/// # Cancel safety
///
/// Cancelling it mid-sleep drops it there: the "finished" line is not printed, as in Python
/// where the `CancelledError` ends the coroutine at its `await asyncio.sleep`.
pub async fn delay(delay_seconds: u64) -> u64 {
    println!("sleeping for {delay_seconds} second(s)");
    corio::sleep(Duration::from_secs(delay_seconds)).await;
    println!("finished sleeping for {delay_seconds} second(s)");
    delay_seconds
}

/// util.py's `@async_timed()` decorator, applied by hand: a decorated `async fn f(args)`
/// becomes `async fn f(args) { async_timed("f", (args,), async move { body }).await }`.
///
/// When the returned future first runs (not when it is made: like a coroutine, it starts
/// when awaited or scheduled) it prints `starting <function NAME> with args ARGS`, where
/// ARGS is the Debug form of the argument tuple, `()` or `(2,)` as Python prints it (Rust
/// has no keyword arguments, so Python's trailing `{}` has no counterpart). When `body`
/// finishes, or is dropped unfinished (the task was cancelled: Python's `finally`), it
/// prints `finished <function NAME> in X.XXXX second(s)` with the measured time.
///
/// Python measures with `time.time()`; this uses the monotonic `Instant`, which cannot
/// jump with the wall clock.
///
/// # Cancel safety
///
/// Dropping it drops `body` and still prints the "finished" line.
pub async fn async_timed<F: Future>(name: &str, args: impl Debug, body: F) -> F::Output {
    println!("starting <function {name}> with args {args:?}");
    let _finished = Finished {
        name,
        start: Instant::now(),
    };
    body.await
}

/// Prints `async_timed`'s last line when dropped, so that it also runs on cancellation.
struct Finished<'a> {
    name: &'a str,
    start: Instant,
}

impl Drop for Finished<'_> {
    fn drop(&mut self) {
        println!(
            "finished <function {}> in {:.4} second(s)",
            self.name,
            self.start.elapsed().as_secs_f64()
        );
    }
}

/// The seeds' `cpu_bound_work` (s1-16, s1-17, s1-21): counts without awaiting, so the step
/// holds the loop, and gives the count back.
///
/// The Python copy counts to 5 000 000, which takes CPython about 0.3 s. A fixed count in
/// Rust would take a time that depends on the CPU (s1-21 needs the step to be slower than
/// debug mode's 100 ms threshold, on a CPU three times faster too), so this counts until
/// [`CPU_BOUND_WORK`] has passed, reading the clock every 2^20 increments; `black_box`
/// keeps the compiler from folding the count away.
pub async fn cpu_bound_work() -> u64 {
    async_timed("cpu_bound_work", (), async {
        let start = Instant::now();
        let mut counter: u64 = 0;
        loop {
            for _ in 0..1 << 20 {
                counter = std::hint::black_box(counter) + 1;
            }
            if start.elapsed() >= CPU_BOUND_WORK {
                break counter;
            }
        }
    })
    .await
}

/// How long [`cpu_bound_work`] holds the loop: about what the Python copy takes, and three
/// times debug mode's slow-step threshold.
pub const CPU_BOUND_WORK: Duration = Duration::from_millis(300);

/// Python's `threading.get_ident()`: a number that identifies the calling thread among the
/// live threads. Python gives the thread's `pthread_t`, the address of its thread control
/// block; this gives the address of a thread-local of this module, which is unique to the
/// thread in the same way (std's `ThreadId` has no stable numeric form).
pub fn thread_ident() -> usize {
    thread_local! {
        static MARK: u8 = const { 0 };
    }
    MARK.with(|mark| std::ptr::from_ref(mark) as usize)
}

/// Python's `time.ctime()`: the local time as `Mon Nov 30 19:44:27 2026` (the day of the
/// month padded with a space, as C's `asctime` does).
pub fn ctime() -> String {
    chrono::Local::now()
        .format("%a %b %e %H:%M:%S %Y")
        .to_string()
}

/// util.py's `fetch_status` (decorated with `@async_timed()`): sleeps `delay_seconds`, then
/// `session.get(url)` and gives the response's status.
///
/// # Cancel safety
///
/// Dropping it drops the request (its connection is closed) and prints the "finished" line.
pub async fn fetch_status(
    session: http::ClientSession,
    url: String,
    delay_seconds: u64,
) -> Result<u16, http::ClientError> {
    async_timed("fetch_status", (session.clone(), url.clone()), async move {
        corio::sleep(Duration::from_secs(delay_seconds)).await;
        session.get(&url).await.map(|status| status.as_u16())
    })
    .await
}
