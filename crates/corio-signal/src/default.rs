//! [`terminate_while`]: the default action of a signal that signal-hook cannot emulate,
//! for code that handles signals through signal-hook and must give the default back.
//!
//! signal-hook never uninstalls its OS handler, so a program that stops handling a signal
//! registers a "run the default action while this flag is set" action next to its own
//! (`signal_hook::flag::register_conditional_default`). That function knows only the named
//! signals; the real-time ones (`SIGRTMIN..=SIGRTMAX`), whose default action is to end the
//! process, get it here.

use std::io;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::sys;

/// Registers, for the life of the process, an action for `signal` that ends the process by
/// that signal (its default disposition restored, then the signal raised again) whenever it
/// arrives while `armed` is set: the default action of every real-time signal, and of the
/// other signals whose default is to terminate.
///
/// It runs in signal-hook's registry, beside the other actions registered for `signal`
/// there; corio-process arms it when its last handler for a real-time signal goes, as
/// asyncio's `remove_signal_handler` restores `SIG_DFL`.
///
/// # Errors
///
/// `InvalidInput` for a signal that cannot be caught or must not be (SIGKILL, SIGSTOP,
/// SIGILL, SIGFPE, SIGSEGV); the OS error (`EINVAL` for a number that is not a signal).
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::AtomicBool;
///
/// // Disarmed: the signal is only handled by the program's other actions.
/// let armed = Arc::new(AtomicBool::new(false));
/// corio_signal::terminate_while(40, armed.clone())?;
/// assert!(corio_signal::terminate_while(9, armed).is_err());
/// # std::io::Result::Ok(())
/// ```
pub fn terminate_while(signal: i32, armed: Arc<AtomicBool>) -> io::Result<()> {
    if signal_hook::consts::FORBIDDEN.contains(&signal) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("signal {signal} cannot be handled"),
        ));
    }
    sys::register_die_while(signal, armed)
}
