use std::fmt;
use std::rc::Weak;
use std::time::Instant;

use corio_executor::Handle;
use corio_time::TimerKey;

use crate::event_loop::LoopInner;

/// A callback scheduled with `call_later` or `call_at` (asyncio's `TimerHandle`).
///
/// Cancel it before it runs with [`TimerHandle::cancel`]; dropping the handle does not
/// cancel the callback.
///
/// # Examples
///
/// ```
/// use corio_runtime::EventLoop;
///
/// let lp = EventLoop::builder().virtual_time(true).build()?;
/// let handle = lp.call_later(5.0, || -> () { unreachable!("cancelled") })?;
/// assert_eq!(handle.when(), lp.time() + 5.0);
/// handle.cancel();
/// assert!(handle.cancelled());
/// lp.run_until_complete(corio_runtime::sleep(std::time::Duration::from_secs(10)))?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
#[derive(Clone)]
pub struct TimerHandle {
    pub(crate) handle: Handle,
    pub(crate) key: TimerKey,
    pub(crate) deadline: Instant,
    pub(crate) when: f64,
    pub(crate) owner: Weak<LoopInner>,
}

impl TimerHandle {
    /// Cancels the callback if it has not run; its timer is removed at once (O(1)) and what
    /// the callback captured is dropped.
    ///
    /// # Examples
    ///
    /// See [`TimerHandle`].
    pub fn cancel(&self) {
        self.handle.cancel();
        if let Some(owner) = self.owner.upgrade() {
            owner.timers.remove_key(self.key);
        }
    }

    /// Whether [`TimerHandle::cancel`] was called.
    ///
    /// # Examples
    ///
    /// See [`TimerHandle`].
    pub fn cancelled(&self) -> bool {
        self.handle.cancelled()
    }

    /// When the callback is due, in seconds on the scale of
    /// [`EventLoop::time`](crate::EventLoop::time) (asyncio's `TimerHandle.when()`).
    ///
    /// # Examples
    ///
    /// See [`TimerHandle`].
    pub fn when(&self) -> f64 {
        self.when
    }

    /// When the callback is due, as an instant of the loop's clock.
    ///
    /// # Examples
    ///
    /// ```
    /// let lp = corio_runtime::EventLoop::new()?;
    /// let at = lp.now() + std::time::Duration::from_secs(1);
    /// assert_eq!(lp.call_at(at, || {})?.deadline(), at);
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn deadline(&self) -> Instant {
        self.deadline
    }
}

impl fmt::Debug for TimerHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimerHandle")
            .field("when", &self.when)
            .field("cancelled", &self.cancelled())
            .finish()
    }
}
