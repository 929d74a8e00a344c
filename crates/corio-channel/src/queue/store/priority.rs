//! Smallest first, and first in, first out among equal items.
//!
//! CPython's `PriorityQueue` leaves the order of equal items unspecified;
//! corio promises insertion order, so every entry carries a sequence number
//! that breaks ties.
//!
//! `T: Ord` is needed to push and pop, but the shared queue code must not
//! carry that bound (a `Queue<T>` has none). So the constructor, which has
//! `T: Ord`, stores the two heap operations as plain function pointers, and
//! the rest of the code calls them without knowing `T` is ordered.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::Discipline;

pub(crate) struct Priority<T> {
    heap: BinaryHeap<Entry<T>>,
    /// The sequence number of the next entry. A `u64` cannot wrap in
    /// practice (centuries at a billion puts a second).
    next_seq: u64,
    push: fn(&mut BinaryHeap<Entry<T>>, Entry<T>),
    pop: fn(&mut BinaryHeap<Entry<T>>) -> Option<Entry<T>>,
}

pub(crate) struct Entry<T> {
    value: T,
    seq: u64,
}

impl<T: Ord> Ord for Entry<T> {
    /// Reversed, because `BinaryHeap` pops the greatest: the greatest entry
    /// is the smallest value, and among equal values the oldest.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .value
            .cmp(&self.value)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

impl<T: Ord> PartialOrd for Entry<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T: Ord> PartialEq for Entry<T> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl<T: Ord> Eq for Entry<T> {}

impl<T: Ord> Priority<T> {
    pub(crate) fn new() -> Self {
        Self {
            heap: BinaryHeap::new(),
            next_seq: 0,
            push: BinaryHeap::push,
            pop: BinaryHeap::pop,
        }
    }
}

impl<T> Discipline<T> for Priority<T> {
    fn push(&mut self, value: T) {
        let seq = self.next_seq;
        self.next_seq += 1;
        (self.push)(&mut self.heap, Entry { value, seq });
    }

    fn pop(&mut self) -> Option<T> {
        (self.pop)(&mut self.heap).map(|entry| entry.value)
    }

    fn len(&self) -> usize {
        self.heap.len()
    }
}
