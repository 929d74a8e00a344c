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
//! | `blocking` | via `runtime` | [`blocking`]: `to_thread`, `ConcurrentFuture`, `ThreadPoolExecutor`, `ProcessPoolExecutor`, `Process`, shared `Value` |
//! | `executor` | via `runtime` | [`executor`]: the task executor alone |
//! | `time` | via `runtime` | [`time`]: clocks, timer queue, `sleep`, `timeout`, `interval` |
//! | `reactor` | via `runtime` | [`reactor`]: I/O readiness and `Async<T>` |
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
    AnyTask, Builder, CancelOnDrop, CoroutinePanicked, Delay, EventLoop, Executor, ExecutorArg,
    ExecutorFuture, FutureError, Handle, LoopError, LoopHandle, Panic, Report, ReportKind,
    SettableFuture, SharedTask, Task, TaskError, TaskId, ThreadsafeHandle, TimerHandle, When,
    all_tasks, current_task, default_exception_handler, get_event_loop, get_running_loop, interval,
    run, run_coroutine_threadsafe, set_event_loop, sleep, sleep_until, spawn, timeout, to_thread,
    try_spawn, wrap_future, yield_now,
};

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
/// process pool executors, `Process` and the shared `Value` (`corio-blocking`).
#[cfg(feature = "blocking")]
#[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
#[doc(inline)]
pub use corio_blocking as blocking;

/// The README's examples, compiled and run as doctests so that they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
