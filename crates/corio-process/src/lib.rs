//! Subprocesses and signals for corio: asyncio's `create_subprocess_exec`, `Process`,
//! `loop.subprocess_exec`, `loop.add_signal_handler`, in Rust's shape.
//!
//! - **Children**: [`Command`] is std's builder (which it wraps) with asyncio's stdio
//!   choices ([`Stdio::piped`] = `PIPE`, [`Stdio::null`] = `DEVNULL`, [`Stdio::stdout`] =
//!   `STDOUT`, inherited by default), environment, directory and process group;
//!   [`create_subprocess_exec`] and [`create_subprocess_shell`] start one, and awaiting it
//!   spawns. A [`Process`] has `pid`, `returncode` (`-N` for signal `N`), `wait`,
//!   [`communicate`](Process::communicate) (never deadlocks on large outputs),
//!   `send_signal` / `terminate` / `kill`, and its pipes as corio-net's `StreamWriter` /
//!   `StreamReader` (asyncio's stream objects).
//! - **Reaping** never blocks the loop: a pidfd registered with the reactor where the kernel
//!   has them (Linux 5.3+), SIGCHLD otherwise. A `Process` dropped while its child runs hands
//!   it to a reaper thread: no zombie, no blocking, no leaked descriptor.
//! - **Transports**: [`SubprocessLoopExt`] adds asyncio's `subprocess_exec` /
//!   `subprocess_shell` to the loop, driving a [`SubprocessProtocol`].
//! - **Signals**: [`SignalHandlers`] adds `add_signal_handler` / `remove_signal_handler` to
//!   the loop (the callback runs on the loop, in its order, never inside the OS handler);
//!   [`signals`] is a stream of deliveries for async code; [`KeyboardInterrupt`] gives a loop
//!   driven by `run_until_complete` Python's default Ctrl+C. A [`Signal`] is any signal
//!   number of the system, real-time ones included ([`Signal::rt`]); numbers that are no
//!   signal and signals that cannot be handled are a typed [`SignalError`]. `corio::run` handles Ctrl+C itself, as `asyncio.run` does
//!   (see `corio-runtime`).
//!
//! # Examples
//!
//! ```
//! use corio_process::{Signal, SignalHandlers, Stdio, create_subprocess_exec};
//!
//! corio_runtime::run(async {
//!     let lp = corio_runtime::get_running_loop()?;
//!     lp.add_signal_handler(Signal::TERM, || println!("asked to stop"))?;
//!
//!     let mut child = create_subprocess_exec("sh", ["-c", "read x; echo got $x; echo warn >&2"])
//!         .stdin(Stdio::piped())
//!         .stdout(Stdio::piped())
//!         .stderr(Stdio::piped())
//!         .await?;
//!     let out = child.communicate(Some(b"42\n")).await?;
//!     assert_eq!(out.stdout, b"got 42\n");
//!     assert_eq!(out.stderr, b"warn\n");
//!     assert_eq!(child.returncode(), Some(0));
//!
//!     lp.remove_signal_handler(Signal::TERM);
//!     Ok::<(), Box<dyn std::error::Error>>(())
//! })??;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # When not to use it
//!
//! Everything here runs on corio's single-thread loop (pipes and pidfds register with the
//! running loop's reactor). Unix only: Linux gets pidfds, other Unixes the SIGCHLD path.
//! For a child you only wait for from a thread, `std::process` is enough.
//!
//! # Feature flags
//!
//! This crate has no feature flags.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

// The README is doctested so its example cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod error;
mod process;
mod protocol;
mod signal;

pub use error::{ProcessError, SignalError};
pub use process::{
    ChildStderr, ChildStdin, ChildStdout, Command, Output, Process, Spawn, Stdio,
    create_subprocess_exec, create_subprocess_shell,
};
pub use protocol::{SubprocessLoopExt, SubprocessProtocol, SubprocessTransport};
pub use signal::{IntoSignal, KeyboardInterrupt, Signal, SignalHandlers, Signals, kill, signals};
