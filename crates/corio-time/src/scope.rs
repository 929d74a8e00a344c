//! `timeout_scope`: a timeout around a block that the block itself can move, disable or
//! ask about (asyncio's `async with asyncio.timeout(delay) as cm:` of 3.11).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use pin_project_lite::pin_project;

use crate::{Elapsed, Sleep, sleep_until};

/// What a scope and its handles share.
#[derive(Debug, Default)]
struct Control {
    state: Mutex<ControlState>,
}

#[derive(Debug, Default)]
struct ControlState {
    /// `None`: no deadline (disabled).
    deadline: Option<Instant>,
    /// Bumped by every `reschedule`, so that the scope knows to re-arm its timer.
    generation: u64,
    expired: bool,
    /// The task running the scope, woken by `reschedule` to re-arm.
    waker: Option<Waker>,
}

impl Control {
    fn lock(&self) -> std::sync::MutexGuard<'_, ControlState> {
        // The state holds plain values: a panic elsewhere cannot leave it half-written.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Controls a running [`timeout_scope`]: read, move or disable its deadline, ask whether it
/// expired (asyncio's `Timeout` object: `when()`, `reschedule()`, `expired()`).
///
/// Cheap to clone, `Send + Sync`: any task or thread may reschedule the scope.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use corio_time::{sleep, timeout_scope};
///
/// futures_lite::future::block_on(async {
///     let out = timeout_scope(Some(Duration::from_millis(5)), |cm| async move {
///         cm.reschedule(None); // no deadline any more
///         sleep(Duration::from_millis(20)).await;
///         assert!(!cm.expired());
///         "finished"
///     })
///     .await;
///     assert_eq!(out, Ok("finished"));
/// });
/// ```
#[derive(Clone)]
pub struct TimeoutHandle {
    control: Arc<Control>,
}

impl TimeoutHandle {
    /// The deadline, or `None` when there is none (asyncio's `when()`).
    ///
    /// # Examples
    ///
    /// ```
    /// corio_time::timeout_scope_at(None, |cm| async move { assert_eq!(cm.when(), None) });
    /// ```
    pub fn when(&self) -> Option<Instant> {
        self.control.lock().deadline
    }

