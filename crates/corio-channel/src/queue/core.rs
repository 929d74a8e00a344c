//! The state and the rules shared by all three queues.

use std::fmt;

use super::error::{GetNowaitError, PutNowaitError, TaskDoneError};
use super::store::{PopError, PushError, Store};
use crate::signal::Signal;
use crate::sync::{AtomicUsize, Ordering};

/// A queue: its items plus asyncio's bookkeeping.
pub(crate) struct Core<T> {
    /// The items; closed once the queue is shut down.
    pub(super) store: Store<T>,
    /// 0 = unbounded; what `maxsize()` reports.
    maxsize: usize,
    /// Items put and not yet marked done. Raised *before* an item becomes
    /// visible to getters, so a getter's `task_done` always finds it counted;
    /// lowered again if the put then fails.
    unfinished: AtomicUsize,
    /// Waiting getters: notified once per item put, and all on shutdown.
    pub(super) getters: Signal,
    /// Waiting putters: notified once per item taken, and all on shutdown.
    pub(super) putters: Signal,
    /// Waiting `join`s: all notified when `unfinished` reaches zero.
    pub(super) finished: Signal,
}

impl<T> Core<T> {
    pub(crate) fn new(store: Store<T>, maxsize: usize) -> Self {
        Self {
            store,
            maxsize,
            unfinished: AtomicUsize::new(0),
            getters: Signal::new(),
            putters: Signal::new(),
            finished: Signal::new(),
        }
    }

    pub(crate) fn maxsize(&self) -> usize {
        self.maxsize
    }

    pub(crate) fn qsize(&self) -> usize {
        self.store.len()
    }

    pub(crate) fn full(&self) -> bool {
        self.maxsize != 0 && self.store.len() >= self.maxsize
    }

    pub(crate) fn is_shut_down(&self) -> bool {
        self.store.is_closed()
    }

    pub(crate) fn unfinished(&self) -> usize {
        self.unfinished.load(Ordering::Acquire)
    }

    pub(crate) fn put_nowait(&self, item: T) -> Result<(), PutNowaitError<T>> {
        self.unfinished.fetch_add(1, Ordering::AcqRel);
        match self.store.push(item) {
            Ok(()) => {
                self.getters.notify_one();
                Ok(())
            }
            Err(err) => {
                self.finish_one();
                Err(match err {
                    PushError::Full(item) => PutNowaitError::Full(item),
                    PushError::Closed(item) => PutNowaitError::ShutDown(item),
                })
            }
        }
    }

    pub(crate) fn get_nowait(&self) -> Result<T, GetNowaitError> {
        match self.store.pop() {
            Ok(item) => {
                // An unbounded queue never has putters to wake.
                if self.maxsize != 0 {
                    self.putters.notify_one();
                }
                Ok(item)
            }
            Err(PopError::Empty) => Err(GetNowaitError::Empty),
            Err(PopError::Closed) => Err(GetNowaitError::ShutDown),
        }
    }

    pub(crate) fn task_done(&self) -> Result<(), TaskDoneError> {
        if self.finish_one() {
            Ok(())
        } else {
            Err(TaskDoneError)
        }
    }

    /// Lowers `unfinished` by one unless it is zero; wakes the `join`s when
    /// it reaches zero. Returns `false` if it was already zero.
    fn finish_one(&self) -> bool {
        let result = self
            .unfinished
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1));
        match result {
            Ok(1) => {
                self.finished.notify_all();
                true
            }
            Ok(_) => true,
            // Already zero: `task_done` was called too many times. (When a
            // failed put rolls back its count, zero here means a `task_done`
            // too many raced with that put; the count stays at zero rather
            // than wrapping.)
            Err(_) => false,
        }
    }

    /// asyncio 3.13's `shutdown`. Returns the items an immediate shutdown
    /// removed, oldest get order first.
    pub(crate) fn shutdown(&self, immediate: bool) -> Vec<T> {
        self.store.close();
        let mut removed = Vec::new();
        if immediate {
            while let Ok(item) = self.store.pop() {
                removed.push(item);
                self.finish_one();
            }
        }
        // Blocked getters re-check and fail once the queue is empty; blocked
        // putters re-check and fail at once.
        self.getters.notify_all();
        self.putters.notify_all();
        removed
    }
}

impl<T> fmt::Debug for Core<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Queue")
            .field("qsize", &self.qsize())
            .field("maxsize", &self.maxsize)
            .field("unfinished", &self.unfinished())
            .field("shut_down", &self.is_shut_down())
            .finish()
    }
}
