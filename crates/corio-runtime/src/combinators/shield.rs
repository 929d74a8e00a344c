//! `shield`: await a task without passing the awaiter's cancellation on to it.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use super::Waitable;

/// Awaits `handle` without cancelling it when the awaiter is cancelled (asyncio's
/// `shield`).
///
/// Awaiting a task handle directly cancels the task when the awaiting task is cancelled
/// in that await (asyncio's rule, and corio's). A `Shield` only watches, through a
/// done-callback: when it is dropped, also by a cancellation, the task runs on and can be
/// awaited again afterwards through another handle. Give it a clone of a
/// [`SharedTask`](crate::SharedTask) you keep.
///
/// # Cancel safety
///
/// Dropping it leaves the task running; no output is taken until the task has finished and
/// the `Shield` is polled.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use corio_runtime::{run, shield, sleep, spawn, wait_for};
///
/// run(async {
///     let task = spawn(async {
///         sleep(Duration::from_millis(50)).await;
///         "done"
///     })
///     .share();
///     // The timeout cancels the shield, not the task.
///     assert!(wait_for(shield(task.clone()), Duration::from_millis(5)).await.is_err());
///     assert!(!task.cancelled());
///     assert_eq!(task.await, Ok("done"));
/// })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
pub fn shield<H: Waitable>(handle: H) -> Shield<H> {
    Shield {
        handle,
        callback: None,
        waker: Rc::new(RefCell::new(None)),
    }
}

/// The future of [`shield`].
///
/// # Examples
///
/// ```
/// corio_runtime::run(async {
///     let task = corio_runtime::spawn(async { 3 }).share();
///     assert_eq!(corio_runtime::shield(task).await, Ok(3));
/// })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Shield<H: Waitable> {
    handle: H,
    /// The id of the done-callback that wakes this future, once registered.
    callback: Option<u64>,
    /// Where the callback finds the waker of the task awaiting the shield.
    waker: Rc<RefCell<Option<Waker>>>,
}

impl<H: Waitable> Shield<H> {
    /// The shielded handle.
    ///
    /// # Examples
    ///
    /// ```
    /// corio_runtime::run(async {
    ///     let task = corio_runtime::spawn(async {}).share();
    ///     let s = corio_runtime::shield(task.clone());
    ///     assert_eq!(s.get_ref(), &task);
    /// })?;
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn get_ref(&self) -> &H {
        &self.handle
    }
}

// Nothing is pinned: the handle is only asked, never polled.
impl<H: Waitable> Unpin for Shield<H> {}

impl<H: Waitable> Future for Shield<H> {
    type Output = H::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<H::Output> {
        let this = self.get_mut();
        if this.handle.done()
            && let Some(out) = this.handle.take_output()
        {
            if let Some(id) = this.callback.take() {
                this.handle.remove_on_done(id);
            }
            return Poll::Ready(out);
        }
        *this.waker.borrow_mut() = Some(cx.waker().clone());
        if this.callback.is_none() {
            let waker = this.waker.clone();
            this.callback = Some(this.handle.on_done(move || {
                if let Some(w) = waker.borrow_mut().take() {
                    w.wake();
                }
            }));
        }
        Poll::Pending
    }
}

impl<H: Waitable> Drop for Shield<H> {
    fn drop(&mut self) {
        if let Some(id) = self.callback.take() {
            self.handle.remove_on_done(id);
        }
    }
}

impl<H: Waitable + fmt::Debug> fmt::Debug for Shield<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Shield").field(&self.handle).finish()
    }
}
