use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use pin_project_lite::pin_project;

use crate::sleep::sleep_from_now;
use crate::{Elapsed, Sleep, sleep_until};

/// Runs `future` for at most `duration`; on time it gives the output, else [`Elapsed`].
///
/// On timeout the future is dropped: its destructors run, which is the Rust form of
/// asyncio's `wait_for` cancelling the inner task. The timer is registered only if the
/// future does not finish on its first poll, so a timeout that is never needed costs no
/// timer insert.
///
/// The deadline is fixed when the timeout is made, `duration` after the current clock's
/// now, as asyncio's `timeout(delay)` does; so [`Timeout::deadline`] gives one answer from
/// the start. A timeout made away from the loop that first polls it (say, before
/// `run_until_complete`) counts from that first poll instead, on that loop's clock.
///
/// # Errors
///
/// [`Elapsed`] if the deadline passes first.
///
/// # Cancel safety
///
/// Dropping the `Timeout` drops the inner future and cancels the timer.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use corio_time::{sleep, timeout};
///
/// futures_lite::future::block_on(async {
///     assert_eq!(timeout(Duration::from_secs(1), async { 7 }).await, Ok(7));
///     assert!(timeout(Duration::from_millis(1), sleep(Duration::from_secs(5))).await.is_err());
/// });
/// ```
pub fn timeout<F: Future>(duration: Duration, future: F) -> Timeout<F> {
    Timeout {
        future,
        sleep: sleep_from_now(duration),
    }
}

/// Like [`timeout`], with an absolute deadline on the loop's clock.
///
/// # Errors
///
/// [`Elapsed`] if the deadline passes first.
///
/// # Cancel safety
///
/// Dropping the `Timeout` drops the inner future and cancels the timer.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// futures_lite::future::block_on(async {
///     let at = corio_time::now() + Duration::from_secs(1);
///     assert_eq!(corio_time::timeout_at(at, async { "done" }).await, Ok("done"));
/// });
/// ```
pub fn timeout_at<F: Future>(deadline: Instant, future: F) -> Timeout<F> {
    Timeout {
        future,
        sleep: sleep_until(deadline),
    }
}

pin_project! {
    /// The future of [`timeout`] and [`timeout_at`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// futures_lite::future::block_on(async {
    ///     let mut t = corio_time::timeout(Duration::from_millis(1), std::future::pending::<()>());
    ///     t.reset(corio_time::now() + Duration::from_millis(2)); // move the deadline
    ///     assert!(t.await.is_err());
    /// });
    /// ```
    #[must_use = "futures do nothing unless you .await or poll them"]
    pub struct Timeout<F> {
        #[pin]
        future: F,
        sleep: Sleep,
    }
}

impl<F> Timeout<F> {
    /// The deadline; the same answer on every call (see [`timeout`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let at = corio_time::now();
    /// assert_eq!(corio_time::timeout_at(at, async {}).deadline(), at);
    /// let t = corio_time::timeout(Duration::from_secs(1), async {});
    /// let first = t.deadline();
    /// std::thread::sleep(Duration::from_millis(2));
    /// assert_eq!(t.deadline(), first);
    /// ```
    pub fn deadline(&self) -> Instant {
        self.sleep.deadline()
    }

    /// Moves the deadline, earlier or later (asyncio's `Timeout.reschedule`).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut t = corio_time::timeout(Duration::from_secs(1), async {});
    /// let later = corio_time::now() + Duration::from_secs(10);
    /// t.reset(later);
    /// assert_eq!(t.deadline(), later);
    /// ```
    pub fn reset(&mut self, deadline: Instant) {
        self.sleep.reset(deadline);
    }

    /// The inner future.
    ///
    /// # Examples
    ///
    /// ```
    /// let t = corio_time::timeout(std::time::Duration::from_secs(1), std::future::ready(3));
    /// let _inner: &std::future::Ready<i32> = t.get_ref();
    /// ```
    pub fn get_ref(&self) -> &F {
        &self.future
    }

    /// Takes the inner future back, dropping the timer.
    ///
    /// # Examples
    ///
    /// ```
    /// let t = corio_time::timeout(std::time::Duration::from_secs(1), std::future::ready(3));
    /// assert_eq!(futures_lite::future::block_on(t.into_inner()), 3);
    /// ```
    pub fn into_inner(self) -> F {
        self.future
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Poll::Ready(out) = this.future.poll(cx) {
            return Poll::Ready(Ok(out));
        }
        match Pin::new(this.sleep).poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(Elapsed(()))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<F> fmt::Debug for Timeout<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timeout")
            .field("deadline", &self.sleep.deadline())
            .finish_non_exhaustive()
    }
}
