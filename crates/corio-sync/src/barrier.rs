//! [`Barrier`]: asyncio's barrier.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker, ready};

use crate::error::{BrokenBarrier, InvalidParties};
use crate::shim::{self, Mutex};
use crate::wait_list::{HasWaker, WaitList};
use crate::wake_list::WakeList;

/// asyncio's `Barrier`: `parties` tasks wait until all of them have arrived.
///
/// [`wait`](Barrier::wait) blocks until `parties` tasks are waiting, then
/// releases them all together; each gets its arrival index (`0` for the
/// first, `parties - 1` for the one that completed the round) and the
/// barrier starts a new round. [`abort`](Barrier::abort) breaks it: waiters
/// and later waits fail with [`BrokenBarrier`] until
/// [`reset`](Barrier::reset), which also fails the current waiters and starts
/// afresh.
///
/// # Differences from asyncio
///
/// `reset` and `abort` are plain functions, not coroutines (they never need
/// to wait). asyncio makes a task that arrives while the previous round is
/// still draining (its released tasks not all resumed yet) wait until that
/// round is over; here it simply joins the next round, which changes nothing
/// but [`n_waiting`](Barrier::n_waiting) in that window.
///
/// # Examples
///
/// ```
/// use corio_sync::Barrier;
///
/// # futures_lite::future::block_on(async {
/// let barrier = Barrier::new(2)?;
/// let (a, b) = futures_lite::future::zip(barrier.wait(), barrier.wait()).await;
/// assert_eq!((a?, b?), (0, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
pub struct Barrier {
    parties: usize,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// Tasks waiting in the current round (linked nodes).
    waiting: WaitList<Waiter>,
    /// Set by `abort`, cleared by `reset`.
    broken: bool,
}

#[derive(Debug)]
struct Waiter {
    waker: Option<Waker>,
    /// Arrival index in the round.
    index: usize,
    /// Outcome, set when the node is unlinked: the round completed (`Ok`) or
    /// was broken by `abort`/`reset`.
    outcome: Option<Result<usize, BrokenBarrier>>,
}

impl HasWaker for Waiter {
    fn waker(&mut self) -> &mut Option<Waker> {
        &mut self.waker
    }
}

impl Barrier {
    /// A barrier for `parties` tasks.
    ///
    /// # Errors
    ///
    /// [`InvalidParties`] if `parties` is zero.
    ///
    /// # Examples
    ///
    /// ```
    /// let barrier = corio_sync::Barrier::new(3)?;
    /// assert_eq!(barrier.parties(), 3);
    /// assert!(corio_sync::Barrier::new(0).is_err());
    /// # Ok::<(), corio_sync::InvalidParties>(())
    /// ```
    pub fn new(parties: usize) -> Result<Barrier, InvalidParties> {
        if parties == 0 {
            return Err(InvalidParties);
        }
        Ok(Barrier {
            parties,
            state: Mutex::new(State {
                waiting: WaitList::new(),
                broken: false,
            }),
        })
    }