    /// Moves the deadline, earlier or later, or removes it with `None` (asyncio's
    /// `reschedule()`). A deadline already past makes the scope expire at its next await.
    /// It has no effect once the scope has expired or finished.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use corio_time::{sleep, timeout_scope_at};
    ///
    /// futures_lite::future::block_on(async {
    ///     let out = timeout_scope_at(None, |cm| async move {
    ///         cm.reschedule(Some(corio_time::now() + Duration::from_millis(5)));
    ///         sleep(Duration::from_secs(60)).await;
    ///     })
    ///     .await;
    ///     assert!(out.is_err());
    /// });
    /// ```
    pub fn reschedule(&self, deadline: Option<Instant>) {
        let waker = {
            let mut st = self.control.lock();
            if st.expired {
                return;
            }
            st.deadline = deadline;
            st.generation += 1;
            st.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// Whether the deadline passed and the scope's block was cancelled (asyncio's
    /// `expired()`).
    ///
    /// # Examples
    ///
    /// See [`TimeoutHandle`].
    pub fn expired(&self) -> bool {
        self.control.lock().expired
    }
}

impl fmt::Debug for TimeoutHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let st = self.control.lock();
        f.debug_struct("TimeoutHandle")
            .field("when", &st.deadline)
            .field("expired", &st.expired)
            .finish()
    }
}

/// Runs the block that `body` makes with a deadline `delay` from now (`None`: no deadline
/// until one is set), handing it a [`TimeoutHandle`] to move or disable the deadline while
/// it runs (asyncio's `async with asyncio.timeout(delay) as cm:`).
///
/// When the deadline passes, the block is dropped at its current await (its destructors
/// run: asyncio cancels it) and the scope gives [`Elapsed`] (asyncio turns that
/// cancellation into `TimeoutError` at the scope's exit).
///
/// # Errors
///
/// [`Elapsed`] if the deadline passed before the block finished.
///
/// # Cancel safety
///
/// Dropping the scope drops the block and its timer.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use corio_time::{sleep, timeout_scope};
///
/// futures_lite::future::block_on(async {
///     let out = timeout_scope(Some(Duration::from_millis(5)), |cm| async move {
///         // More time is needed: push the deadline back.
///         cm.reschedule(Some(corio_time::now() + Duration::from_secs(60)));
///         sleep(Duration::from_millis(20)).await;
///         7
///     })
///     .await;
///     assert_eq!(out, Ok(7));
/// });
/// ```
#[doc(alias = "timeout")]
pub fn timeout_scope<B, Fut>(delay: Option<Duration>, body: B) -> TimeoutScope<Fut>
where
    B: FnOnce(TimeoutHandle) -> Fut,
    Fut: Future,
{
    timeout_scope_at(delay.map(|d| crate::now() + d), body)
}

/// [`timeout_scope`] with an absolute deadline on the loop's clock (asyncio's
/// `asyncio.timeout_at(when)`).
///
/// # Errors
///
/// [`Elapsed`] if the deadline passed before the block finished.
///
/// # Cancel safety
///
/// Dropping the scope drops the block and its timer.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use corio_time::{sleep, timeout_scope_at};
///
/// futures_lite::future::block_on(async {
///     let at = corio_time::now() + Duration::from_millis(5);
///     let out = timeout_scope_at(Some(at), |_| sleep(Duration::from_secs(60))).await;
///     assert!(out.is_err());
/// });
/// ```
#[doc(alias = "timeout_at")]
pub fn timeout_scope_at<B, Fut>(deadline: Option<Instant>, body: B) -> TimeoutScope<Fut>
where
    B: FnOnce(TimeoutHandle) -> Fut,
    Fut: Future,
{
    let control = Arc::new(Control {
        state: Mutex::new(ControlState {
            deadline,
            ..ControlState::default()
        }),
    });
    let body = body(TimeoutHandle {
        control: control.clone(),
    });
    TimeoutScope {
        body: Some(body),
        sleep: deadline.map(sleep_until),
        generation: 0,
        control,
    }
}

pin_project! {
    /// The future of [`timeout_scope`] and [`timeout_scope_at`].
    ///
    /// # Examples
    ///
    /// ```
    /// futures_lite::future::block_on(async {
    ///     let scope = corio_time::timeout_scope(None, |_| async { 1 });
    ///     assert_eq!(scope.handle().when(), None);
    ///     assert_eq!(scope.await, Ok(1));
    /// });
    /// ```
    #[must_use = "futures do nothing unless you .await or poll them"]
    pub struct TimeoutScope<F> {
        // `None` once dropped on expiry.
        #[pin]
        body: Option<F>,
        sleep: Option<Sleep>,
        // The `reschedule` count the timer was armed for.
        generation: u64,
        control: Arc<Control>,
    }
}

impl<F> TimeoutScope<F> {
    /// Another handle on this scope.
    ///
    /// # Examples
    ///
    /// See [`TimeoutScope`].
    pub fn handle(&self) -> TimeoutHandle {
        TimeoutHandle {
            control: self.control.clone(),
        }
    }
}

impl<F: Future> Future for TimeoutScope<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let Some(body) = this.body.as_mut().as_pin_mut() else {
            return Poll::Ready(Err(Elapsed::new()));
        };
        if let Poll::Ready(out) = body.poll(cx) {
            return Poll::Ready(Ok(out));
        }
        loop {
            {
                let mut st = this.control.lock();
                if st.generation != *this.generation {
                    *this.generation = st.generation;
                    match (st.deadline, this.sleep.as_mut()) {
                        (Some(at), Some(s)) => s.reset(at),
                        (Some(at), None) => *this.sleep = Some(sleep_until(at)),
                        (None, _) => *this.sleep = None,
                    }
                }
                st.waker = Some(cx.waker().clone());
            }
            let Some(sleep) = this.sleep.as_mut() else {
                return Poll::Pending;
            };
            if Pin::new(sleep).poll(cx).is_pending() {
                return Poll::Pending;
            }
            let mut st = this.control.lock();
            if st.generation != *this.generation {
                // Rescheduled while the timer fired: look again.
                continue;
            }
            st.expired = true;
            st.waker = None;
            drop(st);
            // asyncio cancels the block; Rust drops it here, at its await.
            this.body.set(None);
            return Poll::Ready(Err(Elapsed::new()));
        }
    }
}

impl<F> fmt::Debug for TimeoutScope<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimeoutScope")
            .field("handle", &self.handle())
            .finish_non_exhaustive()
    }
}
