//! # corio — Python's asyncio, in Rust
//!
//! corio brings the whole asyncio model to Rust: one event loop with `call_soon`,
//! `call_later` and `call_at`; futures and tasks with asyncio's ordering and cancellation
//! rules; sync primitives and queues; all as small crates that you can also pick one by one.
//! This facade re-exports them behind feature flags.
//!
//! A Python user finds each asyncio name in `docs/asyncio-mapping.md`.
//!
//! # Examples
//!
//! ```
//! use std::time::Duration;
//!
//! # #[cfg(feature = "runtime")]
//! let out = corio::run(async {
//!     let lp = corio::get_running_loop().unwrap();
//!     lp.call_soon(|| println!("a callback, before the task's next step")).unwrap();
//!     let task = corio::spawn(async {
//!         corio::sleep(Duration::from_millis(10)).await;
//!         "from a task"
//!     });
//!     task.await.unwrap()
//! })
//! .unwrap();
//! # #[cfg(feature = "runtime")]
//! assert_eq!(out, "from a task");
//! ```
//!
//! # Feature flags
//!
//! | feature | default | what it brings |
//! |---|---|---|
//! | `runtime` | yes | the event loop ([`EventLoop`], [`run`], [`spawn`], [`to_thread`], [`run_coroutine_threadsafe`], ...); turns on `executor`, `time`, `reactor` and `blocking` |
//! | `sync` | yes | [`sync`]: `Lock`, `Event`, `Condition`, `Semaphore`, `BoundedSemaphore`, `Barrier`, `Mutex`, `RwLock` |
//! | `channel` | yes | [`channel`]: `Queue`, `PriorityQueue`, `LifoQueue`, channels |
//! | `blocking` | via `runtime` | [`blocking`]: `to_thread`, `ConcurrentFuture`, `ThreadPoolExecutor`, `ProcessPoolExecutor`, `Process`, `Pipe`, `Queue`, shared `Value` and `Array` |
//! | `executor` | via `runtime` | [`executor`]: the task executor alone |
//! | `time` | via `runtime` | [`time`]: clocks, timer queue, `sleep`, `timeout`, `interval` |
//! | `reactor` | via `runtime` | [`reactor`]: I/O readiness and `Async<T>` |
//! | `net` | no | [`net`]: TCP, UDP and Unix sockets, asyncio streams ([`open_connection`], [`start_server`], [`StreamReader`], [`StreamWriter`]), the loop's `sock_*`/`add_reader` methods; turns on `runtime` |
//! | `tls` | no | TLS through rustls on streams and servers; turns on `net` |
//! | `hyper` | no | [`net::hyper`]: hyper 1.x's runtime traits over corio (`HyperIo`, `CorioExecutor`, `CorioTimer`); turns on `net` |
//! | `macros` | no | [`main`] and [`test`]: `#[corio::main] async fn main()`; turns on `runtime` |
//! | `process` | no | [`process`]: subprocesses (`create_subprocess_exec`, `Process`, `communicate`) and signals (`add_signal_handler`, signal streams, `KeyboardInterrupt`); turns on `runtime` |
//! | `full` | no | everything |
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

/// The event loop (`corio-runtime`).
#[cfg(feature = "runtime")]
#[cfg_attr(docsrs, doc(cfg(feature = "runtime")))]
#[doc(inline)]
pub use corio_runtime as runtime;

#[cfg(feature = "runtime")]
#[cfg_attr(docsrs, doc(cfg(feature = "runtime")))]
#[doc(inline)]
pub use corio_runtime::{
    AnyTask, Builder, CancelOnDrop, CoroutinePanicked, Delay, Elapsed, EventLoop, Executor,
    ExecutorArg, ExecutorFuture, FutureError, Handle, LoopError, LoopHandle, Panic, Report,
    ReportKind, SettableFuture, SharedTask, Task, TaskError, TaskId, ThreadsafeHandle, TimerHandle,
    When, all_tasks, current_task, default_exception_handler, get_event_loop, get_running_loop,
    interval, reraise_sigint, run, run_coroutine_threadsafe, set_event_loop, sleep, sleep_until,
    spawn, timeout, timeout_at, to_thread, try_spawn, wrap_future, yield_now,
};

/// Timeout scopes that the block can reschedule (asyncio 3.11's `timeout()`).
#[cfg(feature = "runtime")]
#[cfg_attr(docsrs, doc(cfg(feature = "runtime")))]
#[doc(inline)]
pub use corio_runtime::{TimeoutHandle, TimeoutScope, timeout_scope, timeout_scope_at};

/// The combinators: `gather` / `gather!`, `wait`, `as_completed`, `wait_for`, `shield`,
/// `TaskGroup`.
#[cfg(feature = "runtime")]
#[cfg_attr(docsrs, doc(cfg(feature = "runtime")))]
#[doc(inline)]
pub use corio_runtime::{
    ALL_COMPLETED, AsCompleted, ChildError, DoneWatch, FIRST_COMPLETED, FIRST_EXCEPTION, Fallible,
    Gather, GatherAll, GatherTuple, GatherTupleAll, GroupSpawnError, GroupSpawner, ReturnWhen,
    Shield, TaskGroup, TaskGroupError, WaitEmpty, Waitable, as_completed, gather, shield,
    task_group, wait, wait_for,
};