    /// Waits until `parties` tasks are waiting; returns this task's arrival
    /// index in the round (`0..parties`).
    ///
    /// # Errors
    ///
    /// [`BrokenBarrier`] if the barrier is broken when called, or is aborted
    /// or reset while this task waits.
    ///
    /// # Cancel safety
    ///
    /// A wait dropped before its round completes leaves the round, which then
    /// needs one more arrival (as a cancelled asyncio waiter does). A wait
    /// dropped after its round completed changes nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// let barrier = corio_sync::Barrier::new(1)?;
    /// assert_eq!(barrier.wait().await?, 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    pub fn wait(&self) -> BarrierWait<'_> {
        BarrierWait {
            barrier: self,
            key: None,
            done: false,
        }
    }

    /// Breaks the barrier: current waiters and later waits fail with
    /// [`BrokenBarrier`] until [`reset`](Barrier::reset).
    ///
    /// # Examples
    ///
    /// ```
    /// let barrier = corio_sync::Barrier::new(2)?;
    /// barrier.abort();
    /// assert!(barrier.broken());
    /// # Ok::<(), corio_sync::InvalidParties>(())
    /// ```
    pub fn abort(&self) {
        let mut state = shim::lock(&self.state);
        state.broken = true;
        self.break_round(state);
    }

    /// Returns the barrier to its empty, unbroken state; tasks waiting in the
    /// current round fail with [`BrokenBarrier`].
    ///
    /// # Examples
    ///
    /// ```
    /// let barrier = corio_sync::Barrier::new(2)?;
    /// barrier.abort();
    /// barrier.reset();
    /// assert!(!barrier.broken());
    /// # Ok::<(), corio_sync::InvalidParties>(())
    /// ```
    pub fn reset(&self) {
        let mut state = shim::lock(&self.state);
        state.broken = false;
        self.break_round(state);
    }

    /// Number of tasks needed to pass the barrier.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(corio_sync::Barrier::new(4)?.parties(), 4);
    /// # Ok::<(), corio_sync::InvalidParties>(())
    /// ```
    pub fn parties(&self) -> usize {
        self.parties
    }

    /// Number of tasks waiting in the current round.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(corio_sync::Barrier::new(4)?.n_waiting(), 0);
    /// # Ok::<(), corio_sync::InvalidParties>(())
    /// ```
    pub fn n_waiting(&self) -> usize {
        shim::lock(&self.state).waiting.len()
    }

    /// Whether the barrier is broken (aborted and not reset since).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!corio_sync::Barrier::new(4)?.broken());
    /// # Ok::<(), corio_sync::InvalidParties>(())
    /// ```
    pub fn broken(&self) -> bool {
        shim::lock(&self.state).broken
    }

    /// Ends the current round with `outcome(index)` for every waiter and
    /// wakes them outside the lock.
    fn finish_round<'a>(
        &'a self,
        mut state: shim::MutexGuard<'a, State>,
        outcome: fn(usize) -> Result<usize, BrokenBarrier>,
    ) {
        let mut wakers = WakeList::new();
        while let Some(key) = state.waiting.pop_front() {
            let waiter = state.waiting.get_mut(key);
            waiter.outcome = Some(outcome(waiter.index));
            if let Some(waker) = waiter.waker.take() {
                wakers.push(waker);
            }
            if !wakers.can_push() {
                drop(state);
                wakers.wake_all();
                state = shim::lock(&self.state);
            }
        }
        drop(state);
        wakers.wake_all();
    }

    fn break_round<'a>(&'a self, state: shim::MutexGuard<'a, State>) {
        self.finish_round(state, |_| Err(BrokenBarrier));
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Barrier")
            .field("parties", &self.parties)
            .field("n_waiting", &self.n_waiting())
            .field("broken", &self.broken())
            .finish()
    }
}

/// Future of [`Barrier::wait`]; resolves to the arrival index or
/// [`BrokenBarrier`].
///
/// # Cancel safety
///
/// Dropped before its round completes, it leaves the round; dropped after,
/// it changes nothing.
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// let barrier = corio_sync::Barrier::new(1)?;
/// let wait: corio_sync::BarrierWait<'_> = barrier.wait();
/// assert_eq!(wait.await?, 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct BarrierWait<'a> {
    barrier: &'a Barrier,
    /// Slot in the round while waiting.
    key: Option<usize>,
    done: bool,
}

impl Future for BarrierWait<'_> {
    type Output = Result<usize, BrokenBarrier>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        assert!(!self.done, "barrier wait polled after completion");
        let barrier = self.barrier;
        let mut state = shim::lock(&barrier.state);
        if let Some(key) = self.key {
            let waiter = ready!(state.waiting.poll_remove(key, cx));
            drop(state);
            self.key = None;
            self.done = true;
            return Poll::Ready(waiter.outcome.unwrap_or(Err(BrokenBarrier)));
        }
        if state.broken {
            self.done = true;
            return Poll::Ready(Err(BrokenBarrier));
        }
        let index = state.waiting.len();
        if index + 1 == barrier.parties {
            barrier.finish_round(state, Ok);
            self.done = true;
            return Poll::Ready(Ok(index));
        }
        self.key = Some(state.waiting.push_back(Waiter {
            waker: Some(cx.waker().clone()),
            index,
            outcome: None,
        }));
        Poll::Pending
    }
}

impl Drop for BarrierWait<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            // Leaves the round if still in it; frees the slot either way.
            shim::lock(&self.barrier.state).waiting.remove(key);
        }
    }
}

impl fmt::Debug for BarrierWait<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BarrierWait").finish_non_exhaustive()
    }
}
