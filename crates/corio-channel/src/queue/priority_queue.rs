//! [`PriorityQueue`]: smallest first.

use super::core::Core;
use super::methods::shared_methods;
use super::store::Store;
use crate::sync::Arc;

/// A priority queue for async tasks: asyncio's `PriorityQueue`.
///
/// [`get`](PriorityQueue::get) takes the smallest item (by `Ord`). Among
/// equal items it takes the one put first; CPython leaves that order
/// unspecified, corio promises it. Otherwise it behaves like
/// [`Queue`](crate::Queue) (same methods, same waiting, `task_done`/`join`
/// and shutdown rules). Puts and gets take one short lock.
///
/// asyncio code often puts `(priority, data)` tuples; in Rust a tuple works
/// the same, or a struct whose `Ord` looks at the priority only (the ties
/// then come out in insertion order).
///
/// # Examples
///
/// ```
/// use corio_channel::PriorityQueue;
///
/// let q = PriorityQueue::new(0);
/// q.put_nowait((3, "low")).unwrap();
/// q.put_nowait((1, "high")).unwrap();
/// q.put_nowait((2, "medium")).unwrap();
/// assert_eq!(q.get_nowait(), Ok((1, "high")));
/// assert_eq!(q.get_nowait(), Ok((2, "medium")));
/// assert_eq!(q.get_nowait(), Ok((3, "low")));
/// ```
pub struct PriorityQueue<T> {
    core: Arc<Core<T>>,
}

impl<T: Ord> PriorityQueue<T> {
    /// Creates a priority queue that holds at most `maxsize` items; 0 means
    /// unbounded.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::PriorityQueue;
    ///
    /// let q = PriorityQueue::<u32>::new(0);
    /// assert_eq!(q.maxsize(), 0);
    /// ```
    pub fn new(maxsize: usize) -> Self {
        Self {
            core: Arc::new(Core::new(Store::priority(maxsize), maxsize)),
        }
    }
}

impl<T: Ord> Default for PriorityQueue<T> {
    /// An unbounded priority queue.
    fn default() -> Self {
        Self::new(0)
    }
}

shared_methods!(PriorityQueue);
