use std::cell::RefCell;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::sync::Arc;
use std::task::{Context, Poll};

use corio_executor::{AwaitMark, DoneCallback, DoneList, DoneWatch};

use crate::event_loop::LoopInner;
use crate::{Fallible, FutureError, Waitable};

enum State<T> {
    Pending,
    Done(T),
    Failed(Arc<dyn Error + Send + Sync>),
    Cancelled,
}

/// Invariant: no borrow of a cell is held across user code (a waker, a callback, the drop
/// of either), so that such code may use the future again.
struct Inner<T: 'static> {
    state: RefCell<State<T>>,
    /// Awaiters and done-callbacks in registration order; emptied on completion.
    entries: RefCell<DoneList<SettableFuture<T>>>,
    /// The loop whose ready queue runs the done-callbacks.
    owner: Option<Weak<LoopInner>>,
}

/// A future whose result is set by hand (asyncio's `Future`).
///
/// Set a result or an error once; a second set is [`FutureError::AlreadyDone`]. Any number
/// of tasks may await it at once (each gets a clone of the result). Done-callbacks run
/// through the loop's ready queue (`call_soon`), in registration order, never inside
/// `set_result`, also when added to a future that is already done.
///
/// It is bound to a loop: the one it was created by ([`EventLoop::create_future`]), or for
/// [`SettableFuture::new`] the running loop, else the thread's loop from
/// [`set_event_loop`](crate::set_event_loop). With no loop at all, done-callbacks run on the
/// spot when the future completes.
///
/// Awaiters resume and done-callbacks run in the order they were registered, as in asyncio.
///
/// Cancelling a task while it is suspended awaiting a `SettableFuture` cancels the future,
/// as asyncio cancels the future a cancelled task awaited. A handle that a `select` or
/// `timeout` stopped polling is not awaited any more: dropping it cancels nothing (see
/// [`AwaitMark`](corio_executor::AwaitMark) for the rule).
///
/// [`EventLoop::create_future`]: crate::EventLoop::create_future
///
/// # Examples
///
/// ```
/// use corio_runtime::EventLoop;
///
/// let lp = EventLoop::new()?;
/// let fut = lp.create_future::<String>();
/// let setter = fut.clone();
/// lp.call_soon(move || setter.set_result("the result".into()).unwrap())?;
/// assert_eq!(lp.run_until_complete(fut.clone())?.unwrap(), "the result");
/// assert_eq!(fut.result().unwrap(), "the result");
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
pub struct SettableFuture<T: 'static> {
    inner: Rc<Inner<T>>,
    /// Index of this handle's entry in `entries` while it is being awaited.
    waiting: Option<u32>,
    /// Whether the task awaiting this handle is suspended in that await.
    mark: AwaitMark,
}

impl<T: 'static> Default for SettableFuture<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: 'static> SettableFuture<T> {
    /// A pending future bound to the running loop, else the thread's loop (or none).
    ///
    /// # Examples
    ///
    /// ```
    /// let fut = corio_runtime::SettableFuture::new();
    /// assert!(!fut.done());
    /// fut.set_result(3).unwrap();
    /// assert_eq!(fut.result().unwrap(), 3);
    /// ```
    pub fn new() -> SettableFuture<T> {
        Self::with_owner(crate::current::set_loop_weak())
    }

    pub(crate) fn bound_to(owner: Weak<LoopInner>) -> SettableFuture<T> {
        Self::with_owner(Some(owner))
    }

    fn with_owner(owner: Option<Weak<LoopInner>>) -> SettableFuture<T> {
        SettableFuture {
            inner: Rc::new(Inner {
                state: RefCell::new(State::Pending),
                entries: RefCell::new(DoneList::new()),
                owner,
            }),
            waiting: None,
            mark: AwaitMark::new(),
        }
    }

    /// Whether a result, an error or a cancellation was set.
    ///
    /// # Examples
    ///
    /// See [`SettableFuture::new`].
    pub fn done(&self) -> bool {
        !matches!(*self.inner.state.borrow(), State::Pending)
    }

