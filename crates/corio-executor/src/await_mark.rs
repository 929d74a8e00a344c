//! Whether an awaitable is the await its task is suspended in: the one rule for what a
//! dropped handle cancels.

use crate::context;

/// Remembers in which task step an awaitable (a task handle, a settable future) was last
/// polled, so that its drop can tell whether it is the await that a cancelled task was
/// suspended in.
///
/// corio's rule for dropped handles, the same for every awaitable:
///
/// - **Cancelling a task cancels what it is awaiting right now** (asyncio's rule): when a
///   task is cancelled while suspended in `handle.await`, the handle is dropped with the
///   task's future, and the awaited task (or future) is cancelled too.
/// - **Dropping a handle otherwise cancels nothing**: a handle that a `select`, `timeout`
///   or `future::or` polled and then stopped polling is no longer awaited, and dropping it
///   later (or dropping its task while it waits on something else) detaches.
///
/// "Awaiting right now" means: polled in the step in which the task last suspended. A
/// handle polled only by a non-task (`block_on`'s own future) is never "awaited" in this
/// sense.
///
/// # Examples
///
/// A future that follows the rule:
///
/// ```
/// use std::future::Future;
/// use std::pin::Pin;
/// use std::task::{Context, Poll};
/// use corio_executor::AwaitMark;
///
/// struct Waits { mark: AwaitMark }
///
/// impl Future for Waits {
///     type Output = ();
///     fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
///         self.mark.polled(); // pending: remember the step
///         Poll::Pending
///     }
/// }
///
/// impl Drop for Waits {
///     fn drop(&mut self) {
///         if self.mark.abandoned_by_cancel() {
///             // cancel what this awaitable stands for
///         }
///     }
/// }
/// # let _ = Waits { mark: AwaitMark::new() };
/// ```
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct AwaitMark {
    /// The number of the task step that last polled it; 0: none.
    step: u64,
}

impl AwaitMark {
    /// A mark that was never polled.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!corio_executor::AwaitMark::new().abandoned_by_cancel());
    /// ```
    pub const fn new() -> AwaitMark {
        AwaitMark { step: 0 }
    }

    /// Records that the awaitable was polled (and is pending) in the task step running now;
    /// outside a task step it records nothing.
    ///
    /// # Examples
    ///
    /// See [`AwaitMark`].
    pub fn polled(&mut self) {
        self.step = context::current_step();
    }

    /// Forgets the poll (the awaitable finished, or was handed on).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut mark = corio_executor::AwaitMark::new();
    /// mark.clear();
    /// assert_eq!(mark, corio_executor::AwaitMark::new());
    /// ```
    pub fn clear(&mut self) {
        self.step = 0;
    }

    /// Whether the awaitable is being dropped with the future of a cancelled task that was
    /// suspended awaiting it: the caller should then cancel what it awaits.
    ///
    /// # Examples
    ///
    /// See [`AwaitMark`].
    pub fn abandoned_by_cancel(&self) -> bool {
        self.step != 0 && self.step == context::cancelled_step()
    }
}
