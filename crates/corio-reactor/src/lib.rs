//! I/O readiness for corio: a pluggable [`Backend`] (default: `EpollBackend` on
//! Linux and Android, [`PollingBackend`] over kqueue / event ports elsewhere), a [`Reactor`] that wakes the tasks
//! waiting on ready descriptors, and [`Async<T>`], which turns a descriptor
//! into futures.
//!
//! The crate knows nothing of tasks or time: whoever drives the event loop
//! (corio-runtime) calls [`Reactor::poll`] with the timeout it computed, and
//! wakes it from other threads with a [`Notifier`].
//!
//! # How readiness is kept
//!
//! Each source caches its readiness plus a tick counter. Reads and writes
//! through [`Async::read_with`] / [`Async::write_with`] try the operation
//! first, so a hot socket costs its read syscall and one atomic load: no
//! lock, no re-arm. On `WouldBlock` the cache is cleared only if no event
//! arrived since the attempt began, so readiness is never lost between the
//! `WouldBlock` and the waker registration. Backends are used edge-triggered
//! where the OS allows it ([`Trigger::Edge`]); otherwise oneshot, re-armed
//! only when a task actually has to wait ([`Trigger::Oneshot`]).
//!
//! # Examples
//!
//! ```
//! use corio_reactor::{Async, Reactor};
//! use std::os::unix::net::UnixStream;
//! # fn block_on<F: std::future::Future>(reactor: &Reactor, f: F) -> F::Output {
//! #     let mut f = std::pin::pin!(f);
//! #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
//! #     loop {
//! #         if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; }
//! #         reactor.poll(None).unwrap();
//! #     }
//! # }
//!
//! let reactor = Reactor::new()?;
//! let _guard = reactor.enter();
//! let (a, b) = UnixStream::pair()?;
//! let (a, b) = (Async::new(a)?, Async::new(b)?);
//! let echoed = block_on(&reactor, async {
//!     a.write(b"ping").await?;
//!     let mut buf = [0; 4];
//!     b.read(&mut buf).await?;
//!     std::io::Result::Ok(buf)
//! })?;
//! assert_eq!(&echoed, b"ping");
//! # std::io::Result::Ok(())
//! ```
//!
//! # When not to use it
//!
//! Application code wants `corio-net` (TCP, UDP, Unix sockets) and the
//! runtime, which drive this crate for you. Regular files are always
//! "ready" to epoll and kqueue: read them on a thread (`corio-blocking`),
//! not through `Async`.
//!
//! # Platforms
//!
//! Unix only (Linux, Android, macOS, iOS, the BSDs, illumos, Solaris). Other
//! targets fail to compile with a clear message; a Windows (IOCP) backend is
//! a known gap. `unsafe` is confined to `sys/unix.rs` (registering a raw
//! descriptor with `polling`); the crate has no other (the epoll backend goes
//! through rustix's safe API).
//!
//! # Feature flags
//!
//! None yet. An io_uring backend is planned behind an `io-uring` feature.

#![cfg_attr(docsrs, feature(doc_cfg))]
// `unsafe` is allowed in `sys/unix.rs` only (two calls into `polling`/std).
#![deny(unsafe_code)]

// The README is doctested so its example cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod async_io;
mod backend;
#[cfg(any(target_os = "linux", target_os = "android"))]
mod epoll_backend;
mod error;
mod event;
mod interest;
mod polling_backend;
mod reactor;
mod source;
mod sys;

pub use async_io::Async;
pub use backend::{Backend, Trigger};
#[cfg(any(target_os = "linux", target_os = "android"))]
#[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
pub use epoll_backend::EpollBackend;
pub use error::NoReactor;
pub use event::{Event, Events};
pub use interest::Interest;
pub use polling_backend::PollingBackend;
pub use reactor::{EnterGuard, Notifier, Reactor};
pub use sys::RawSource;
