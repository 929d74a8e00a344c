//! How the executor waits when nothing is ready, and how other threads wake it.
//!
//! The executor knows nothing of I/O or time; whoever drives it supplies a [`Park`] (corio's
//! event loop parks in its reactor, capped at the next timer) and the matching [`Unpark`].
//! [`pair`] gives a plain thread parker for executors that need neither.

use std::fmt;
use std::sync::Arc;
use std::thread::Thread;
use std::time::Duration;

/// Blocks the driving thread until woken or until the timeout passes.
///
/// # Examples
///
/// ```
/// use corio_executor::park::{self, Park};
/// let (mut parker, _unparker) = park::pair();
/// parker.park(Some(std::time::Duration::from_millis(1))); // returns after at most ~1 ms
/// ```
pub trait Park {
    /// Waits for an [`Unpark::unpark`], for at most `timeout` (`None`: no limit). Spurious
    /// returns are allowed; an unpark that came before the call makes it return at once.
    fn park(&mut self, timeout: Option<Duration>);
}

/// Wakes a thread blocked in [`Park::park`], from any thread.
///
/// # Examples
///
/// ```
/// use corio_executor::park::{self, Park, Unpark};
/// let (mut parker, unparker) = park::pair();
/// unparker.unpark();
/// parker.park(None); // returns at once: the unpark came first
/// ```
pub trait Unpark: Send + Sync + 'static {
    /// Wakes the parked thread (or makes its next park return at once).
    fn unpark(&self);
}

/// A parker for the current thread and its unparker, on `std::thread::park`.
///
/// # Examples
///
/// ```
/// let (mut parker, unparker) = corio_executor::park::pair();
/// let ex = corio_executor::LocalExecutor::new(unparker);
/// assert_eq!(ex.block_on(async { 5 }, &mut parker), 5);
/// ```
pub fn pair() -> (ThreadPark, Arc<ThreadUnpark>) {
    let thread = std::thread::current();
    (ThreadPark(()), Arc::new(ThreadUnpark(thread)))
}

/// The [`Park`] half of [`pair`]: parks the thread that called `pair`.
///
/// # Examples
///
/// See [`pair`].
pub struct ThreadPark(());

/// The [`Unpark`] half of [`pair`].
///
/// # Examples
///
/// See [`pair`].
pub struct ThreadUnpark(Thread);

impl Park for ThreadPark {
    fn park(&mut self, timeout: Option<Duration>) {
        match timeout {
            Some(t) => std::thread::park_timeout(t),
            None => std::thread::park(),
        }
    }
}

impl Unpark for ThreadUnpark {
    fn unpark(&self) {
        self.0.unpark();
    }
}

impl fmt::Debug for ThreadPark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ThreadPark")
    }
}

impl fmt::Debug for ThreadUnpark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ThreadUnpark").field(&self.0.id()).finish()
    }
}
