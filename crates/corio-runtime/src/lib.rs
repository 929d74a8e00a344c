//! corio's event loop: asyncio's loop API over corio's executor, reactor and timers.
//!
//! [`EventLoop`] is asyncio's loop in Rust's shape: [`call_soon`](EventLoop::call_soon),
//! [`call_later`](EventLoop::call_later), [`call_at`](EventLoop::call_at) and
//! [`call_soon_threadsafe`](LoopHandle::call_soon_threadsafe) return cancellable handles;
//! [`run_until_complete`](EventLoop::run_until_complete), [`run_forever`](EventLoop::run_forever),
//! [`stop`](EventLoop::stop) and [`close`](EventLoop::close) follow asyncio's rules;
//! [`spawn`] and [`create_task`](EventLoop::create_task) spawn tasks ([`Task`], shared as
//! [`SharedTask`]), [`SettableFuture`] is
//! asyncio's `Future`, [`run`] is `asyncio.run`, and debug mode reports slow steps.
//!
//! Each iteration does what asyncio's does: wait for I/O (not at all when something is
//! ready, else until the next timer), queue the I/O wakeups, then the timers that are due,
//! then run exactly the entries that were ready when the batch began. Callbacks and task
//! steps share one FIFO queue, so programs print in the order asyncio prints.
//!
//! Misuse is a typed error ([`LoopError`], [`FutureError`]), never a panic or a hang; a
//! panicking callback or task does not take the loop down.
//!
//! Blocking work goes to other threads or processes without blocking the loop:
//! [`run_in_executor`](EventLoop::run_in_executor) (the loop's default thread pool, or any
//! [`Executor`] of corio-blocking's) and [`to_thread`]; other threads hand the loop work with
//! [`call_soon_threadsafe`](LoopHandle::call_soon_threadsafe) and
//! [`run_coroutine_threadsafe`], whose thread-safe future any thread can block on.
//!
//! # When not to use it
//!
//! Depend on the `corio` facade unless you want the loop without the rest. For CPU-bound
//! parallel work, a single-thread loop is the wrong tool: hand it to a process pool with
//! [`run_in_executor`](EventLoop::run_in_executor).
//!
//! # Examples
//!
//! ```
//! use std::time::Duration;
//! use corio_runtime::{run, sleep, spawn};
//!
//! let out = run(async {
//!     let slow = spawn(async {
//!         sleep(Duration::from_millis(20)).await;
//!         "slow"
//!     });
//!     let fast = spawn(async { "fast" });
//!     (fast.await.unwrap(), slow.await.unwrap())
//! })?;
//! assert_eq!(out, ("fast", "slow"));
//! # Ok::<(), corio_runtime::LoopError>(())
//! ```
//!
//! # Feature flags
//!
//! This crate has no feature flags.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

mod builder;
mod combinators;
mod current;
mod debug;
mod error;
mod event_loop;
mod executor_bridge;
mod executor_future;
mod extensions;
mod future;
mod handle;
mod interrupt;
mod loop_handle;
mod owners;
mod run;
mod sigint;
mod threadsafe;
mod time_arg;
mod timers;

pub use builder::Builder;
pub use combinators::{
    ALL_COMPLETED, AsCompleted, ChildError, FIRST_COMPLETED, FIRST_EXCEPTION, Fallible, Gather,
    GatherAll, GatherTuple, GatherTupleAll, GroupSpawnError, GroupSpawner, ReturnWhen, Shield,
    TaskGroup, TaskGroupError, WaitEmpty, Waitable, as_completed, gather, shield, task_group, wait,
    wait_for,
};
#[doc(hidden)]
pub use combinators::{GatherChild, GatherChildren, TryGatherChildren};
pub use current::{all_tasks, get_event_loop, get_running_loop, set_event_loop, spawn, try_spawn};
pub use debug::{Report, ReportKind, default_exception_handler};
pub use error::{FutureError, LoopError};
pub use event_loop::EventLoop;
pub use executor_bridge::{Executor, ExecutorArg, to_thread};
pub use executor_future::{ExecutorFuture, wrap_future};
pub use future::SettableFuture;
pub use handle::TimerHandle;
pub use loop_handle::LoopHandle;
pub use run::run;
pub use threadsafe::{CoroutinePanicked, run_coroutine_threadsafe};
pub use time_arg::{Delay, When};

#[doc(no_inline)]
pub use corio_signal::reraise_sigint;

#[doc(no_inline)]
pub use corio_executor::{
    AnyTask, AwaitMark, CallbackOutput, CancelOnDrop, DoneWatch, Handle, Panic, SharedTask, Task,
    TaskError, TaskId, ThreadsafeHandle, current_task, yield_now,
};
#[doc(no_inline)]
pub use corio_time::{
    Elapsed, Interval, Sleep, Timeout, TimeoutHandle, TimeoutScope, interval, sleep, sleep_until,
    timeout, timeout_at, timeout_scope, timeout_scope_at,
};
