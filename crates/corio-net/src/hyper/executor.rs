//! [`CorioExecutor`]: hyper's background futures as tasks on the running corio loop.

use std::future::Future;

/// Spawns the futures hyper hands to its executor (HTTP/2 stream tasks, the connection task
/// of `hyper::client::conn::http2`, `hyper-util`'s pooled client connections) as tasks of the
/// loop running on the calling thread, with [`corio_runtime::try_spawn`]. The futures need
/// not be `Send`: corio's loop runs on one thread.
///
/// The tasks are detached: hyper tracks them itself. A task that fails (panics) is reported
/// through the loop's exception handler and does not take the loop down.
///
/// # Panics
///
/// Never. Called on a thread with no running loop (a misuse: hyper calls the executor from
/// inside the connection it drives), `execute` drops the future and logs an error, as a
/// runtime that has shut down does.
///
/// # Examples
///
/// ```
/// use hyper::rt::Executor;
/// use corio_net::hyper::CorioExecutor;
///
/// corio_runtime::run(async {
///     let (tx, rx) = futures_lite::future::block_on(async { std::sync::mpsc::channel() });
///     CorioExecutor::new().execute(async move { tx.send(7).unwrap() });
///     corio_runtime::sleep(std::time::Duration::ZERO).await;
///     assert_eq!(rx.try_recv(), Ok(7));
/// })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct CorioExecutor {
    _private: (),
}

impl CorioExecutor {
    /// The executor (it holds nothing: it finds the loop when it spawns).
    ///
    /// # Examples
    ///
    /// ```
    /// let exec = corio_net::hyper::CorioExecutor::new();
    /// let _builder = hyper::server::conn::http2::Builder::new(exec);
    /// ```
    pub fn new() -> CorioExecutor {
        CorioExecutor { _private: () }
    }
}

impl<F> hyper::rt::Executor<F> for CorioExecutor
where
    F: Future + 'static,
    F::Output: 'static,
{
    fn execute(&self, fut: F) {
        if let Err(e) = corio_runtime::try_spawn(fut) {
            log::error!("corio_net::hyper::CorioExecutor: cannot spawn hyper's future: {e}");
        }
    }
}
