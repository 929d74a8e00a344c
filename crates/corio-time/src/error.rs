/// The error of a [`Timeout`](crate::Timeout) whose deadline passed before its future finished.
///
/// The future was dropped (asyncio's `wait_for` cancels the inner task in the same way).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use corio_time::{Elapsed, sleep, timeout};
///
/// futures_lite::future::block_on(async {
///     let err: Elapsed = timeout(Duration::ZERO, sleep(Duration::from_secs(1))).await.unwrap_err();
///     assert_eq!(err.to_string(), "deadline has elapsed");
/// });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("deadline has elapsed")]
pub struct Elapsed(pub(crate) ());

impl Elapsed {
    /// The error itself, for code that times out by other means (a combinator that keeps
    /// its own deadline) and reports it as a timeout.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(corio_time::Elapsed::new().to_string(), "deadline has elapsed");
    /// ```
    pub fn new() -> Elapsed {
        Elapsed(())
    }
}

impl Default for Elapsed {
    fn default() -> Self {
        Elapsed::new()
    }
}
