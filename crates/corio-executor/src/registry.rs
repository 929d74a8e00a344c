//! The executor's registry of unfinished tasks (for `tasks()`, cancellation and close).

use std::task::Waker;

/// The own wakers of the unfinished tasks, by key.
///
/// A slab of `Option<Waker>`: 16 bytes a slot (the waker's vtable pointer is the niche),
/// where `slab::Slab<Waker>` takes 24; the free keys are kept apart, and only the slots
/// freed and not reused yet cost one more `u32` each. Every parked task pays one slot, so
/// the difference shows in the memory per task.
#[derive(Default)]
pub(crate) struct Registry {
    slots: Vec<Option<Waker>>,
    /// Keys of the empty slots; reused last freed first.
    free: Vec<u32>,
}

impl Registry {
    /// Stores `waker`; gives its key.
    pub(crate) fn insert(&mut self, waker: Waker) -> u32 {
        if let Some(key) = self.free.pop() {
            self.slots[key as usize] = Some(waker);
            return key;
        }
        self.slots.push(Some(waker));
        // Fewer than 2^32 live tasks: each costs far more than 4 GiB / 2^32 bytes.
        u32::try_from(self.slots.len() - 1).unwrap_or(u32::MAX)
    }

    pub(crate) fn get(&self, key: u32) -> Option<&Waker> {
        self.slots.get(key as usize).and_then(Option::as_ref)
    }

    /// Takes the waker out; `None` if the key is empty.
    pub(crate) fn remove(&mut self, key: u32) -> Option<Waker> {
        let waker = self.slots.get_mut(key as usize)?.take()?;
        self.free.push(key);
        Some(waker)
    }

    pub(crate) fn len(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Waker> {
        self.slots.iter().flatten()
    }

    /// Empties the registry, giving every waker.
    pub(crate) fn drain(&mut self) -> Vec<Waker> {
        self.free.clear();
        std::mem::take(&mut self.slots)
            .into_iter()
            .flatten()
            .collect()
    }
}
