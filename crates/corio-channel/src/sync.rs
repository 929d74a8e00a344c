//! The one place that picks the synchronisation primitives: `std` normally,
//! `loom`'s models under `--cfg loom`, so that loom explores every
//! interleaving of this crate's atomics and locks.

#[cfg(loom)]
pub(crate) use loom::sync::{
    Arc, Mutex, MutexGuard,
    atomic::{AtomicUsize, Ordering},
};
#[cfg(not(loom))]
pub(crate) use std::sync::{
    Arc, Mutex, MutexGuard,
    atomic::{AtomicUsize, Ordering},
};

/// Locks `mutex`, ignoring poisoning.
///
/// Every critical section in this crate leaves its data consistent before it
/// runs user code that could panic (`Ord::cmp`, `Clone::clone`), so a poisoned
/// lock holds valid data and refusing it would only turn one panic into many.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
