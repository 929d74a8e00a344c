//! [`Waitable`]: what `wait` and `shield` need from a task handle, without consuming it.

use corio_executor::{DoneWatch, SharedTask, TaskError};

use super::Fallible;

/// A handle to something that finishes once, watched without being consumed: the kind of
/// thing [`wait`](crate::wait) sorts into done and pending and [`shield`](crate::shield)
/// protects from its waiter's cancellation.
///
/// asyncio's `wait` and `shield` work on futures and tasks through their done-callbacks;
/// this trait is that interface. It is implemented for [`SharedTask`] (a unique
/// [`Task`](crate::Task) becomes one with [`Task::share`](crate::Task::share)) and
/// [`SettableFuture`](crate::SettableFuture), for outputs that are [`Fallible`]; implement
/// it for a handle of your own to use it with `wait`.
///
/// # Examples
///
/// ```
/// use corio_runtime::{Waitable, run, spawn, yield_now};
///
/// run(async {
///     let task = spawn(async { 5 }).share();
///     assert!(!Waitable::done(&task));
///     yield_now().await;
///     assert!(Waitable::done(&task));
///     assert_eq!(task.take_output(), Some(Ok(5)));
/// })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
pub trait Waitable {
    /// What the handle gives once done.
    type Output;

    /// Whether it has finished (with an output, a failure, or cancelled).
    fn done(&self) -> bool;

    /// Whether it finished with a failure other than cancellation (asyncio's
    /// `not f.cancelled() and f.exception() is not None`): what `FIRST_EXCEPTION` waits for.
    /// For a [`SharedTask`]: it panicked, or its output is a failure by [`Fallible`] (an
    /// `Err`).
    fn failed(&self) -> bool;

    /// Asks it to cancel; `false` if it had already finished.
    fn cancel(&self) -> bool;

    /// Calls `callback` once it is done, through the loop's ready queue (asyncio's
    /// `add_done_callback`), also when it is done already. Returns an id for
    /// [`Waitable::remove_on_done`].
    fn on_done(&self, callback: impl FnOnce() + 'static) -> u64;

    /// Removes a callback added with [`Waitable::on_done`] that has not been scheduled yet.
    fn remove_on_done(&self, id: u64) -> bool;

    /// Has `watch` told `index` once it is done (also when it is done already), and returns
    /// a key for [`Waitable::unwatch`]: how [`wait`](crate::wait) watches many handles at
    /// once. The default adds a done-callback ([`Waitable::on_done`]); a handle that can
    /// keep the watch itself, without a callback (as [`SharedTask`] does), overrides both.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_runtime::{DoneWatch, Waitable, run, spawn, yield_now};
    ///
    /// run(async {
    ///     let task = spawn(async {}).share();
    ///     let watch = DoneWatch::new();
    ///     let _key = task.watch(&watch, 3);
    ///     yield_now().await;
    ///     assert_eq!(watch.take_finished(), [3]);
    /// })?;
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    fn watch(&self, watch: &DoneWatch, index: usize) -> u64 {
        let watch = watch.clone();
        self.on_done(move || watch.notify(index))
    }

    /// Removes a watch added with [`Waitable::watch`] that has not been told yet; `true` if
    /// it was still there, which means the handle has not finished (a handle tells its
    /// watches, or queues its callbacks, as it finishes), so that `wait` need not ask
    /// [`Waitable::done`] about it. `false` when it was told already (or `key` is unknown).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_runtime::{DoneWatch, Waitable, run, spawn, yield_now};
    ///
    /// run(async {
    ///     let task = spawn(async {}).share();
    ///     let watch = DoneWatch::new();
    ///     let key = task.watch(&watch, 0);
    ///     assert!(task.unwatch(&watch, key)); // it had not finished
    ///     yield_now().await;
    ///     assert_eq!(watch.count(), 0);
    /// })?;
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    fn unwatch(&self, watch: &DoneWatch, key: u64) -> bool {
        let _ = watch;
        self.remove_on_done(key)
    }

    /// The outcome of a finished handle (what awaiting it would give); `None` while it is
    /// not finished.
    fn take_output(&self) -> Option<Self::Output>;
}

/// A shared task has failed when it panicked or when its output is a failure ([`Fallible`]:
/// an `Err`), which is what a Python task raising becomes in Rust.
impl<T: Clone + Fallible + 'static> Waitable for SharedTask<T> {
    type Output = Result<T, TaskError>;

    fn done(&self) -> bool {
        SharedTask::done(self)
    }

    fn failed(&self) -> bool {
        matches!(self.failure(), Some(TaskError::Panicked(_)))
            || self.peek_output(Fallible::is_failure).unwrap_or(false)
    }

    fn cancel(&self) -> bool {
        SharedTask::cancel(self)
    }

    fn on_done(&self, callback: impl FnOnce() + 'static) -> u64 {
        self.add_done_callback(move |_| callback())
    }

    fn remove_on_done(&self, id: u64) -> bool {
        self.remove_done_callback(id)
    }

    fn watch(&self, watch: &DoneWatch, index: usize) -> u64 {
        self.add_watch(watch, index)
    }

    fn unwatch(&self, watch: &DoneWatch, key: u64) -> bool {
        self.remove_watch(watch, key)
    }

    fn take_output(&self) -> Option<Self::Output> {
        self.result()
    }
}
