use std::fmt;

use corio_executor::{CallbackOutput, Remote, ThreadsafeHandle};

use crate::LoopError;

/// A handle to an event loop for other threads: `Send + Sync + Clone`.
///
/// # Examples
///
/// ```
/// use corio_runtime::EventLoop;
///
/// let lp = EventLoop::new()?;
/// let handle = lp.handle();
/// let worker = std::thread::spawn(move || {
///     handle.call_soon_threadsafe(|| println!("on the loop's thread")).unwrap();
///     handle.stop().unwrap();
/// });
/// lp.run_forever()?; // until the worker's stop arrives
/// worker.join().unwrap();
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
#[derive(Clone)]
pub struct LoopHandle {
    pub(crate) remote: Remote,
}

impl LoopHandle {
    /// Schedules `f` on the loop's thread and wakes the loop (asyncio's
    /// `call_soon_threadsafe`).
    ///
    /// # Errors
    ///
    /// [`LoopError::Closed`] once the loop is closed.
    ///
    /// # Examples
    ///
    /// See [`LoopHandle`].
    pub fn call_soon_threadsafe<R: CallbackOutput>(
        &self,
        f: impl FnOnce() -> R + Send + 'static,
    ) -> Result<ThreadsafeHandle, LoopError> {
        self.remote
            .call_soon_threadsafe(f)
            .map_err(|_| LoopError::Closed)
    }

    /// Stops the loop from another thread (asyncio's
    /// `loop.call_soon_threadsafe(loop.stop)`).
    ///
    /// # Errors
    ///
    /// [`LoopError::Closed`] once the loop is closed.
    ///
    /// # Examples
    ///
    /// See [`LoopHandle`].
    pub fn stop(&self) -> Result<(), LoopError> {
        self.call_soon_threadsafe(|| {
            if let Ok(lp) = crate::get_running_loop() {
                lp.stop();
            }
        })
        .map(drop)
    }

    /// Whether the loop was closed.
    ///
    /// # Examples
    ///
    /// ```
    /// let lp = corio_runtime::EventLoop::new()?;
    /// let h = lp.handle();
    /// lp.close()?;
    /// assert!(h.is_closed());
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn is_closed(&self) -> bool {
        self.remote.is_closed()
    }
}

impl fmt::Debug for LoopHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoopHandle")
            .field("closed", &self.is_closed())
            .finish()
    }
}
