//! The storage disciplines the three queues differ by. Everything else (the
//! waiting, `task_done`/`join`, shutdown) is shared in `core.rs`.
//!
//! Each discipline offers the same operations with `concurrent-queue`'s
//! contract: a push fails with `Full` or `Closed` (and gives the value back),
//! a pop fails with `Empty`, or `Closed` once closed *and* empty. Closing is
//! how a queue is shut down.

mod lifo;
mod priority;

use concurrent_queue::ConcurrentQueue;
pub(crate) use concurrent_queue::{PopError, PushError};

use self::lifo::Lifo;
use self::priority::Priority;
use crate::sync::{Mutex, lock};

/// One queue's items, in the order its kind hands them out.
// The FIFO variant is large (cache-padded atomics), but a `Store` exists once
// per queue, inside its `Arc`; boxing it would put an extra pointer chase on
// the hot path of the queue that is benchmarked.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Store<T> {
    /// First in, first out: lock-free, so the plain `Queue` (the one
    /// benchmarked against channels) takes no lock on put or get.
    Fifo(ConcurrentQueue<T>),
    /// Last in, first out, under one short lock.
    Lifo(Mutex<Locked<Lifo<T>>>),
    /// Smallest first, under one short lock.
    Priority(Mutex<Locked<Priority<T>>>),
}

/// A discipline that needs a lock, with the bookkeeping `ConcurrentQueue`
/// does for the FIFO case.
pub(crate) struct Locked<D> {
    items: D,
    /// 0 = unbounded.
    maxsize: usize,
    closed: bool,
}

/// The operations of a locked discipline.
pub(crate) trait Discipline<T> {
    fn push(&mut self, value: T);
    fn pop(&mut self) -> Option<T>;
    fn len(&self) -> usize;
}

impl<D> Locked<D> {
    fn new(items: D, maxsize: usize) -> Mutex<Self> {
        Mutex::new(Self {
            items,
            maxsize,
            closed: false,
        })
    }
}

impl<D> Locked<D> {
    fn push<T>(&mut self, value: T) -> Result<(), PushError<T>>
    where
        D: Discipline<T>,
    {
        if self.closed {
            Err(PushError::Closed(value))
        } else if self.maxsize != 0 && self.items.len() >= self.maxsize {
            Err(PushError::Full(value))
        } else {
            self.items.push(value);
            Ok(())
        }
    }

    fn pop<T>(&mut self) -> Result<T, PopError>
    where
        D: Discipline<T>,
    {
        match self.items.pop() {
            Some(value) => Ok(value),
            None if self.closed => Err(PopError::Closed),
            None => Err(PopError::Empty),
        }
    }
}

impl<T> Store<T> {
    /// A FIFO store; `maxsize` 0 is unbounded.
    pub(crate) fn fifo(maxsize: usize) -> Self {
        Store::Fifo(if maxsize == 0 {
            ConcurrentQueue::unbounded()
        } else {
            ConcurrentQueue::bounded(maxsize)
        })
    }

    /// A LIFO store; `maxsize` 0 is unbounded.
    pub(crate) fn lifo(maxsize: usize) -> Self {
        Store::Lifo(Locked::new(Lifo::new(), maxsize))
    }

    /// A priority store; `maxsize` 0 is unbounded.
    pub(crate) fn priority(maxsize: usize) -> Self
    where
        T: Ord,
    {
        Store::Priority(Locked::new(Priority::new(), maxsize))
    }

    pub(crate) fn push(&self, value: T) -> Result<(), PushError<T>> {
        match self {
            Store::Fifo(q) => q.push(value),
            Store::Lifo(m) => lock(m).push(value),
            Store::Priority(m) => lock(m).push(value),
        }
    }

    pub(crate) fn pop(&self) -> Result<T, PopError> {
        match self {
            Store::Fifo(q) => q.pop(),
            Store::Lifo(m) => lock(m).pop(),
            Store::Priority(m) => lock(m).pop(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Store::Fifo(q) => q.len(),
            Store::Lifo(m) => lock(m).items.len(),
            Store::Priority(m) => lock(m).items.len(),
        }
    }

    /// Closes the store; returns `true` if this call closed it.
    pub(crate) fn close(&self) -> bool {
        match self {
            Store::Fifo(q) => q.close(),
            Store::Lifo(m) => !std::mem::replace(&mut lock(m).closed, true),
            Store::Priority(m) => !std::mem::replace(&mut lock(m).closed, true),
        }
    }

    pub(crate) fn is_closed(&self) -> bool {
        match self {
            Store::Fifo(q) => q.is_closed(),
            Store::Lifo(m) => lock(m).closed,
            Store::Priority(m) => lock(m).closed,
        }
    }
}
