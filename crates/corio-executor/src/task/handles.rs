//! Where a shared task's completion finds its [`SharedTask`](crate::SharedTask) handles'
//! part: a slab on the executor's thread, indexed by a number kept in the task's metadata.
//!
//! Only shared tasks have a handles' part, so a pointer for it in every task's metadata
//! would cost every task 8 bytes (and, at async-task's header size, a larger glibc chunk).
//! A slab index fits in bits the metadata has spare, and costs a shared task a `Vec` push
//! and pop; a hash table by the metadata's address cost `wait_first` about 20%.

use std::cell::RefCell;
use std::ptr::NonNull;

/// The largest slot number a task's metadata can hold (29 bits; 0 means none).
pub(crate) const MAX_SLOT: u32 = (1 << 29) - 1;

struct Slab {
    /// Slot `n` is at index `n - 1`.
    slots: Vec<Option<NonNull<()>>>,
    /// Free slot numbers; reused last freed first.
    free: Vec<u32>,
}

thread_local! {
    /// The handles' parts of this thread's shared tasks (an `Rc<SharedInner<T>>`'s pointee,
    /// type-erased). A `SharedInner` lives on its executor's thread, and so does every call
    /// here.
    static HANDLES: RefCell<Slab> = const {
        RefCell::new(Slab {
            slots: Vec::new(),
            free: Vec::new(),
        })
    };
}

/// Stores `ptr`; gives its slot number (never 0).
///
/// # Panics
///
/// With more than 2^29 - 1 shared tasks alive on this thread (each costs far more than
/// the 512 MiB / 2^29 bytes that would take).
pub(crate) fn insert(ptr: NonNull<()>) -> u32 {
    HANDLES.with(|h| {
        let mut h = h.borrow_mut();
        if let Some(slot) = h.free.pop() {
            h.slots[slot as usize - 1] = Some(ptr);
            return slot;
        }
        h.slots.push(Some(ptr));
        match u32::try_from(h.slots.len()) {
            Ok(slot) if slot <= MAX_SLOT => slot,
            _ => panic!("more than {MAX_SLOT} shared tasks alive on one thread"),
        }
    })
}

/// The pointer in slot `slot`.
pub(crate) fn get(slot: u32) -> Option<NonNull<()>> {
    HANDLES
        .try_with(|h| {
            h.borrow()
                .slots
                .get((slot as usize).wrapping_sub(1))
                .copied()
                .flatten()
        })
        .ok()
        .flatten()
}

/// Frees slot `slot`.
pub(crate) fn remove(slot: u32) {
    // During the thread's teardown the slab may be gone, and the slot with it.
    let _ = HANDLES.try_with(|h| {
        let mut h = h.borrow_mut();
        if let Some(entry) = h.slots.get_mut((slot as usize).wrapping_sub(1))
            && entry.take().is_some()
        {
            h.free.push(slot);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_reused_and_never_zero() {
        let a = NonNull::<u8>::dangling().cast::<()>();
        let s1 = insert(a);
        let s2 = insert(a);
        assert!(s1 != 0 && s2 != 0 && s1 != s2);
        assert_eq!(get(s1), Some(a));
        remove(s1);
        assert_eq!(get(s1), None);
        remove(s1); // twice: no double free of the slot
        let s3 = insert(a);
        assert_eq!(s3, s1);
        let s4 = insert(a);
        assert_ne!(s4, s1);
        for s in [s2, s3, s4] {
            remove(s);
        }
    }
}
