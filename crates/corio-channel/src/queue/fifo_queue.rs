//! [`Queue`]: first in, first out.

use super::core::Core;
use super::methods::shared_methods;
use super::store::Store;
use crate::sync::Arc;

/// A first-in, first-out queue for async tasks: asyncio's `Queue`.
///
/// A `Queue` is a handle: clones share one queue, so give each task its own
/// clone (or share one by reference). It works under any executor. Unbounded
/// when created with `maxsize` 0; otherwise [`put`](Queue::put) waits while
/// the queue holds `maxsize` items, which the queue allocates room for up
/// front.
///
/// Puts and gets take no lock: the items live in a lock-free
/// `concurrent-queue`.
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// use corio_channel::Queue;
///
/// let q = Queue::new(2);
/// let producer = {
///     let q = q.clone();
///     async move {
///         for i in 0..5 {
///             q.put(i).await.unwrap();
///         }
///     }
/// };
/// let consumer = async {
///     let mut got = Vec::new();
///     for _ in 0..5 {
///         got.push(q.get().await.unwrap());
///         q.task_done().unwrap();
///     }
///     got
/// };
/// let ((), got) = futures_lite::future::zip(producer, consumer).await;
/// assert_eq!(got, [0, 1, 2, 3, 4]);
/// q.join().await;
/// # });
/// ```
pub struct Queue<T> {
    core: Arc<Core<T>>,
}

impl<T> Queue<T> {
    /// Creates a queue that holds at most `maxsize` items; 0 means
    /// unbounded.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::Queue;
    ///
    /// let bounded = Queue::<u8>::new(10);
    /// let unbounded = Queue::<u8>::new(0);
    /// assert!(!unbounded.full());
    /// # let _ = bounded;
    /// ```
    pub fn new(maxsize: usize) -> Self {
        Self {
            core: Arc::new(Core::new(Store::fifo(maxsize), maxsize)),
        }
    }
}

impl<T> Default for Queue<T> {
    /// An unbounded queue.
    fn default() -> Self {
        Self::new(0)
    }
}

shared_methods!(Queue);
