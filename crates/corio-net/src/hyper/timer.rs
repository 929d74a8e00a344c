//! [`CorioTimer`]: hyper's timers on the running loop's clock.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// hyper's [`Timer`](hyper::rt::Timer) over corio-time: every sleep hyper asks for (header
/// read timeout, keep-alive, HTTP/2 keep-alive pings, pool idle) is a [`corio_time::Sleep`]
/// on the loop the connection runs on.
///
/// [`now`](hyper::rt::Timer::now) is the loop's clock ([`corio_time::now`]), so hyper's
/// deadlines and corio's agree, also under a virtual-time loop.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use corio_net::hyper::CorioTimer;
///
/// let mut builder = hyper::server::conn::http1::Builder::new();
/// builder.timer(CorioTimer::new()).header_read_timeout(Duration::from_secs(5));
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct CorioTimer {
    _private: (),
}

impl CorioTimer {
    /// The timer (it holds nothing: each sleep registers with the loop it is polled on).
    ///
    /// # Examples
    ///
    /// ```
    /// use hyper::rt::Timer;
    ///
    /// corio_runtime::run(async {
    ///     let timer = corio_net::hyper::CorioTimer::new();
    ///     timer.sleep(std::time::Duration::from_millis(1)).await;
    /// })?;
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn new() -> CorioTimer {
        CorioTimer { _private: () }
    }
}

impl hyper::rt::Timer for CorioTimer {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn hyper::rt::Sleep>> {
        Box::pin(HyperSleep(corio_time::sleep(duration)))
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn hyper::rt::Sleep>> {
        Box::pin(HyperSleep(corio_time::sleep_until(deadline)))
    }

    fn now(&self) -> Instant {
        corio_time::now()
    }

    fn reset(&self, sleep: &mut Pin<Box<dyn hyper::rt::Sleep>>, new_deadline: Instant) {
        // Reuse the timer entry when the sleep is ours (hyper resets its keep-alive timer
        // on every request); a foreign sleep is replaced.
        match sleep.as_mut().downcast_mut_pin::<HyperSleep>() {
            Some(mut ours) => ours.0.reset(new_deadline),
            None => *sleep = self.sleep_until(new_deadline),
        }
    }
}

/// The sleep [`CorioTimer`] gives hyper: a [`corio_time::Sleep`] under hyper's
/// [`Sleep`](hyper::rt::Sleep) trait.
///
/// # Examples
///
/// ```
/// use hyper::rt::Timer;
///
/// corio_runtime::run(async {
///     let mut sleep = corio_net::hyper::CorioTimer::new().sleep(std::time::Duration::from_secs(3600));
///     assert!(sleep.as_mut().downcast_mut_pin::<corio_net::hyper::HyperSleep>().is_some());
/// })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
#[derive(Debug)]
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct HyperSleep(corio_time::Sleep);

impl Future for HyperSleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.0).poll(cx)
    }
}

impl hyper::rt::Sleep for HyperSleep {}
