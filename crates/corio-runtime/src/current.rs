//! The loop running on this thread, and the loop set for it (asyncio's
//! `get_running_loop` / `get_event_loop` / `set_event_loop`), with the free functions that
//! use them.

use std::cell::RefCell;
use std::future::Future;

use corio_executor::{AnyTask, Task};

use crate::{EventLoop, LoopError};

thread_local! {
    static RUNNING: RefCell<Option<EventLoop>> = const { RefCell::new(None) };
    static SET: RefCell<Option<EventLoop>> = const { RefCell::new(None) };
}

pub(crate) fn running_loop() -> Option<EventLoop> {
    RUNNING.with(|r| r.borrow().clone())
}

/// Marks a loop as running on this thread: the running-loop slot, the timer source of
/// `sleep`, the reactor of `Async`. Everything is restored when dropped, also on a panic.
pub(crate) struct RunningGuard<'a> {
    lp: &'a EventLoop,
    previous: Option<EventLoop>,
    _timers: corio_time::EnterGuard,
    _reactor: corio_reactor::EnterGuard<'a>,
}

impl<'a> RunningGuard<'a> {
    pub(crate) fn enter(lp: &'a EventLoop) -> RunningGuard<'a> {
        lp.set_running(true);
        RunningGuard {
            lp,
            previous: RUNNING.with(|r| r.replace(Some(lp.clone()))),
            _timers: corio_time::enter(lp.timer_source()),
            _reactor: lp.inner.reactor.enter(),
        }
    }
}

impl Drop for RunningGuard<'_> {
    fn drop(&mut self) {
        self.lp.set_running(false);
        let previous = self.previous.take();
        let _ = RUNNING.try_with(|r| *r.borrow_mut() = previous);
    }
}

/// The loop running on this thread (asyncio's `get_running_loop()`).
///
/// The handle does not own the loop (see [`EventLoop`]'s "Ownership"): a task may keep it
/// across awaits without keeping its own loop alive.
///
/// # Errors
///
/// [`LoopError::NoRunningLoop`] outside a running loop.
///
/// # Examples
///
/// ```
/// use corio_runtime::{EventLoop, LoopError, get_running_loop};
///
/// assert!(matches!(get_running_loop(), Err(LoopError::NoRunningLoop)));
/// let lp = EventLoop::new()?;
/// let same = lp.run_until_complete(async { get_running_loop() })??;
/// assert_eq!(same, lp);
/// # Ok::<(), LoopError>(())
/// ```
pub fn get_running_loop() -> Result<EventLoop, LoopError> {
    running_loop().ok_or(LoopError::NoRunningLoop)
}

/// The running loop; else the loop set for this thread with [`set_event_loop`]; else a new
/// loop, which becomes this thread's (asyncio's `get_event_loop()` as Python 3.11 and
/// earlier behave in the main thread).
///
/// # Errors
///
/// [`LoopError::Io`] if a new loop cannot be created.
///
/// # Examples
///
/// ```
/// let a = corio_runtime::get_event_loop()?;
/// let b = corio_runtime::get_event_loop()?;
/// assert_eq!(a, b);
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
pub fn get_event_loop() -> Result<EventLoop, LoopError> {
    if let Some(lp) = running_loop() {
        return Ok(lp);
    }
    if let Some(lp) = SET.with(|s| s.borrow().clone()) {
        return Ok(lp);
    }
    let lp = EventLoop::new()?;
    set_event_loop(Some(lp.clone()));
    Ok(lp)
}

/// Sets (or clears) this thread's loop, for [`get_event_loop`].
///
/// # Examples
///
/// ```
/// let lp = corio_runtime::EventLoop::new()?;
/// corio_runtime::set_event_loop(Some(lp.clone()));
/// assert_eq!(corio_runtime::get_event_loop()?, lp);
/// corio_runtime::set_event_loop(None);
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
pub fn set_event_loop(lp: Option<EventLoop>) {
    let previous = SET.with(|s| s.replace(lp));
    drop(previous);
}

pub(crate) fn set_loop_weak() -> Option<std::rc::Weak<crate::event_loop::LoopInner>> {
    running_loop()
        .or_else(|| SET.with(|s| s.borrow().clone()))
        .map(|lp| std::rc::Rc::downgrade(&lp.inner))
}

/// Spawns a task on the running loop and gives its handle (asyncio's `asyncio.create_task`,
/// tokio's and smol's `spawn`). The task's first step is queued behind what is already
/// ready; `!Send` futures are fine (the loop is single-threaded).
///
/// # Panics
///
/// Outside a running loop (use [`try_spawn`] to get an error instead), or when called
/// while the running loop is closing.
///
/// # Examples
///
/// ```
/// corio_runtime::run(async {
///     let rc = std::rc::Rc::new(2);
///     let task = corio_runtime::spawn(async move { *rc + 2 });
///     assert_eq!(task.await, Ok(4));
/// })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
#[doc(alias = "create_task")]
#[doc(alias = "ensure_future")]
#[track_caller]
pub fn spawn<F>(future: F) -> Task<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    match try_spawn(future) {
        Ok(task) => task,
        Err(e) => panic!("corio::spawn must be called from inside a running event loop: {e}"),
    }
}

/// [`spawn`] that returns an error instead of panicking.
///
/// # Errors
///
/// [`LoopError::NoRunningLoop`] outside a running loop, [`LoopError::Closed`] if the
/// running loop is closed.
///
/// # Examples
///
/// ```
/// use corio_runtime::{LoopError, try_spawn};
///
/// assert!(matches!(try_spawn(async {}), Err(LoopError::NoRunningLoop)));
/// corio_runtime::run(async {
///     let task = try_spawn(async { "inside" }).unwrap();
///     assert_eq!(task.await, Ok("inside"));
/// })?;
/// # Ok::<(), LoopError>(())
/// ```
pub fn try_spawn<F>(future: F) -> Result<Task<F::Output>, LoopError>
where
    F: Future + 'static,
    F::Output: 'static,
{
    // Borrowed in place: no clone of the loop handle per spawn.
    RUNNING.with(|r| match r.borrow().as_ref() {
        Some(lp) => lp.create_task(future),
        None => Err(LoopError::NoRunningLoop),
    })
}

/// The unfinished tasks of the running loop (asyncio's `all_tasks()`).
///
/// # Errors
///
/// [`LoopError::NoRunningLoop`] outside a running loop.
///
/// # Examples
///
/// ```
/// corio_runtime::run(async {
///     let me = corio_runtime::current_task().unwrap();
///     assert_eq!(corio_runtime::all_tasks().unwrap(), [me]);
/// })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
pub fn all_tasks() -> Result<Vec<AnyTask>, LoopError> {
    Ok(get_running_loop()?.all_tasks())
}
