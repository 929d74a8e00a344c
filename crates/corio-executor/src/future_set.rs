//! [`FutureSet`]: a fixed set of futures (the children of a `gather`), polled in place, each
//! with a waker of its own, all in two allocations whatever their number.
//!
//! Why not `FuturesUnordered`: it allocates a node per child (an `Arc` holding the future and
//! its links) and links and unlinks it in an intrusive list. A gather knows its children up
//! front and never adds one, so they can live in one boxed slice, indexed, with their wakers
//! in a second slice: a waker is a pointer to its child's slot, which points back at the
//! shared part. Gathering 100,000 tasks then allocates 2 blocks instead of 100,000 nodes.
//! This needs a hand-made `RawWaker` (the only `unsafe` here).

use std::future::Future;
use std::mem::ManuallyDrop;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

/// The wake side of one child: which child it is, whether it is queued, and the shared part
/// (for the reference count and the queue).
struct Slot {
    shared: *const Shared,
    index: u32,
    queued: AtomicBool,
}

// SAFETY: `shared` points at the `Shared` that owns this slot, which is `Send + Sync` (a
// mutex and atomics); the pointer is only read, and used only while a waker holds a count.
unsafe impl Send for Slot {}
// SAFETY: as for `Send`; the other fields are immutable or atomic.
unsafe impl Sync for Slot {}

/// The queue of woken children and the waker of the task that polls the set.
#[derive(Default)]
struct Queue {
    woken: Vec<u32>,
    waker: Option<Waker>,
}

/// What the wakers share: the slots (never moved once made) and the queue.
struct Shared {
    slots: Box<[Slot]>,
    queue: Mutex<Queue>,
}

impl Shared {
    fn queue(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake_by_ref, drop_waker);

/// # Safety
///
/// `data` is a `*const Slot` in the slots of a live `Shared` whose strong count this waker
/// holds one of (every waker made by [`FutureSet`] does).
unsafe fn slot<'a>(data: *const ()) -> &'a Slot {
    // SAFETY: by the caller's contract.
    unsafe { &*data.cast::<Slot>() }
}

unsafe fn clone(data: *const ()) -> RawWaker {
    // SAFETY: `data` comes from a live waker (the vtable's contract), which holds a count.
    let slot = unsafe { slot(data) };
    // SAFETY: `slot.shared` comes from `Arc::as_ptr` of the live `Arc<Shared>` (counted).
    unsafe { Arc::increment_strong_count(slot.shared) };
    RawWaker::new(data, &VTABLE)
}

unsafe fn wake(data: *const ()) {
    // SAFETY: as for `wake_by_ref`, then the waker's own count is given back.
    unsafe {
        wake_by_ref(data);
        drop_waker(data);
    }
}

unsafe fn wake_by_ref(data: *const ()) {
    // SAFETY: `data` comes from a live waker, which holds a count.
    let slot = unsafe { slot(data) };
    if slot.queued.swap(true, Ordering::AcqRel) {
        return; // queued already: polled once for all its wakes
    }
    // SAFETY: the count this waker holds keeps `Shared` alive.
    let shared = unsafe { &*slot.shared };
    let waker = {
        let mut queue = shared.queue();
        queue.woken.push(slot.index);
        queue.waker.take()
    };
    // Woken with the lock released: the waker is foreign code.
    if let Some(w) = waker {
        w.wake();
    }
}

unsafe fn drop_waker(data: *const ()) {
    // SAFETY: `data` comes from a live waker, which holds a count: given back here.
    unsafe {
        let slot = slot(data);
        Arc::decrement_strong_count(slot.shared);
    }
}

/// A fixed set of futures polled in place, each with a waker of its own, which hands out
/// their outputs as they finish, tagged with their index: a `FuturesUnordered` that cannot
/// grow, without a node per future. A wake polls only the future it concerns. corio-runtime's
/// `gather` stands on it.
///
/// # Examples
///
/// ```
/// use std::future::{poll_fn, ready};
/// use corio_executor::FutureSet;
///
/// let mut set = FutureSet::new([ready('a'), ready('b')]);
/// assert_eq!(set.len(), 2);
/// let mut outs = Vec::new();
/// futures_lite::future::block_on(poll_fn(|cx| {
///     while let Some(out) = std::task::ready!(set.poll_next(cx)) {
///         outs.push(out);
///     }
///     std::task::Poll::Ready(())
/// }));
/// assert_eq!(outs, [(0, 'a'), (1, 'b')]);
/// ```
pub struct FutureSet<F> {
    /// The children, `None` once finished; a boxed slice, never moved: they are pinned.
    children: Box<[Option<F>]>,
    shared: Arc<Shared>,
    /// The batch of woken children being polled (kept to reuse its allocation).
    batch: Vec<u32>,
    /// Where in `batch` the next child to poll is.
    next: usize,
    /// How many children have not finished.
    left: usize,
}

// The children are pinned in their boxed slice; the set itself can move.
impl<F> Unpin for FutureSet<F> {}

impl<F: Future> FutureSet<F> {
    /// A set of `children`, all of them due for a first poll (in order).
    ///
    /// # Panics
    ///
    /// With more than `u32::MAX` futures.
    ///
    /// # Examples
    ///
    /// See [`FutureSet`].
    pub fn new(children: impl IntoIterator<Item = F>) -> FutureSet<F> {
        let children: Box<[Option<F>]> = children.into_iter().map(Some).collect();
        let n = u32::try_from(children.len()).expect("a FutureSet of more than 2^32 futures");
        let shared = Arc::new_cyclic(|weak| Shared {
            slots: (0..n)
                .map(|index| Slot {
                    shared: weak.as_ptr(),
                    index,
                    queued: AtomicBool::new(true),
                })
                .collect(),
            queue: Mutex::new(Queue::default()),
        });
        FutureSet {
            left: children.len(),
            children,
            shared,
            batch: (0..n).collect(),
            next: 0,
        }
    }