    /// Whether the future was cancelled.
    ///
    /// # Examples
    ///
    /// See [`SettableFuture::cancel`].
    pub fn cancelled(&self) -> bool {
        matches!(*self.inner.state.borrow(), State::Cancelled)
    }

    /// Sets the result and wakes every waiter; done-callbacks are scheduled.
    ///
    /// # Errors
    ///
    /// [`FutureError::AlreadyDone`] if the future is done (the value is dropped).
    ///
    /// # Examples
    ///
    /// ```
    /// let fut = corio_runtime::SettableFuture::new();
    /// fut.set_result(1).unwrap();
    /// assert!(fut.set_result(2).is_err());
    /// ```
    pub fn set_result(&self, value: T) -> Result<(), FutureError> {
        self.complete(State::Done(value))
    }

    /// Sets an error (asyncio's `set_exception`); waiters get [`FutureError::Failed`].
    ///
    /// # Errors
    ///
    /// [`FutureError::AlreadyDone`] if the future is done.
    ///
    /// # Examples
    ///
    /// ```
    /// let fut = corio_runtime::SettableFuture::<i32>::new();
    /// fut.set_error("no luck").unwrap();
    /// assert_eq!(fut.result().unwrap_err().to_string(), "no luck");
    /// ```
    pub fn set_error(
        &self,
        error: impl Into<Box<dyn Error + Send + Sync>>,
    ) -> Result<(), FutureError> {
        self.complete(State::Failed(Arc::from(error.into())))
    }

    /// Cancels the future; `false` if it was already done.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_runtime::{FutureError, SettableFuture};
    /// let fut = SettableFuture::<()>::new();
    /// assert!(fut.cancel());
    /// assert!(fut.cancelled());
    /// assert!(matches!(fut.result(), Err(FutureError::Cancelled)));
    /// assert!(!fut.cancel());
    /// ```
    pub fn cancel(&self) -> bool {
        self.complete(State::Cancelled).is_ok()
    }

    fn complete(&self, state: State<T>) -> Result<(), FutureError> {
        {
            let mut current = self.inner.state.borrow_mut();
            if !matches!(*current, State::Pending) {
                return Err(FutureError::AlreadyDone);
            }
            *current = state;
        }
        // In registration order: an awaiter's wake queues its task's step, a callback is
        // queued through call_soon, on the same FIFO queue.
        let entries = self.inner.entries.borrow_mut().take();
        entries.notify(|cb| self.schedule_callback(cb));
        Ok(())
    }

    fn schedule_callback(&self, cb: DoneCallback<SettableFuture<T>>) {
        let this = self.clone();
        let owner = self.inner.owner.as_ref().and_then(Weak::upgrade);
        match owner {
            Some(owner) if !owner.executor.is_closed() => {
                owner.executor.call_soon(move || cb(&this));
            }
            _ => cb(&this),
        }
    }

    /// The result, cloned (asyncio's `result()`).
    ///
    /// # Errors
    ///
    /// [`FutureError::NotDone`] while pending, [`FutureError::Cancelled`],
    /// [`FutureError::Failed`] with the error set.
    ///
    /// # Examples
    ///
    /// See [`SettableFuture`].
    pub fn result(&self) -> Result<T, FutureError>
    where
        T: Clone,
    {
        match &*self.inner.state.borrow() {
            State::Pending => Err(FutureError::NotDone),
            State::Done(v) => Ok(v.clone()),
            State::Failed(e) => Err(FutureError::Failed(e.clone())),
            State::Cancelled => Err(FutureError::Cancelled),
        }
    }

