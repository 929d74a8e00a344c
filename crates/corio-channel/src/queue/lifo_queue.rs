//! [`LifoQueue`]: last in, first out.

use super::core::Core;
use super::methods::shared_methods;
use super::store::Store;
use crate::sync::Arc;

/// A last-in, first-out queue (a stack) for async tasks: asyncio's
/// `LifoQueue`.
///
/// It behaves like [`Queue`](crate::Queue) (same methods, same waiting,
/// `task_done`/`join` and shutdown rules) except that [`get`](LifoQueue::get)
/// takes the item put last. Puts and gets take one short lock.
///
/// # Examples
///
/// ```
/// use corio_channel::LifoQueue;
///
/// let q = LifoQueue::new(0);
/// for i in 1..=3 {
///     q.put_nowait(i).unwrap();
/// }
/// assert_eq!(q.get_nowait(), Ok(3));
/// assert_eq!(q.get_nowait(), Ok(2));
/// assert_eq!(q.get_nowait(), Ok(1));
/// ```
pub struct LifoQueue<T> {
    core: Arc<Core<T>>,
}

impl<T> LifoQueue<T> {
    /// Creates a LIFO queue that holds at most `maxsize` items; 0 means
    /// unbounded.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::LifoQueue;
    ///
    /// let q = LifoQueue::<String>::new(8);
    /// assert_eq!(q.maxsize(), 8);
    /// ```
    pub fn new(maxsize: usize) -> Self {
        Self {
            core: Arc::new(Core::new(Store::lifo(maxsize), maxsize)),
        }
    }
}

impl<T> Default for LifoQueue<T> {
    /// An unbounded LIFO queue.
    fn default() -> Self {
        Self::new(0)
    }
}

shared_methods!(LifoQueue);