    /// How many futures have not finished.
    ///
    /// # Examples
    ///
    /// See [`FutureSet`].
    pub fn len(&self) -> usize {
        self.left
    }

    /// Whether every future has finished.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(corio_executor::FutureSet::<std::future::Ready<()>>::new([]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.left == 0
    }

    /// The futures that have not finished.
    ///
    /// # Examples
    ///
    /// ```
    /// let set = corio_executor::FutureSet::new([std::future::ready(1)]);
    /// assert_eq!(set.pending().count(), 1);
    /// ```
    pub fn pending(&self) -> impl Iterator<Item = &F> {
        self.children.iter().flatten()
    }

    /// Polls the woken futures until one finishes: `Ready(Some((index, output)))`, or
    /// `Ready(None)` once all have; `Pending` (with `cx`'s waker registered) when none is
    /// woken.
    ///
    /// # Examples
    ///
    /// See [`FutureSet`].
    pub fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<(usize, F::Output)>> {
        loop {
            if self.left == 0 {
                return Poll::Ready(None);
            }
            if self.next == self.batch.len() {
                // The batch is done: take the children woken since.
                self.batch.clear();
                self.next = 0;
                let mut queue = self.shared.queue();
                if queue.woken.is_empty() {
                    if !queue
                        .waker
                        .as_ref()
                        .is_some_and(|w| w.will_wake(cx.waker()))
                    {
                        let old = queue.waker.replace(cx.waker().clone());
                        drop(queue);
                        drop(old);
                    }
                    return Poll::Pending;
                }
                std::mem::swap(&mut queue.woken, &mut self.batch);
                continue;
            }
            let index = self.batch[self.next] as usize;
            self.next += 1;
            let slot = &self.shared.slots[index];
            // Cleared before the poll: a wake during it queues the child again.
            slot.queued.store(false, Ordering::Release);
            let Some(child) = self.children[index].as_mut() else {
                continue; // finished already (a stray wake)
            };
            // SAFETY: the slot lives in `self.shared`, whose count the `ManuallyDrop`ped
            // waker borrows without owning: it is not dropped, and is cloned (counted) by
            // whoever keeps it.
            let waker = ManuallyDrop::new(unsafe {
                Waker::from_raw(RawWaker::new(std::ptr::from_ref(slot).cast(), &VTABLE))
            });
            let mut child_cx = Context::from_waker(&waker);
            // SAFETY: the children live in a boxed slice that is never moved, resized or
            // reallocated; a child is only dropped in place (set to `None`).
            let pinned = unsafe { Pin::new_unchecked(child) };
            if let Poll::Ready(out) = pinned.poll(&mut child_cx) {
                self.children[index] = None;
                self.left -= 1;
                return Poll::Ready(Some((index, out)));
            }
        }
    }
}

impl<F: Future> std::fmt::Debug for FutureSet<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FutureSet")
            .field("children", &self.children.len())
            .field("left", &self.left)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::future::poll_fn;
    use std::rc::Rc;
    use std::task::{Context, Poll, Waker};

    use super::FutureSet;

    /// A child woken from outside (here: by hand, through a clone of its waker) is polled
    /// again, and only it; wakers outlive the set safely.
    #[test]
    fn wakes_poll_only_the_woken_child() {
        let polls = Rc::new([Cell::new(0), Cell::new(0)]);
        let wakers: Rc<std::cell::RefCell<Vec<Option<Waker>>>> =
            Rc::new(std::cell::RefCell::new(vec![None, None]));
        let children = (0..2).map(|i| {
            let polls = polls.clone();
            let wakers = wakers.clone();
            poll_fn(move |cx| {
                polls[i].set(polls[i].get() + 1);
                if polls[i].get() == 3 {
                    return Poll::Ready(i);
                }
                wakers.borrow_mut()[i] = Some(cx.waker().clone());
                Poll::Pending
            })
        });
        let mut set = FutureSet::new(children);
        let mut cx = Context::from_waker(Waker::noop());
        assert!(set.poll_next(&mut cx).is_pending());
        assert_eq!((polls[0].get(), polls[1].get()), (1, 1));
        let w1 = wakers.borrow_mut()[1].take().unwrap();
        w1.wake_by_ref();
        w1.wake_by_ref(); // queued once
        assert!(set.poll_next(&mut cx).is_pending());
        assert_eq!((polls[0].get(), polls[1].get()), (1, 2));
        w1.wake();
        assert_eq!(set.poll_next(&mut cx), Poll::Ready(Some((1, 1))));
        assert_eq!(set.len(), 1);
        let w0 = wakers.borrow_mut()[0].take().unwrap();
        drop(set);
        w0.wake(); // the set is gone: the waker still holds the shared part
    }
}
