//! Clocks, a timer queue, and `sleep` / `timeout` / `interval` for corio.
//!
//! This crate knows nothing of I/O or tasks. It gives an event loop what it needs to keep
//! time:
//!
//! - [`Clock`]: the loop's monotonic clock, or a *virtual* clock that only moves when the
//!   loop jumps it to the next deadline (deterministic tests, instant examples).
//! - [`TimerQueue`]: deadlines with O(1) cancel and cheap insert; entries with the same
//!   deadline come out in the order they were inserted (asyncio's heap gives no order among
//!   ties; corio promises FIFO), and nothing ever comes out before its deadline.
//! - [`timeout_scope`] / [`timeout_scope_at`]: asyncio 3.11's `async with timeout(delay)`,
//!   a deadline around a block that the block can move or disable while it runs.
//! - [`sleep`], [`sleep_until`], [`timeout`], [`timeout_at`] and [`interval`]: futures that
//!   register with the timer source of the running event loop ([`TimerSource`], installed
//!   with [`enter`]), or, when no loop is running on this thread, with a small shared timer
//!   thread, so they work under any executor.
//! - [`far_future`]: the last instant the platform represents, which stands for "never".
//!   Every overflowing deadline (`sleep(Duration::MAX)`, an interval's tick past the end of
//!   time) saturates to it, and it never comes; every earlier deadline is exact, also after
//!   a virtual clock has run for centuries.
//!
//! # When not to use it
//!
//! You rarely depend on this crate directly: the `corio` facade re-exports it as
//! `corio::time`. Depend on it alone when you write an executor of your own and want
//! asyncio-ordered timers, or when you need sleeps that work under a foreign executor.
//!
//! # Examples
//!
//! ```
//! use std::time::Duration;
//! use corio_time::{sleep, timeout};
//!
//! // No corio loop on this thread: the shared timer thread keeps time.
//! futures_lite::future::block_on(async {
//!     sleep(Duration::from_millis(5)).await;
//!     let slow = sleep(Duration::from_secs(10));
//!     assert!(timeout(Duration::from_millis(5), slow).await.is_err());
//! });
//! ```
//!
//! # Feature flags
//!
//! This crate has no feature flags.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

mod clock;
mod context;
mod error;
mod fallback;
mod far;
mod interval;
mod queue;
mod scope;
mod sleep;
mod timeout;

pub use clock::Clock;
pub use context::{EnterGuard, TimerSource, enter, new_source_id, now};
pub use error::Elapsed;
pub use far::far_future;
pub use interval::{Interval, MissedTickBehavior, interval, interval_at};
pub use queue::{TimerKey, TimerQueue};
pub use scope::{TimeoutHandle, TimeoutScope, timeout_scope, timeout_scope_at};
pub use sleep::{Sleep, sleep, sleep_until};
pub use timeout::{Timeout, timeout, timeout_at};
