//! [`DoneWatch`]: one waiter watching many handles at once, without a callback each.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// What the handles a [`DoneWatch`] watches share: the indices of those that finished since
/// the last look, and the waker of the one waiting.
#[derive(Default)]
struct WatchInner {
    /// Indices reported by [`DoneWatch::notify`] and not yet taken, in completion order.
    finished: RefCell<Vec<usize>>,
    /// How many reports came in all.
    count: Cell<usize>,
    waker: RefCell<Option<Waker>>,
}

/// One waiter watching many handles that finish once: each handle reports its index here
/// when it finishes, and the waiter is woken (once per batch of reports).
///
/// This is what `wait` in corio-runtime stands on (asyncio's `wait` adds one done-callback
/// per future, all of them sharing one counter): registering a watch on a
/// [`SharedTask`](crate::SharedTask) ([`SharedTask::add_watch`](crate::SharedTask::add_watch))
/// takes a place in the task's ordered list of awaiters and done-callbacks, but allocates
/// nothing and goes through no ready queue, so watching 10,000 tasks costs about what
/// polling them once would.
///
/// # Examples
///
/// ```
/// use std::future::poll_fn;
/// use std::task::Poll;
/// use corio_executor::{DoneWatch, LocalExecutor, park};
///
/// let (mut parker, unparker) = park::pair();
/// let ex = LocalExecutor::new(unparker);
/// let tasks: Vec<_> = (0..3u8).map(|i| ex.spawn_local(async move { i }).share()).collect();
/// let watch = DoneWatch::new();
/// let keys: Vec<_> = tasks.iter().enumerate().map(|(i, t)| t.add_watch(&watch, i)).collect();
/// let mut seen = Vec::new();
/// ex.block_on(
///     poll_fn(|cx| {
///         seen.extend(watch.take_finished());
///         if watch.count() == 3 {
///             return Poll::Ready(());
///         }
///         watch.register(cx);
///         Poll::Pending
///     }),
///     &mut parker,
/// );
/// seen.sort();
/// assert_eq!(seen, [0, 1, 2]);
/// # drop(keys);
/// ```
#[derive(Clone, Default)]
pub struct DoneWatch {
    inner: Rc<WatchInner>,
}

impl DoneWatch {
    /// A watch no handle has reported to yet.
    ///
    /// # Examples
    ///
    /// ```
    /// let watch = corio_executor::DoneWatch::new();
    /// assert_eq!(watch.count(), 0);
    /// ```
    pub fn new() -> DoneWatch {
        DoneWatch::default()
    }

    /// Reports that the handle at `index` finished: records it and wakes the waiter, if one
    /// is registered (the waker is taken: a batch of reports wakes it once).
    ///
    /// # Examples
    ///
    /// ```
    /// let watch = corio_executor::DoneWatch::new();
    /// watch.notify(4);
    /// watch.notify(1);
    /// assert_eq!((watch.count(), watch.take_finished()), (2, vec![4, 1]));
    /// assert!(watch.take_finished().is_empty());
    /// ```
    pub fn notify(&self, index: usize) {
        self.inner.finished.borrow_mut().push(index);
        self.inner.count.set(self.inner.count.get() + 1);
        let waker = self.inner.waker.borrow_mut().take();
        // Woken with no borrow held: the waker is foreign code.
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// How many reports came in since the watch was made.
    ///
    /// # Examples
    ///
    /// See [`DoneWatch::notify`].
    pub fn count(&self) -> usize {
        self.inner.count.get()
    }

    /// The indices reported since the last call, in the order they came.
    ///
    /// # Examples
    ///
    /// See [`DoneWatch::notify`].
    pub fn take_finished(&self) -> Vec<usize> {
        std::mem::take(&mut *self.inner.finished.borrow_mut())
    }

    /// Registers `cx`'s waker, to be woken by the next report (it replaces the one
    /// registered before).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::task::{Context, Waker};
    /// let watch = corio_executor::DoneWatch::new();
    /// watch.register(&mut Context::from_waker(Waker::noop()));
    /// watch.notify(0); // wakes the no-op waker
    /// ```
    pub fn register(&self, cx: &mut Context<'_>) {
        let old = {
            let mut slot = self.inner.waker.borrow_mut();
            match &*slot {
                Some(w) if w.will_wake(cx.waker()) => None,
                _ => slot.replace(cx.waker().clone()),
            }
        };
        // An old waker (foreign code) is dropped with the slot released.
        drop(old);
    }

    /// Waits for reports: `Ready` with the indices reported since the last look once there
    /// is at least one, else registers `cx`'s waker.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::task::{Context, Poll, Waker};
    /// let watch = corio_executor::DoneWatch::new();
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert!(watch.poll_finished(&mut cx).is_pending());
    /// watch.notify(2);
    /// assert_eq!(watch.poll_finished(&mut cx), Poll::Ready(vec![2]));
    /// ```
    pub fn poll_finished(&self, cx: &mut Context<'_>) -> Poll<Vec<usize>> {
        let finished = self.take_finished();
        if finished.is_empty() {
            self.register(cx);
            Poll::Pending
        } else {
            Poll::Ready(finished)
        }
    }

    /// Whether both are the same watch.
    pub(crate) fn ptr_eq(&self, other: &DoneWatch) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

impl fmt::Debug for DoneWatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DoneWatch")
            .field("count", &self.inner.count.get())
            .finish()
    }
}
