//! A fixed-size batch of wakers, to wake them after a mutex is released.
//!
//! Waking while holding the waiter lock would make the woken task contend the
//! lock at once; collecting wakers on the stack avoids that without allocating.

use std::task::Waker;

const CAPACITY: usize = 16;

#[derive(Debug)]
pub(crate) struct WakeList {
    wakers: [Option<Waker>; CAPACITY],
    len: usize,
}

impl WakeList {
    pub(crate) const fn new() -> Self {
        WakeList {
            wakers: [const { None }; CAPACITY],
            len: 0,
        }
    }

    /// Whether another waker can be pushed.
    pub(crate) fn can_push(&self) -> bool {
        self.len < CAPACITY
    }

    /// Stores `waker`. Callers check [`can_push`](Self::can_push) first.
    pub(crate) fn push(&mut self, waker: Waker) {
        debug_assert!(self.can_push());
        self.wakers[self.len] = Some(waker);
        self.len += 1;
    }

    /// Wakes and forgets every stored waker.
    pub(crate) fn wake_all(&mut self) {
        for slot in &mut self.wakers[..self.len] {
            if let Some(waker) = slot.take() {
                waker.wake();
            }
        }
        self.len = 0;
    }
}

impl Drop for WakeList {
    fn drop(&mut self) {
        // A batch is never silently lost, even on an early return.
        self.wake_all();
    }
}
