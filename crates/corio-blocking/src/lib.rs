//! The bridge between async code and blocking code, threads and processes, for any
//! executor: Python's `asyncio.to_thread`, `concurrent.futures` and the parts of
//! `multiprocessing` that asyncio programs use.
//!
//! This crate is the `blocking` part of [corio](https://docs.rs/corio), which brings
//! Python's asyncio to Rust. It depends on no runtime: its futures work under corio's,
//! tokio's or smol's executor alike (its tests prove each one), and its blocking calls work
//! from plain threads.
//!
//! | Python | corio-blocking | notes |
//! |---|---|---|
//! | `asyncio.to_thread(f)` | [`to_thread`] / [`unblock`] | a future of `f`'s output; a panic is [`FutureError::Panicked`] |
//! | `concurrent.futures.Future` | [`ConcurrentFuture`] | `result(timeout)`, `exception(timeout)`, `cancel`, done-callbacks, `.await` |
//! | `concurrent.futures.as_completed` / `wait` | [`as_completed`] / [`wait`] | blocking, from any thread |
//! | `ThreadPoolExecutor` | [`ThreadPoolExecutor`] | `submit`, `map` (input order), `shutdown(wait, cancel_futures)` |
//! | the default executor's threads | [`ThreadPool`], [`global_pool`] | min(32, cpus + 4) threads, started on demand, idle ones leave |
//! | `ProcessPoolExecutor`, `multiprocessing.Pool` | [`process::ProcessPoolExecutor`] | workers are this binary re-run; functions registered by name |
//! | `multiprocessing.Process` | [`process::Process`] | `start`, `join`, `join_timeout`, `is_alive`, `terminate`, `kill`, `close`, `pid`, `exitcode`, `name`, `daemon` |
//! | `multiprocessing.Value` + `get_lock()` | [`process::SharedValue`] | a lock shared by processes, released if its holder dies |
//! | `multiprocessing.Array` | [`process::SharedArray`] | fixed length, one lock shared by processes |
//! | `multiprocessing.Pipe` / `Connection` | [`process::pipe`] / [`process::Connection`] | typed (serde) messages; an end goes to a child as a `Process` argument |
//! | `multiprocessing.Queue` | [`process::Queue`] | many producers and consumers across processes; `put` never blocks |
//!
//! # When not to use it
//!
//! For CPU-bound work that must finish fast on many cores, a data-parallel library
//! (rayon) splits it better. Work that only waits on I/O is cheaper as async I/O than as a
//! thread.
//!
//! # Feature flags
//!
//! This crate has no feature flags. The facade `corio` re-exports it behind its
//! `blocking` feature.
//!
//! # Examples
//!
//! ```
//! use corio_blocking::{ThreadPoolExecutor, to_thread};
//!
//! # futures_lite::future::block_on(async {
//! // From async code: the closure blocks a pool thread, not the executor.
//! let len = to_thread(|| std::fs::read("Cargo.toml").map(|b| b.len())).await??;
//! assert!(len > 0);
//!
//! // From plain threads: submit and block on the result.
//! let pool = ThreadPoolExecutor::new();
//! let fut = pool.submit(|| 6 * 7)?;
//! assert_eq!(fut.result(None)?, 42);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

mod error;
mod future;
mod job_queue;
mod pool;
#[cfg(unix)]
#[cfg_attr(docsrs, doc(cfg(unix)))]
pub mod process;
mod thread_executor;
mod unblock;
mod wait;

pub use error::{AlreadyDone, FutureError, Panic, SubmitError};
pub use future::ConcurrentFuture;
pub use pool::{DEFAULT_KEEP_ALIVE, ThreadPool, ThreadPoolBuilder, default_thread_count};
pub use thread_executor::{MapResults, ThreadPoolExecutor};
pub use unblock::{Unblock, global_pool, to_thread, unblock};
pub use wait::{AsCompleted, DoneAndNotDone, ReturnWhen, as_completed, wait};

// The README's examples are doctests too, so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