    /// The error, if one was set (asyncio's `exception()`).
    ///
    /// # Errors
    ///
    /// [`FutureError::NotDone`] while pending, [`FutureError::Cancelled`] if cancelled.
    ///
    /// # Examples
    ///
    /// ```
    /// let fut = corio_runtime::SettableFuture::<()>::new();
    /// fut.set_result(()).unwrap();
    /// assert!(fut.error().unwrap().is_none());
    /// ```
    pub fn error(&self) -> Result<Option<Arc<dyn Error + Send + Sync>>, FutureError> {
        match &*self.inner.state.borrow() {
            State::Pending => Err(FutureError::NotDone),
            State::Done(_) => Ok(None),
            State::Failed(e) => Ok(Some(e.clone())),
            State::Cancelled => Err(FutureError::Cancelled),
        }
    }

    /// Calls `callback` with the future once it is done, through the loop's ready queue, in
    /// registration order among the future's callbacks and awaiters; returns an id for
    /// [`SettableFuture::remove_done_callback`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::{cell::RefCell, rc::Rc};
    /// let lp = corio_runtime::EventLoop::new()?;
    /// let fut = lp.create_future::<u8>();
    /// let log = Rc::new(RefCell::new(Vec::new()));
    /// for n in 1..=2 {
    ///     let l = log.clone();
    ///     fut.add_done_callback(move |f| l.borrow_mut().push((n, f.result().unwrap())));
    /// }
    /// fut.set_result(9).unwrap();
    /// assert!(log.borrow().is_empty()); // not inside set_result
    /// lp.run_until_complete(corio_runtime::sleep(std::time::Duration::ZERO))?;
    /// assert_eq!(*log.borrow(), [(1, 9), (2, 9)]);
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn add_done_callback(&self, callback: impl FnOnce(&SettableFuture<T>) + 'static) -> u64 {
        let id = self.inner.entries.borrow_mut().next_id();
        if self.done() {
            self.schedule_callback(Box::new(callback));
        } else {
            self.inner
                .entries
                .borrow_mut()
                .push_callback(id, Box::new(callback));
        }
        id
    }

    /// Removes a done-callback not yet scheduled; `true` if it was found.
    ///
    /// # Examples
    ///
    /// ```
    /// let fut = corio_runtime::SettableFuture::<()>::new();
    /// let id = fut.add_done_callback(|_| unreachable!());
    /// assert!(fut.remove_done_callback(id));
    /// fut.set_result(()).unwrap();
    /// ```
    pub fn remove_done_callback(&self, id: u64) -> bool {
        let removed = self.inner.entries.borrow_mut().remove_callback(id);
        // Dropped with the list released: the closure's captures may use this future.
        removed.is_some()
    }
}

impl<T: 'static> SettableFuture<T> {
    /// Whether an error was set, or the value set is a failure by [`Fallible`] (an `Err`):
    /// what [`wait`](crate::wait)'s `FIRST_EXCEPTION` looks for.
    fn has_failed(&self) -> bool
    where
        T: Fallible,
    {
        match &*self.inner.state.borrow() {
            State::Failed(_) => true,
            State::Done(v) => v.is_failure(),
            State::Pending | State::Cancelled => false,
        }
    }
}

/// A settable future can be watched by [`wait`](crate::wait) and [`shield`](crate::shield),
/// as asyncio's `wait` takes futures: it is done once a result, an error or a cancellation
/// is set, and has failed when an error was set or its value is a failure ([`Fallible`]).
///
/// # Examples
///
/// ```
/// use corio_runtime::{SettableFuture, run, wait, FIRST_COMPLETED};
///
/// run(async {
///     let set = SettableFuture::<u8>::new();
///     let never = SettableFuture::<u8>::new();
///     set.set_result(1).unwrap();
///     let (done, pending) = wait([set.clone(), never.clone()], None, FIRST_COMPLETED).await.unwrap();
///     assert_eq!((done, pending), (vec![set], vec![never]));
/// })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
impl<T: Clone + Fallible + 'static> Waitable for SettableFuture<T> {
    type Output = Result<T, FutureError>;

    fn done(&self) -> bool {
        SettableFuture::done(self)
    }

    fn failed(&self) -> bool {
        self.has_failed()
    }

    fn cancel(&self) -> bool {
        SettableFuture::cancel(self)
    }

    fn on_done(&self, callback: impl FnOnce() + 'static) -> u64 {
        self.add_done_callback(move |_| callback())
    }

    fn remove_on_done(&self, id: u64) -> bool {
        self.remove_done_callback(id)
    }

    fn watch(&self, watch: &DoneWatch, index: usize) -> u64 {
        if self.done() {
            watch.notify(index);
            return u64::MAX;
        }
        u64::from(self.inner.entries.borrow_mut().push_watch(watch, index))
    }

    fn unwatch(&self, watch: &DoneWatch, key: u64) -> bool {
        let Ok(key) = u32::try_from(key) else {
            return false;
        };
        let removed = self.inner.entries.borrow_mut().remove_watch(watch, key);
        // Dropped with the list released.
        removed.is_some()
    }

    fn take_output(&self) -> Option<Self::Output> {
        match self.result() {
            Err(FutureError::NotDone) => None,
            out => Some(out),
        }
    }
}

