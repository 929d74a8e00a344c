//! corio's low-level signal plumbing: the SIGINT handling of `corio::run`, below the loop.
//!
//! `asyncio.Runner` makes Ctrl+C cancel the main task: it swaps SIGINT's handler for its own
//! while the runner runs and puts the old one back afterwards. [`InterruptCatcher`] is that
//! swap in Rust's shape: a raw disposition whose async-signal-safe handler only counts the
//! signal and writes a byte to a pipe ([`InterruptCatcher::reader`]) that the loop watches.
//! The loop then does the work (cancelling the main task) on its own thread, in its order.
//!
//! It lives in a crate of its own, under the event loop, so that `corio-runtime` (which must
//! not depend on `corio-process`, the crate above it) gets Ctrl+C handling without `unsafe`
//! code of its own. `corio-process` has the general signal API, built on `signal-hook`;
//! [`terminate_while`] gives it the default action of the real-time signals, which
//! signal-hook cannot emulate.
//!
//! # When not to use it
//!
//! Use `corio::run` (which uses this crate) for Ctrl+C, and `corio-process`'s
//! `add_signal_handler` or signal streams for any other signal handling.
//!
//! # Examples
//!
//! ```
//! // Only the main thread installs, as asyncio.Runner does; other threads get `None`.
//! let off_main = std::thread::spawn(|| corio_signal::InterruptCatcher::install())
//!     .join()
//!     .unwrap()?;
//! assert!(off_main.is_none());
//! # std::io::Result::Ok(())
//! ```
//!
//! # Feature flags
//!
//! This crate has no feature flags.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(unsafe_code)]

// The README is doctested so its example cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod default;
mod interrupt;
mod sys;

pub use default::terminate_while;
pub use interrupt::{InterruptCatcher, reraise_sigint};
pub use sys::{has_default_disposition, is_main_thread};
