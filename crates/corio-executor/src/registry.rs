//! The executor's registry of unfinished tasks (for `tasks()`, cancellation and close).

use std::task::Waker;

use crate::task::core::TaskMeta;
use crate::task::raw::is_own_waker;

/// A registered task.
pub(crate) enum Entry {
    /// The task's own waker, stored when it first waited: the registry's reference keeps a
    /// task that waits on nothing (nobody else holds its waker) alive and cancellable.
    Waiting(Waker),
    /// A task that has not waited yet: its runnable is in the ready queue or running, which
    /// keeps it alive. Null marks a free slot. Never dereferenced here.
    Unpolled(*const TaskMeta),
}

impl Entry {
    /// Whether this entry is the task of `meta`.
    fn is(&self, meta: &TaskMeta) -> bool {
        match self {
            Entry::Waiting(waker) => is_own_waker(waker, meta),
            Entry::Unpolled(m) => std::ptr::eq(*m, meta),
        }
    }

    fn is_free(&self) -> bool {
        matches!(self, Entry::Unpolled(m) if m.is_null())
    }
}

/// The unfinished tasks, by key: 16 bytes a slot (the two variants share the waker's
/// niche), where `slab::Slab<Waker>` takes 24; the free keys are kept apart. Every parked
/// task pays one slot, so the difference shows in the memory per task.
#[derive(Default)]
pub(crate) struct Registry {
    slots: Vec<Entry>,
    /// Keys of the free slots; reused last freed first.
    free: Vec<u32>,
}

impl Registry {
    /// Registers a task that has not run yet; gives its key.
    pub(crate) fn insert(&mut self, meta: *const TaskMeta) -> u32 {
        if let Some(key) = self.free.pop() {
            self.slots[key as usize] = Entry::Unpolled(meta);
            return key;
        }
        self.slots.push(Entry::Unpolled(meta));
        // Fewer than 2^32 live tasks: each costs far more than 4 GiB / 2^32 bytes.
        u32::try_from(self.slots.len() - 1).unwrap_or(u32::MAX)
    }

    /// Stores the own waker of the task of `meta` under `key`, if that is still its slot
    /// (a closed executor's registry was emptied).
    pub(crate) fn set_waker(&mut self, key: u32, meta: &TaskMeta, waker: &Waker) {
        if let Some(slot) = self.slots.get_mut(key as usize)
            && slot.is(meta)
        {
            *slot = Entry::Waiting(waker.clone());
        }
    }

    /// The entry under `key` if it is the task of `meta`.
    pub(crate) fn get_for(&self, key: u32, meta: &TaskMeta) -> Option<&Entry> {
        self.slots.get(key as usize).filter(|e| e.is(meta))
    }

    /// Forgets the task of `meta` registered under `key`, giving back its entry.
    pub(crate) fn remove(&mut self, key: u32, meta: &TaskMeta) -> Option<Entry> {
        let slot = self.slots.get_mut(key as usize)?;
        if !slot.is(meta) {
            return None;
        }
        let entry = std::mem::replace(slot, Entry::Unpolled(std::ptr::null()));
        self.free.push(key);
        Some(entry)
    }

    pub(crate) fn len(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.slots.iter().filter(|e| !e.is_free())
    }

    /// Empties the registry, giving every entry.
    pub(crate) fn drain(&mut self) -> Vec<Entry> {
        self.free.clear();
        std::mem::take(&mut self.slots)
            .into_iter()
            .filter(|e| !e.is_free())
            .collect()
    }
}
