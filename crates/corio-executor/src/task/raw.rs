//! From a task's waker to its metadata, without a second pointer.
//!
//! A corio task is one async-task allocation whose metadata is the [`TaskMeta`]. Handles and
//! the registry hold the task's own [`Waker`]: a reference count on that allocation, which
//! keeps the metadata alive, and whose data pointer is the allocation's address. The
//! metadata sits at a fixed offset from it (async-task's header is one type,
//! `Header<TaskMeta>`, for every corio task), measured on each spawn from async-task's own
//! `Runnable::metadata`, so that the wakers need not carry a second pointer.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Waker;

use async_task::Runnable;

use crate::task::core::TaskMeta;

/// A step of a corio task, as async-task hands it to the schedule function.
pub(crate) type TaskRunnable = Runnable<TaskMeta>;

/// Offset of the metadata from a task waker's data pointer; `usize::MAX` until the first
/// spawn measures it.
static META_OFFSET: AtomicUsize = AtomicUsize::new(usize::MAX);

/// Whether [`check_layout`] has measured the offset (once per process is enough: every
/// task is the same `Header<TaskMeta>`; a task polled with a waker that does not match is
/// caught by [`is_own_waker`]).
pub(crate) fn layout_known() -> bool {
    META_OFFSET.load(Ordering::Relaxed) != usize::MAX
}

/// Measures where `runnable`'s metadata is relative to `waker` (its own), and checks that it
/// is where every other task has it.
///
/// # Panics
///
/// If async-task ever laid two tasks out differently, which [`meta_of`] relies on never
/// happening: a panic here rather than a wild read later.
pub(crate) fn check_layout(runnable: &TaskRunnable, waker: &Waker) {
    let meta = std::ptr::from_ref(runnable.metadata()).addr();
    let offset = meta.wrapping_sub(waker.data().addr());
    match META_OFFSET.load(Ordering::Relaxed) {
        known if known == offset => {}
        usize::MAX => META_OFFSET.store(offset, Ordering::Relaxed),
        known => panic!("async-task put task metadata at offset {offset}, not {known}"),
    }
}

/// Whether `waker` is the own waker of the task whose metadata is `meta` (the check that
/// lets [`meta_of`] be used on a waker that async-task handed to the task's poll).
pub(crate) fn is_own_waker(waker: &Waker, meta: &TaskMeta) -> bool {
    let offset = META_OFFSET.load(Ordering::Relaxed);
    offset != usize::MAX
        && waker.data().addr().wrapping_add(offset) == std::ptr::from_ref(meta).addr()
}

/// The metadata of the task whose own waker is `waker`.
///
/// # Safety
///
/// `waker` must be a waker of a corio task: one made by `Runnable<TaskMeta>::waker` (or a
/// clone of one, such as the waker async-task polls the task with, checked by
/// [`is_own_waker`]). The offset is then known on this thread: it was read there when the
/// task was spawned ([`layout_known`]) or polled ([`is_own_waker`]).
pub(crate) unsafe fn meta_of(waker: &Waker) -> &TaskMeta {
    let offset = META_OFFSET.load(Ordering::Relaxed);
    // Cheap, and a wild read otherwise.
    assert_ne!(offset, usize::MAX, "no task layout measured on this thread");
    // SAFETY: by the caller's promise, `waker.data()` is the address of a live async-task
    // allocation (the waker holds a reference count on it), with provenance over all of it,
    // and `check_layout` measured that this task type keeps its `TaskMeta` `offset` bytes
    // further on. The reference lives no longer than the borrow of `waker`, which keeps the
    // allocation, hence the metadata, alive.
    unsafe { &*waker.data().byte_add(offset).cast::<TaskMeta>() }
}
