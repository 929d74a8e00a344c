//! Async synchronisation primitives with asyncio's semantics, for any executor.
//!
//! This crate is the `sync` part of [corio](https://docs.rs/corio), which
//! brings Python's asyncio to Rust; it depends on no runtime and works under
//! corio's, tokio's or smol's executor alike (its tests prove each one).
//!
//! | asyncio | corio-sync | notes |
//! |---|---|---|
//! | `Lock` | [`Lock`] | `acquire`/`release` from any task or callback, or a [`LockGuard`] |
//! | `Event` | [`Event`] | `set`, `clear`, `is_set`, `wait` |
//! | `Condition` | [`Condition`] | guard form [`ConditionGuard::wait`] or asyncio form |
//! | `Semaphore` | [`Semaphore`] | FIFO fair; `locked()` while anyone waits |
//! | `BoundedSemaphore` | [`BoundedSemaphore`] | over-release is [`ReleasedTooManyTimes`] |
//! | `Barrier` | [`Barrier`] | `wait`, `reset`, `abort`; [`BrokenBarrier`] |
//! | — | [`Mutex<T>`], [`RwLock<T>`] | data-holding locks for Rust code |
//!
//! # Fairness and cancellation
//!
//! Locks and semaphores are strictly FIFO, as in asyncio: a release hands the
//! lock or permit directly to the oldest waiter, and a newcomer never barges
//! past a queue. Dropping a waiting future (Rust's cancellation) never loses
//! a wakeup: a future that had already been handed the lock, a permit or a
//! notification passes it on. The uncontended acquire is a single
//! compare-and-swap and allocates nothing. See each type for its differences
//! from asyncio (chiefly: a dropped [`Condition`] wait does not re-acquire the
//! lock, since a destructor cannot await).
//!
//! # When not to use it
//!
//! To protect data that is never held across an `.await`, `std::sync::Mutex`
//! is cheaper. For a lock-free flag, use an atomic. Channels and queues are in
//! `corio-channel`.
//!
//! # Feature flags
//!
//! This crate has no feature flags. The facade `corio` re-exports it behind
//! its `sync` feature. Building with `RUSTFLAGS="--cfg loom"` swaps every
//! atomic and mutex for loom's, for the model tests in `tests/loom_*.rs`.
//!
//! # Examples
//!
//! ```
//! use corio_sync::{Event, Lock, Semaphore};
//!
//! # futures_lite::future::block_on(async {
//! let lock = Lock::new();
//! let sem = Semaphore::new(2);
//! let event = Event::new();
//!
//! let _permit = sem.permit().await;
//! {
//!     let _guard = lock.lock().await;
//!     event.set();
//! }
//! event.wait().await;
//! # });
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

mod acquire;
mod barrier;
mod condition;
mod error;
mod event;
mod lock;
mod mutex;
mod raw_acquire;
mod raw_lock;
mod raw_semaphore;
mod rwlock;
mod semaphore;
mod shim;
mod wait_list;
mod wake_list;

pub use acquire::Acquire;
pub use barrier::{Barrier, BarrierWait};
pub use condition::{Condition, ConditionGuard, ConditionLockFuture};
pub use error::{BrokenBarrier, ConditionError, InvalidParties, NotAcquired, ReleasedTooManyTimes};
pub use event::{Event, EventWait};
pub use lock::{Lock, LockFuture, LockGuard};
pub use mutex::{Mutex, MutexGuard, MutexLockFuture};
pub use rwlock::{RwLock, RwLockReadFuture, RwLockReadGuard, RwLockWriteFuture, RwLockWriteGuard};
pub use semaphore::{AcquirePermit, BoundedSemaphore, Semaphore, SemaphorePermit};

// The README's examples are doctests too, so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
