//! The one place that chooses between `std::sync` and `loom::sync`.
//!
//! Every atomic and mutex of this crate comes from here, so that `--cfg loom`
//! model-checks the wakeup logic with loom's versions (model: tokio's
//! `src/loom/mod.rs`, event-listener's `mod sync`).

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize};
#[cfg(loom)]
pub(crate) use loom::sync::{Mutex, MutexGuard};

#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize};
#[cfg(not(loom))]
pub(crate) use std::sync::{Mutex, MutexGuard};

pub(crate) use std::sync::atomic::Ordering;

/// Locks `mutex`, ignoring poisoning.
///
/// Poisoning cannot leave our state inconsistent: no critical section of this
/// crate calls user code or can panic between two related writes, so a
/// poisoned mutex still guards valid data.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
