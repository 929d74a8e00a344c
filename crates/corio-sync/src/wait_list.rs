//! A FIFO queue of waiters with O(1) push, pop and removal from the middle.
//!
//! The nodes live in a [`Slab`], linked by index into a doubly linked list.
//! This is safe code (no intrusive pointers) and allocates only when the slab
//! grows: after warm-up, queueing a waiter costs no allocation.
//!
//! A node has two lifetimes. It is *linked* while it waits in line; it is
//! *unlinked* (but its slot kept) when a waker hands it what it waited for,
//! until the future that owns it observes the result and [`remove`]s it.
//! Invariant: a slot is freed only by the future that pushed it, so keys are
//! never reused behind a future's back.
//!
//! [`remove`]: WaitList::remove

use std::task::{Context, Poll, Waker};

use slab::Slab;

#[derive(Debug)]
struct Node<T> {
    value: T,
    prev: Option<usize>,
    next: Option<usize>,
    /// Whether the node is in the FIFO chain (between `head` and `tail`).
    linked: bool,
}

/// FIFO list of waiter nodes; see the module docs.
#[derive(Debug)]
pub(crate) struct WaitList<T> {
    nodes: Slab<Node<T>>,
    /// Oldest linked node.
    head: Option<usize>,
    /// Youngest linked node.
    tail: Option<usize>,
    /// Number of linked nodes.
    len: usize,
}

impl<T> WaitList<T> {
    pub(crate) const fn new() -> Self {
        WaitList {
            nodes: Slab::new(),
            head: None,
            tail: None,
            len: 0,
        }
    }

    /// Whether no node is linked (slots of unlinked nodes do not count).
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of linked nodes.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Appends a linked node and returns its key.
    pub(crate) fn push_back(&mut self, value: T) -> usize {
        let key = self.nodes.insert(Node {
            value,
            prev: self.tail,
            next: None,
            linked: true,
        });
        match self.tail {
            Some(tail) => self.nodes[tail].next = Some(key),
            None => self.head = Some(key),
        }
        self.tail = Some(key);
        self.len += 1;
        key
    }

    /// Key of the oldest linked node.
    pub(crate) fn front(&self) -> Option<usize> {
        self.head
    }

    /// Key of the linked node after `key`.
    #[cfg(all(test, not(loom)))]
    pub(crate) fn next(&self, key: usize) -> Option<usize> {
        self.nodes[key].next
    }

    /// Unlinks the oldest node, keeping its slot, and returns its key.
    pub(crate) fn pop_front(&mut self) -> Option<usize> {
        let key = self.head?;
        self.unlink(key);
        Some(key)
    }

    /// Takes `key` out of the chain (no-op if already unlinked); the slot stays.
    pub(crate) fn unlink(&mut self, key: usize) {
        let node = &mut self.nodes[key];
        if !node.linked {
            return;
        }
        node.linked = false;
        let (prev, next) = (node.prev.take(), node.next.take());
        match prev {
            Some(prev) => self.nodes[prev].next = next,
            None => self.head = next,
        }
        match next {
            Some(next) => self.nodes[next].prev = prev,
            None => self.tail = prev,
        }
        self.len -= 1;
    }

    /// Whether `key` is still in the chain.
    pub(crate) fn is_linked(&self, key: usize) -> bool {
        self.nodes[key].linked
    }

    /// Unlinks `key` if needed, frees its slot and returns its value.
    pub(crate) fn remove(&mut self, key: usize) -> T {
        self.unlink(key);
        self.nodes.remove(key).value
    }

    /// [`remove`](Self::remove), also saying whether the node was still
    /// linked (waiting) rather than served: what a waiter that gives up
    /// needs to know to pass on what it was handed.
    pub(crate) fn remove_was_linked(&mut self, key: usize) -> (T, bool) {
        let linked = self.is_linked(key);
        (self.remove(key), linked)
    }

    pub(crate) fn get(&self, key: usize) -> &T {
        &self.nodes[key].value
    }

    pub(crate) fn get_mut(&mut self, key: usize) -> &mut T {
        &mut self.nodes[key].value
    }
}

/// A waiter node that keeps the waker of the task waiting in it.
pub(crate) trait HasWaker {
    /// The waker slot, taken by whoever serves the node.
    fn waker(&mut self) -> &mut Option<Waker>;
}

impl HasWaker for Option<Waker> {
    fn waker(&mut self) -> &mut Option<Waker> {
        self
    }
}

impl<T: HasWaker> WaitList<T> {
    /// Polls the node `key` for the future that pushed it: while it is
    /// linked (still waiting), makes its waker `cx`'s (cloning only if the
    /// stored one would wake another task) and returns `Pending`; once it is
    /// unlinked (served), frees its slot and returns its value.
    #[inline]
    pub(crate) fn poll_remove(&mut self, key: usize, cx: &Context<'_>) -> Poll<T> {
        if self.is_linked(key) {
            let slot = self.get_mut(key).waker();
            match slot {
                Some(w) if w.will_wake(cx.waker()) => {}
                _ => *slot = Some(cx.waker().clone()),
            }
            return Poll::Pending;
        }
        Poll::Ready(self.remove(key))
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::WaitList;

    fn order(list: &WaitList<u32>) -> Vec<u32> {
        let mut out = Vec::new();
        let mut cur = list.front();
        while let Some(k) = cur {
            out.push(*list.get(k));
            cur = list.next(k);
        }
        out
    }

    #[test]
    fn fifo_with_removal_from_the_middle() {
        let mut list = WaitList::new();
        let a = list.push_back(1);
        let b = list.push_back(2);
        let c = list.push_back(3);
        assert_eq!(order(&list), [1, 2, 3]);
        assert_eq!(list.remove(b), 2);
        assert_eq!(order(&list), [1, 3]);
        assert_eq!(list.pop_front(), Some(a));
        assert!(!list.is_linked(a));
        assert_eq!(list.len(), 1);
        // An unlinked slot can still be read and then freed.
        assert_eq!(*list.get(a), 1);
        assert_eq!(list.remove(a), 1);
        list.unlink(c);
        assert!(list.is_empty());
        let d = list.push_back(4);
        assert_eq!(order(&list), [4]);
        assert_eq!(list.remove(c), 3);
        assert_eq!(list.remove(d), 4);
        assert!(list.is_empty());
        assert_eq!(list.front(), None);
    }
}
