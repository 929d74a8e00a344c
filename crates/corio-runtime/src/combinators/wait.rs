//! `wait`: sort handles into done and pending, by a condition and a timeout.

use std::future::poll_fn;
use std::task::Poll;
use std::time::Duration;

use corio_executor::DoneWatch;

use super::Waitable;

/// When [`wait`] returns (asyncio's `return_when`).
///
/// # Examples
///
/// ```
/// use corio_runtime::{ReturnWhen, FIRST_COMPLETED};
/// assert_eq!(FIRST_COMPLETED, ReturnWhen::FirstCompleted);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ReturnWhen {
    /// When any handle finishes (or is cancelled).
    FirstCompleted,
    /// When any handle finishes with a failure other than cancellation (a panic, for a
    /// task: see [`Waitable::failed`]); or when all have finished.
    FirstException,
    /// When every handle has finished (the default).
    #[default]
    AllCompleted,
}

/// asyncio's `FIRST_COMPLETED`: [`wait`] returns as soon as any handle has finished.
///
/// # Examples
///
/// ```
/// use corio_runtime::{run, spawn, wait, FIRST_COMPLETED};
///
/// run(async {
///     let quick = spawn(async {}).share();
///     let never = spawn(std::future::pending::<()>()).share();
///     let (done, pending) = wait([quick.clone(), never.clone()], None, FIRST_COMPLETED).await.unwrap();
///     assert_eq!((done, pending), (vec![quick], vec![never.clone()]));
///     never.cancel();
/// })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
pub const FIRST_COMPLETED: ReturnWhen = ReturnWhen::FirstCompleted;
/// asyncio's `FIRST_EXCEPTION`: [`wait`] returns as soon as any handle has failed (a
/// panic, or an output that is a failure by [`Fallible`](crate::Fallible), such as an
/// `Err`; a cancellation does not count), or when all have finished.
///
/// # Examples
///
/// ```
/// use corio_runtime::{run, spawn, wait, FIRST_EXCEPTION};
///
/// run(async {
///     let fails = spawn(async { panic!("boom") }).share();
///     let never = spawn(std::future::pending::<()>()).share();
///     let (done, _) = wait([fails.clone(), never.clone()], None, FIRST_EXCEPTION).await.unwrap();
///     assert_eq!(done, [fails]);
///     never.cancel();
///
///     // An `Err` output counts as a failure too, as a raised exception does in asyncio.
///     let errs = spawn(async { Err::<u32, &str>("bad input") }).share();
///     let never = spawn(std::future::pending::<Result<u32, &str>>()).share();
///     let (done, _) = wait([errs.clone(), never.clone()], None, FIRST_EXCEPTION).await.unwrap();
///     assert_eq!(done, [errs]);
///     never.cancel();
/// })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
pub const FIRST_EXCEPTION: ReturnWhen = ReturnWhen::FirstException;
/// asyncio's `ALL_COMPLETED`: [`wait`] returns when every handle has finished (or the
/// timeout passed).
///
/// # Examples
///
/// ```
/// use corio_runtime::{run, spawn, wait, ALL_COMPLETED};
///
/// run(async {
///     let tasks = [spawn(async { 1 }).share(), spawn(async { 2 }).share()];
///     let (done, pending) = wait(tasks, None, ALL_COMPLETED).await.unwrap();
///     assert_eq!((done.len(), pending.len()), (2, 0));
/// })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
pub const ALL_COMPLETED: ReturnWhen = ReturnWhen::AllCompleted;

/// [`wait`] was given no handle (asyncio's `ValueError: Set of Tasks/Futures is empty.`).
///
/// # Examples
///
/// ```
/// use corio_runtime::{SharedTask, WaitEmpty, run, wait, ALL_COMPLETED};
///
/// run(async {
///     let none: Vec<SharedTask<()>> = Vec::new();
///     assert!(matches!(wait(none, None, ALL_COMPLETED).await, Err(WaitEmpty)));
/// })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("set of tasks/futures is empty")]
pub struct WaitEmpty;

/// Removes the watches when `wait` returns or is dropped (asyncio's `finally:`).
struct Unwatch<'a, H: Waitable> {
    handles: &'a [H],
    watch: &'a DoneWatch,
    keys: Vec<u64>,
    /// The watches of `handles[..removed]` are gone already.
    removed: usize,
}

