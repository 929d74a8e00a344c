//! Async queues and channels that work under any executor.
//!
//! - [`queue`]: asyncio's [`Queue`], [`PriorityQueue`] and [`LifoQueue`],
//!   with `maxsize`, `put`/`get` and their `_nowait` twins, `task_done`/`join`
//!   and `shutdown`, following asyncio's rules.
//! - [`mpmc`]: a multi-producer, multi-consumer channel, bounded or
//!   unbounded, that closes when either side is gone.
//! - [`oneshot`]: a channel for exactly one value.
//! - [`broadcast`]: every receiver sees every value sent after it
//!   subscribed; one that falls behind is told how many values it missed.
//!
//! Nothing here needs a runtime: the types are built on `event-listener` and
//! `concurrent-queue` and wake whatever waker they are polled with, so they
//! work the same under corio's executor, tokio's or smol's.
//!
//! No value is dropped silently: a send or put that cannot deliver gives the
//! value back in its error, and receivers drain what was sent before they
//! report a closed channel.
//!
//! # When not to use it
//!
//! - To hand data between threads that block rather than await, use
//!   `std::sync::mpsc`: nothing here has blocking twins.
//! - A single-threaded program that never shares a queue between threads
//!   pays for thread safety here (atomics, and a short lock for the LIFO and
//!   priority queues); that is cheap, but not free.
//!
//! # Feature flags
//!
//! This crate has no feature flags. The `corio` facade re-exports it behind
//! its `channel` feature.

#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

pub mod broadcast;
pub mod mpmc;
pub mod oneshot;
pub mod queue;

mod error;
mod signal;
mod sync;

pub use error::ZeroCapacityError;

// Runs the README's examples as doctests, so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
pub use queue::{LifoQueue, Prioritized, PriorityQueue, Queue};
