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
/// SIGILL, SIGFPE, SIGSEGV), and for one whose default action is not to end the process
/// (SIGCHLD, SIGCONT, SIGURG, SIGWINCH, SIGTSTP, SIGTTIN, SIGTTOU): restoring that default
/// from a handler would not end the process but would take the handler of every other
/// action registered for the signal away for good. The OS error (`EINVAL` for a number
/// that is not a signal).
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
    if DEFAULT_DOES_NOT_TERMINATE.contains(&signal) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("signal {signal}'s default action does not end the process"),
        ));
    }
    sys::register_die_while(signal, armed)
}

/// The signals (that can be caught) whose default action is to be ignored, to continue or
/// to stop, not to end the process.
const DEFAULT_DOES_NOT_TERMINATE: &[i32] = &[
    libc::SIGCHLD,
    libc::SIGCONT,
    libc::SIGURG,
    libc::SIGWINCH,
    libc::SIGTSTP,
    libc::SIGTTIN,
    libc::SIGTTOU,
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Armed on such a signal, the action would set SIG_DFL from the handler: the raise
    /// that follows does not end the process, and signal-hook's handler (with every other
    /// action for the signal) is gone. Refused instead.
    #[test]
    fn a_signal_whose_default_does_not_terminate_is_refused() {
        for signal in [libc::SIGCHLD, libc::SIGWINCH, libc::SIGCONT, libc::SIGTSTP] {
            let armed = Arc::new(AtomicBool::new(false));
            let err = terminate_while(signal, armed).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{signal}: {err}");
        }
    }
}