impl<H: Waitable> Unwatch<'_, H> {
    /// Removes the watches, and gives back for each handle whether it is done: a handle
    /// whose watch was still in place has not finished; the others are asked. (One pass,
    /// each handle looked at once: with 10,000 handles, a second pass would miss the
    /// cache on each.)
    fn finish(mut self) -> Vec<bool> {
        let mut done = Vec::with_capacity(self.handles.len());
        while let Some(h) = self.handles.get(self.removed) {
            let key = self.keys[self.removed];
            self.removed += 1;
            let still_watched = h.unwatch(self.watch, key);
            done.push(!still_watched && h.done());
        }
        done
    }
}

impl<H: Waitable> Drop for Unwatch<'_, H> {
    fn drop(&mut self) {
        let rest = self.handles.iter().zip(&self.keys).skip(self.removed);
        for (h, key) in rest {
            h.unwatch(self.watch, *key);
        }
    }
}

/// Waits until `return_when` holds for `handles`, or until `timeout` passes, and gives the
/// very handles back sorted into `(done, pending)` (asyncio's `wait`).
///
/// - Identity is kept: the handles come back as they were given (each list in the order
///   given), so `pending.contains(&slow)` tells whether `slow` is still running.
/// - It **never cancels** anything and **never fails on timeout**: when the timeout passes,
///   the unfinished handles are simply in `pending`.
/// - `timeout` is a `Duration`, or `None` for no limit; `Duration::ZERO` sorts without
///   waiting for anything but the done-callbacks already due.
/// - It works through done-callbacks, as asyncio's does, so it needs handles that take
///   them ([`Waitable`]: a [`SharedTask`](crate::SharedTask), from `spawn(fut).share()`);
///   to wait on plain futures, spawn them.
///
/// # Errors
///
/// [`WaitEmpty`] if `handles` is empty (asyncio's `ValueError`).
///
/// # Cancel safety
///
/// Dropping the future removes its done-callbacks and leaves the handles untouched (none is
/// cancelled).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use corio_runtime::{run, sleep, spawn, wait, ALL_COMPLETED, FIRST_COMPLETED};
///
/// run(async {
///     let fast = spawn(sleep(Duration::from_millis(10))).share();
///     let slow = spawn(sleep(Duration::from_secs(60))).share();
///
///     let (done, pending) = wait([fast.clone(), slow.clone()], None, FIRST_COMPLETED).await.unwrap();
///     assert_eq!((done, pending.clone()), (vec![fast], vec![slow.clone()]));
///
///     // A timeout gives the unfinished ones back and cancels nothing.
///     let (done, still) = wait(pending, Duration::from_millis(10), ALL_COMPLETED).await.unwrap();
///     assert!(done.is_empty() && still == [slow.clone()] && !slow.done());
///     slow.cancel();
/// })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
pub async fn wait<H, I>(
    handles: I,
    timeout: impl Into<Option<Duration>>,
    return_when: ReturnWhen,
) -> Result<(Vec<H>, Vec<H>), WaitEmpty>
where
    I: IntoIterator<Item = H>,
    H: Waitable,
{
    let handles: Vec<H> = handles.into_iter().collect();
    if handles.is_empty() {
        return Err(WaitEmpty);
    }
    // One watch for all the handles (asyncio adds a done-callback to each, all sharing one
    // counter): each handle's list holds a place pointing at it, with no callback of its
    // own, and tells it its index on completion.
    let watch = DoneWatch::new();
    let mut unwatch = Unwatch {
        handles: &handles,
        watch: &watch,
        keys: Vec::with_capacity(handles.len()),
        removed: 0,
    };
    for (index, h) in handles.iter().enumerate() {
        unwatch.keys.push(h.watch(&watch, index));
    }
    let all = handles.len();
    let mut sleep = timeout.into().map(|t| Box::pin(corio_time::sleep(t)));
    poll_fn(|cx| {
        // The handles that finished since the last look.
        let finished = watch.take_finished();
        let ready = match return_when {
            ReturnWhen::FirstCompleted => watch.count() > 0,
            ReturnWhen::AllCompleted => watch.count() >= all,
            ReturnWhen::FirstException => {
                watch.count() >= all || finished.iter().any(|&i| handles[i].failed())
            }
        };
        if ready {
            return Poll::Ready(());
        }
        if let Some(s) = sleep.as_mut()
            && s.as_mut().poll(cx).is_ready()
        {
            return Poll::Ready(());
        }
        watch.register(cx);
        Poll::Pending
    })
    .await;
    let mut flags = unwatch.finish().into_iter();
    // Sorted in place: the pending ones stay in the given vector, in order (no second copy
    // of a large set). `extract_if` asks about each element once, in order.
    let mut pending = handles;
    let done: Vec<H> = pending
        .extract_if(.., |_| flags.next() == Some(true))
        .collect();
    Ok((done, pending))
}
