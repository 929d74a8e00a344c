//! [`KeyboardInterrupt`]: Python's default Ctrl+C for programs that drive a loop themselves.

use corio_runtime::EventLoop;

use super::SignalHandlers;
use crate::{Signal, SignalError};

/// Python's default Ctrl+C behaviour for a loop driven by `run_until_complete` /
/// `run_forever`: while the guard lives, SIGINT makes the loop's current (or next) run return
/// [`LoopError::Interrupted`](corio_runtime::LoopError::Interrupted) — Rust's
/// `KeyboardInterrupt` — leaving its tasks pending for the program to cancel, as a
/// `KeyboardInterrupt` raised out of `run_until_complete` leaves them in Python.
///
/// It is a SIGINT handler on the loop ([`SignalHandlers::add_signal_handler`]) that calls
/// [`EventLoop::interrupt`]; dropping the guard removes it (and SIGINT's default action comes
/// back). `corio::run` needs no guard: it handles Ctrl+C as `asyncio.run` does.
///
/// # Examples
///
/// ```
/// use corio_process::KeyboardInterrupt;
/// use corio_runtime::{EventLoop, LoopError, sleep};
///
/// let lp = EventLoop::new()?;
/// let _ctrl_c = KeyboardInterrupt::install(&lp)?;
/// lp.call_later(0.01, || {
///     rustix::process::kill_process(rustix::process::getpid(), rustix::process::Signal::INT)
/// })?;
/// let got = lp.run_until_complete(sleep(std::time::Duration::from_secs(60)));
/// assert!(matches!(got, Err(LoopError::Interrupted)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
#[must_use = "SIGINT is handled only while the guard lives"]
pub struct KeyboardInterrupt {
    lp: EventLoop,
}

impl KeyboardInterrupt {
    /// Makes SIGINT interrupt `lp`'s runs while the guard lives.
    ///
    /// # Errors
    ///
    /// As [`SignalHandlers::add_signal_handler`].
    ///
    /// # Examples
    ///
    /// See [`KeyboardInterrupt`].
    pub fn install(lp: &EventLoop) -> Result<KeyboardInterrupt, SignalError> {
        let target = lp.clone();
        lp.add_signal_handler(Signal::INT, move || target.interrupt())?;
        Ok(KeyboardInterrupt { lp: lp.clone() })
    }
}

impl Drop for KeyboardInterrupt {
    fn drop(&mut self) {
        self.lp.remove_signal_handler(Signal::INT);
    }
}
