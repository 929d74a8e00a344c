//! The named futures returned by the queues' async methods.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use super::core::Core;
use super::error::{GetNowaitError, PutError, PutNowaitError, ShutDown};
use crate::signal::{OwnedWaiter, Signal, Waiter, poll_until};

/// Future of [`Queue::get`](crate::Queue::get) (and of the same method on
/// [`PriorityQueue`](crate::PriorityQueue) and
/// [`LifoQueue`](crate::LifoQueue)).
///
/// # Cancel safety
///
/// Cancel safe: a `Get` never holds an item. If it is dropped after a put
/// woke it but before it took the item, the wakeup passes to the next
/// waiting getter, so the item is not lost.
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// use corio_channel::{Queue, queue::Get};
///
/// let q = Queue::new(0);
/// q.put_nowait(1).unwrap();
/// let get: Get<'_, i32> = q.get();
/// assert_eq!(get.await, Ok(1));
/// # });
/// ```
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Get<'a, T> {
    core: &'a Core<T>,
    waiter: Option<Waiter<'a>>,
}

impl<'a, T> Get<'a, T> {
    pub(crate) fn new(core: &'a Core<T>) -> Self {
        Self { core, waiter: None }
    }
}

impl<T> Future for Get<'_, T> {
    type Output = Result<T, ShutDown>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let core = this.core;
        poll_until(
            &mut this.waiter,
            cx,
            || core.getters.listen(),
            || match core.get_nowait() {
                Ok(item) => Some(Ok(item)),
                Err(GetNowaitError::ShutDown) => Some(Err(ShutDown)),
                Err(GetNowaitError::Empty) => None,
            },
        )
    }
}

impl<T> fmt::Debug for Get<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Get")
            .field("queue", self.core)
            .field("waiting", &self.waiter.is_some())
            .finish()
    }
}

/// Future of [`Queue::put`](crate::Queue::put) (and of the same method on
/// [`PriorityQueue`](crate::PriorityQueue) and
/// [`LifoQueue`](crate::LifoQueue)).
///
/// # Cancel safety
///
/// If dropped before it completes, the item was not put and is dropped with
/// the future; a wakeup it had received passes to the next waiting putter.
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// use corio_channel::{Queue, queue::Put};
///
/// let q = Queue::new(1);
/// let put: Put<'_, &str> = q.put("x");
/// put.await.unwrap();
/// assert_eq!(q.qsize(), 1);
/// # });
/// ```
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Put<'a, T> {
    core: &'a Core<T>,
    /// `None` once the item is put or given back.
    item: Option<T>,
    waiter: Option<Waiter<'a>>,
}

impl<'a, T> Put<'a, T> {
    pub(crate) fn new(core: &'a Core<T>, item: T) -> Self {
        Self {
            core,
            item: Some(item),
            waiter: None,
        }
    }
}

// The item is only ever moved, never pinned, so `Put` is `Unpin` whatever
// `T` is.
impl<T> Unpin for Put<'_, T> {}

impl<T> Future for Put<'_, T> {
    type Output = Result<(), PutError<T>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let core = this.core;
        let slot = &mut this.item;
        poll_until(
            &mut this.waiter,
            cx,
            || core.putters.listen(),
            || {
                // Polled again after completing: nothing left to do.
                let Some(item) = slot.take() else {
                    return Some(Ok(()));
                };
                match core.put_nowait(item) {
                    Ok(()) => Some(Ok(())),
                    Err(PutNowaitError::ShutDown(item)) => Some(Err(PutError(item))),
                    Err(PutNowaitError::Full(item)) => {
                        *slot = Some(item);
                        None
                    }
                }
            },
        )
    }
}

impl<T> fmt::Debug for Put<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Put")
            .field("queue", self.core)
            .field("done", &self.item.is_none())
            .field("waiting", &self.waiter.is_some())
            .finish()
    }
}

/// Future of [`Queue::join`](crate::Queue::join) (and of the same method on
/// [`PriorityQueue`](crate::PriorityQueue) and
/// [`LifoQueue`](crate::LifoQueue)).
///
/// # Cancel safety
///
/// Cancel safe: it only observes the count of unfinished items.
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// use corio_channel::{Queue, queue::Join};
///
/// let q = Queue::<i32>::new(0);
/// let join: Join<i32> = q.join(); // owns a handle on the queue: `'static` when `T` is
/// join.await; // nothing unfinished: returns at once
/// # });
/// ```
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Join<T> {
    core: Arc<Core<T>>,
    waiter: Option<OwnedWaiter<Finished<T>>>,
}

/// The queue's "all done" signal, reached through an `Arc` of the queue.
struct Finished<T>(Arc<Core<T>>);

impl<T> AsRef<Signal> for Finished<T> {
    fn as_ref(&self) -> &Signal {
        &self.0.finished
    }
}

impl<T> Join<T> {
    pub(crate) fn new(core: Arc<Core<T>>) -> Self {
        Self { core, waiter: None }
    }
}

// Nothing is pinned: the waiter's listener is `Unpin`.
impl<T> Unpin for Join<T> {}

impl<T> Future for Join<T> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let core = &this.core;
        poll_until(
            &mut this.waiter,
            cx,
            || OwnedWaiter::new(Finished(core.clone())),
            || (core.unfinished() == 0).then_some(()),
        )
    }
}

impl<T> fmt::Debug for Join<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Join")
            .field("queue", &*self.core)
            .field("waiting", &self.waiter.is_some())
            .finish()
    }
}
