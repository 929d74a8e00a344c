use std::future::Future;
use std::time::Duration;

use crate::{EventLoop, LoopError};

/// Settings for a new [`EventLoop`].
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use corio_runtime::Builder;
///
/// // A loop whose clock jumps ahead whenever every task waits: an hour of sleeping is instant.
/// let out = Builder::new().virtual_time(true).run(async {
///     corio_runtime::sleep(Duration::from_secs(3600)).await;
///     "an hour later"
/// })?;
/// assert_eq!(out, "an hour later");
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Builder {
    pub(crate) virtual_time: bool,
    pub(crate) debug: Option<bool>,
    pub(crate) slow_callback_duration: Duration,
}

impl Default for Builder {
    fn default() -> Self {
        Self::new()
    }
}

impl Builder {
    /// The defaults: real time, debug mode from `CORIO_DEBUG`, slow steps at 100 ms.
    ///
    /// # Examples
    ///
    /// See [`Builder`].
    pub fn new() -> Builder {
        Builder {
            virtual_time: false,
            debug: None,
            slow_callback_duration: Duration::from_millis(100),
        }
    }

    /// Runs the loop on a virtual clock that jumps to the next timer whenever nothing is
    /// ready: deterministic tests, instant simulations. I/O still works, and the clock
    /// moves only when no I/O event is ready either, but the loop does not wait for I/O in
    /// real time: a `timeout` around a socket read that has no data yet expires at once.
    /// Use it for code whose waiting is timers, not for timing real I/O or other threads.
    ///
    /// # Examples
    ///
    /// See [`Builder`].
    pub fn virtual_time(mut self, enabled: bool) -> Builder {
        self.virtual_time = enabled;
        self
    }

    /// Turns debug mode on or off, whatever `CORIO_DEBUG` says.
    ///
    /// # Examples
    ///
    /// ```
    /// let lp = corio_runtime::Builder::new().debug(true).build()?;
    /// assert!(lp.get_debug());
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn debug(mut self, enabled: bool) -> Builder {
        self.debug = Some(enabled);
        self
    }

    /// The slow-step threshold of debug mode.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let lp = corio_runtime::Builder::new().slow_callback_duration(Duration::from_millis(5)).build()?;
    /// assert_eq!(lp.slow_callback_duration(), Duration::from_millis(5));
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn slow_callback_duration(mut self, threshold: Duration) -> Builder {
        self.slow_callback_duration = threshold;
        self
    }

    /// Makes the loop.
    ///
    /// # Errors
    ///
    /// [`LoopError::Io`] if the reactor cannot be created.
    ///
    /// # Examples
    ///
    /// See [`Builder::debug`].
    pub fn build(&self) -> Result<EventLoop, LoopError> {
        EventLoop::from_builder(self)
    }

    /// [`run`](crate::run) on a loop with these settings.
    ///
    /// # Errors
    ///
    /// As for [`run`](crate::run).
    ///
    /// # Examples
    ///
    /// See [`Builder`].
    pub fn run<F>(&self, future: F) -> Result<F::Output, LoopError>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        crate::run::run_on(self.build()?, future)
    }
}