impl<T: 'static> Clone for SettableFuture<T> {
    fn clone(&self) -> Self {
        SettableFuture {
            inner: self.inner.clone(),
            waiting: None,
            mark: AwaitMark::new(),
        }
    }
}

impl<T: Clone + 'static> Future for SettableFuture<T> {
    type Output = Result<T, FutureError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        if !this.done() {
            let replaced = this
                .inner
                .entries
                .borrow_mut()
                .set_waiter(&mut this.waiting, cx.waker());
            // The old waker is dropped with the list released: its drop is foreign code,
            // which may poll this future again.
            drop(replaced);
            this.mark.polled();
            return Poll::Pending;
        }
        this.waiting = None;
        this.mark.clear();
        Poll::Ready(this.result())
    }
}

impl<T: 'static> Drop for SettableFuture<T> {
    fn drop(&mut self) {
        if let Some(i) = self.waiting
            && !self.done()
        {
            // This awaiter goes: its entry too (dropped with the list released).
            let old = self.inner.entries.borrow_mut().end(i);
            drop(old);
        }
        if self.mark.abandoned_by_cancel() {
            // The task awaiting it was cancelled: so is the future, as asyncio does. A
            // future that is already done is left as it is.
            let _ = self.complete(State::Cancelled);
        }
    }
}

impl<T: 'static> PartialEq for SettableFuture<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

impl<T: 'static> Eq for SettableFuture<T> {}

impl<T: 'static> fmt::Debug for SettableFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &*self.inner.state.borrow() {
            State::Pending => "pending",
            State::Done(_) => "finished",
            State::Failed(_) => "failed",
            State::Cancelled => "cancelled",
        };
        f.debug_struct("Future").field("state", &state).finish()
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll, Waker};

    use super::SettableFuture;

    /// Awaiters that come and go (a fresh clone polled once by a `wait_for`, then dropped),
    /// and callbacks added and removed, do not grow a pending future's list.
    #[test]
    fn awaiters_and_callbacks_that_go_leave_no_entries_behind() {
        let fut = SettableFuture::<u8>::new();
        let mut cx = Context::from_waker(Waker::noop());
        for _ in 0..100 {
            let mut waiter = fut.clone();
            assert!(Pin::new(&mut waiter).poll(&mut cx).is_pending());
            drop(waiter);
            let id = fut.add_done_callback(|_| {});
            assert!(fut.remove_done_callback(id));
        }
        assert_eq!(fut.inner.entries.borrow().len(), 0);
        // A live awaiter keeps its place, and is still woken.
        let mut first = fut.clone();
        assert!(Pin::new(&mut first).poll(&mut cx).is_pending());
        let mut second = fut.clone();
        assert!(Pin::new(&mut second).poll(&mut cx).is_pending());
        drop(second);
        assert_eq!(fut.inner.entries.borrow().len(), 1);
        fut.set_result(4).unwrap();
        assert!(matches!(
            Pin::new(&mut first).poll(&mut cx),
            Poll::Ready(Ok(4))
        ));
    }
}