/// Runs an `async fn` on a new event loop: asyncio's `asyncio.run(main())` under
/// `if __name__ == "__main__":`.
///
/// The function's body becomes the main task of a new loop, run by [`run`]'s rules: when it
/// returns, tasks still pending are cancelled and the loop is closed. The function keeps its
/// return type, so `async fn main() -> Result<(), E>` works with `?`. It takes no arguments.
///
/// Options, comma-separated: `virtual_time` (a loop on a virtual clock, which jumps to the
/// next timer when every task waits), `debug` or `debug = false` (debug mode; by default it
/// follows `CORIO_DEBUG`, as [`EventLoop::new`] does), `crate = "path"` (where this crate
/// is, if renamed).
///
/// # Panics
///
/// If the body panics, with the body's own payload (resumed as it was); if the loop cannot
/// be made (out of file descriptors), with a message.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// #[corio::main]
/// async fn main() -> Result<(), Box<dyn std::error::Error>> {
///     let lp = corio::get_running_loop()?;
///     let task = lp.create_task(async {
///         corio::sleep(Duration::from_millis(5)).await;
///         21
///     })?;
///     let n = task.await?;
///     assert_eq!(n * 2, 42);
///     Ok(())
/// }
/// ```
///
/// Misuse is a compile error that says what to change:
///
/// ```compile_fail
/// #[corio::main]
/// fn main() {} // not async
/// ```
#[cfg(feature = "macros")]
#[cfg_attr(docsrs, doc(cfg(feature = "macros")))]
#[doc(alias = "asyncio.run")]
#[doc(inline)]
pub use corio_macros::main;

/// Runs an `async fn` test on a new event loop: `#[test]` plus what [`main`](macro@main)
/// does, with the same options (`virtual_time` makes tests of long timeouts instant and
/// deterministic).
///
/// # Panics
///
/// As [`main`](macro@main): the test fails if the body panics.
///
/// # Examples
///
/// ```
/// #[corio::test(virtual_time)]
/// async fn an_hour_passes_at_once() {
///     let lp = corio::get_running_loop().unwrap();
///     let start = lp.time();
///     corio::sleep(std::time::Duration::from_secs(3600)).await;
///     assert!(lp.time() - start >= 3600.0);
/// }
///
/// #[corio::test]
/// async fn with_errors() -> Result<(), corio::LoopError> {
///     corio::get_running_loop()?;
///     Ok(())
/// }
/// ```
#[cfg(feature = "macros")]
#[cfg_attr(docsrs, doc(cfg(feature = "macros")))]
#[doc(inline)]
pub use corio_macros::test;

/// The task executor (`corio-executor`).
#[cfg(feature = "executor")]
#[cfg_attr(docsrs, doc(cfg(feature = "executor")))]
#[doc(inline)]
pub use corio_executor as executor;

/// Clocks, timers, `sleep`, `timeout`, `interval` (`corio-time`).
#[cfg(feature = "time")]
#[cfg_attr(docsrs, doc(cfg(feature = "time")))]
#[doc(inline)]
pub use corio_time as time;

/// I/O readiness and `Async<T>` (`corio-reactor`).
#[cfg(feature = "reactor")]
#[cfg_attr(docsrs, doc(cfg(feature = "reactor")))]
#[doc(inline)]
pub use corio_reactor as reactor;

/// Synchronisation primitives that work under any executor (`corio-sync`).
#[cfg(feature = "sync")]
#[cfg_attr(docsrs, doc(cfg(feature = "sync")))]
#[doc(inline)]
pub use corio_sync as sync;

/// Queues and channels that work under any executor (`corio-channel`).
#[cfg(feature = "channel")]
#[cfg_attr(docsrs, doc(cfg(feature = "channel")))]
#[doc(inline)]
pub use corio_channel as channel;

/// Threads and processes for any executor: `to_thread`, `ConcurrentFuture`, the thread and
/// process pool executors, `Process`, `Pipe`, `Queue`, and the shared `Value` and `Array` (`corio-blocking`).
#[cfg(feature = "blocking")]
#[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
#[doc(inline)]
pub use corio_blocking as blocking;
/// Sockets, asyncio streams and servers, TLS, transports and protocols, and hyper on corio
/// (`corio-net`).
#[cfg(feature = "net")]
#[cfg_attr(docsrs, doc(cfg(feature = "net")))]
#[doc(inline)]
pub use corio_net as net;

#[cfg(feature = "net")]
#[cfg_attr(docsrs, doc(cfg(feature = "net")))]
#[doc(inline)]
pub use corio_net::{
    Server, StreamReader, StreamWriter, open_connection, open_unix_connection, start_server,
    start_unix_server,
};

/// Subprocesses and signals (`corio-process`): `create_subprocess_exec` /
/// `create_subprocess_shell`, `Process`, `loop.subprocess_exec` with a `SubprocessProtocol`,
/// `add_signal_handler`, signal streams and the `KeyboardInterrupt` guard.
#[cfg(feature = "process")]
#[cfg_attr(docsrs, doc(cfg(feature = "process")))]
#[doc(inline)]
pub use corio_process as process;

/// The README's examples, compiled and run as doctests so that they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
