//! corio's task executor: a single-thread ready queue shared by callbacks and task steps.
//!
//! This is the part of an asyncio-style event loop that decides *what runs next*. It knows
//! nothing of I/O or time: whoever drives it (corio's event loop, or
//! [`LocalExecutor::block_on`] with a [`Park`] of your own) decides how to wait when nothing
//! is ready.
//!
//! - One FIFO ready queue holds both plain callbacks ([`LocalExecutor::call_soon`]) and task
//!   steps, which is what gives asyncio its ordering: a task woken before a callback was
//!   queued runs before it.
//! - [`LocalExecutor::run_batch`] runs exactly the entries that were ready when it began;
//!   entries queued meanwhile wait for the next batch (one asyncio loop iteration).
//! - Tasks accept `!Send` futures and keep running when their handles are dropped
//!   (asyncio's `create_task`). [`Task`] is the unique handle: awaited once, cancellable,
//!   nameable, one allocation per task in all. [`Task::share`] makes a [`SharedTask`]:
//!   `Clone + Eq + Hash`, every awaiter gets the output, and it takes done-callbacks, woken
//!   in registration order together with its awaiters.
//! - Wakes from other threads and [`Remote::call_soon_threadsafe`] go through a lock-free
//!   queue and an [`Unpark`]; wakes on the executor's own thread touch no atomics beyond
//!   async-task's reference counts.
//!
//! # Cancellation
//!
//! [`Task::cancel`] asks; the task is stopped at its next await point instead of being polled
//! again, its future is dropped (its destructors run: that is Rust's
//! `except CancelledError:` cleanup), and whoever awaits it gets [`TaskError::Cancelled`]. A
//! task cancelled before its first step never runs its body.
//!
//! # When not to use it
//!
//! Use the `corio` facade (or `corio-runtime`) for an event loop with timers and I/O. Depend
//! on this crate alone to embed asyncio-ordered scheduling in a loop of your own.
//!
//! # Examples
//!
//! ```
//! use std::cell::RefCell;
//! use std::rc::Rc;
//! use corio_executor::{LocalExecutor, park};
//!
//! let (mut parker, unparker) = park::pair();
//! let ex = LocalExecutor::new(unparker);
//! let log = Rc::new(RefCell::new(Vec::new()));
//!
//! let l = log.clone();
//! let task = ex.spawn_local(async move { l.borrow_mut().push("task"); 40 + 2 });
//! let l = log.clone();
//! ex.call_soon(move || l.borrow_mut().push("callback"));
//!
//! let out = ex.block_on(task, &mut parker);
//! assert_eq!(out, Ok(42));
//! assert_eq!(*log.borrow(), ["task", "callback"]); // FIFO across tasks and callbacks
//! ```
//!
//! # Feature flags
//!
//! This crate has no feature flags.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(unsafe_op_in_unsafe_fn)]

mod await_mark;
mod callback;
mod context;
mod done_list;
mod done_watch;
mod error;
mod event;
mod executor;
mod future_set;
pub mod park;
mod ready;
mod registry;
mod remote;
mod task;
mod yield_now;

pub use await_mark::AwaitMark;
pub use callback::{CallbackOutput, Handle};
pub use done_list::{DoneCallback, DoneList, Drained, Ended};
pub use done_watch::DoneWatch;
pub use error::{Panic, TaskError};
pub use event::{ExecutorEvent, SlowStep, StepKind};
pub use executor::LocalExecutor;
pub use future_set::FutureSet;
pub use park::{Park, Unpark};
pub use remote::{Closed, Remote, ThreadsafeHandle};
pub use task::{AnyTask, CancelOnDrop, SharedTask, Task, TaskId, current_task};
pub use yield_now::{YieldNow, yield_now};
