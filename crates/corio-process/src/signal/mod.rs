//! Signals: [`Signal`], the loop's [`add_signal_handler`](SignalHandlers::add_signal_handler),
//! the [`Signals`] stream, and the [`KeyboardInterrupt`] guard.
//!
//! Every signal reaches the program through signal-hook's self-pipe: the handler (run by the
//! OS on any thread) writes a byte to a pipe and does nothing else; the pipe is watched by the
//! loop's reactor, and the callback or the stream's consumer runs on the loop's thread.

mod handlers;
mod keyboard;
mod pipe;
mod stream;

use std::fmt;

pub use handlers::SignalHandlers;
pub use keyboard::KeyboardInterrupt;
pub(crate) use pipe::SignalPipe;
pub use stream::{Signals, signals};

use crate::SignalError;

/// A signal number (asyncio's `signal.Signals`), checked to be one of this system's.
///
/// The common ones are constants (`Signal::INT`, `Signal::TERM`, ...); others come from
/// [`Signal::from_raw`].
///
/// # Examples
///
/// ```
/// use corio_process::Signal;
///
/// assert_eq!(Signal::INT.as_raw(), 2);
/// assert_eq!(Signal::TERM.to_string(), "SIGTERM");
/// assert_eq!(Signal::from_raw(15)?, Signal::TERM);
/// # Ok::<(), corio_process::SignalError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Signal(i32);

macro_rules! signals {
    ($($name:ident = $raw:ident: $doc:literal;)*) => {
        impl Signal {
            $(
                #[doc = $doc]
                pub const $name: Signal = Signal(signal_hook::consts::$raw);
            )*
        }
    };
}

signals! {
    HUP = SIGHUP: "`SIGHUP`: the terminal hung up.";
    INT = SIGINT: "`SIGINT`: Ctrl+C.";
    QUIT = SIGQUIT: "`SIGQUIT`: Ctrl+\\\\.";
    ILL = SIGILL: "`SIGILL`: illegal instruction (cannot be handled here).";
    ABRT = SIGABRT: "`SIGABRT`: abort.";
    FPE = SIGFPE: "`SIGFPE`: arithmetic fault (cannot be handled here).";
    KILL = SIGKILL: "`SIGKILL`: kill (cannot be caught).";
    SEGV = SIGSEGV: "`SIGSEGV`: invalid memory access (cannot be handled here).";
    PIPE = SIGPIPE: "`SIGPIPE`: write to a pipe nobody reads.";
    ALRM = SIGALRM: "`SIGALRM`: alarm clock.";
    TERM = SIGTERM: "`SIGTERM`: polite termination request.";
    USR1 = SIGUSR1: "`SIGUSR1`: user-defined.";
    USR2 = SIGUSR2: "`SIGUSR2`: user-defined.";
    CHLD = SIGCHLD: "`SIGCHLD`: a child stopped or ended.";
    CONT = SIGCONT: "`SIGCONT`: continue after a stop.";
    STOP = SIGSTOP: "`SIGSTOP`: stop (cannot be caught).";
    TSTP = SIGTSTP: "`SIGTSTP`: Ctrl+Z.";
    WINCH = SIGWINCH: "`SIGWINCH`: the terminal was resized.";
}

/// The highest signal number any supported system has (Linux: 64 with the real-time ones).
const MAX_SIGNAL: i32 = 64;

impl Signal {
    /// The signal numbered `raw`.
    ///
    /// # Errors
    ///
    /// [`SignalError::Invalid`] for a number that cannot be a signal (not in `1..=64`).
    /// A number in range that this system lacks is refused when it is used.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_process::{Signal, SignalError};
    /// assert_eq!(Signal::from_raw(10)?.as_raw(), 10);
    /// assert!(matches!(Signal::from_raw(-1), Err(SignalError::Invalid(-1))));
    /// # Ok::<(), SignalError>(())
    /// ```
    pub fn from_raw(raw: i32) -> Result<Signal, SignalError> {
        if (1..=MAX_SIGNAL).contains(&raw) {
            Ok(Signal(raw))
        } else {
            Err(SignalError::Invalid(raw))
        }
    }

    /// The number.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(corio_process::Signal::KILL.as_raw(), 9);
    /// ```
    pub const fn as_raw(self) -> i32 {
        self.0
    }

    /// The name, like `SIGINT`, when the system's table has it.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(corio_process::Signal::USR1.name(), Some("SIGUSR1"));
    /// ```
    pub fn name(self) -> Option<&'static str> {
        signal_hook::low_level::signal_name(self.0)
    }

    /// Whether a handler can be installed for it (not SIGKILL, SIGSTOP, SIGILL, SIGFPE,
    /// SIGSEGV).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_process::Signal;
    /// assert!(Signal::TERM.can_handle());
    /// assert!(!Signal::KILL.can_handle());
    /// ```
    pub fn can_handle(self) -> bool {
        !signal_hook::consts::FORBIDDEN.contains(&self.0)
    }

    pub(crate) fn check_handleable(self) -> Result<Signal, SignalError> {
        if self.can_handle() {
            Ok(self)
        } else {
            Err(SignalError::Forbidden(self))
        }
    }
}

impl fmt::Debug for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "Signal({})", self.0),
        }
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "signal {}", self.0),
        }
    }
}

/// Sends `signal` to the process `pid` (Python's `os.kill(pid, sig)`); `kill(std::process::id(),
/// Signal::INT)` is a Ctrl+C sent to oneself.
///
/// # Errors
///
/// [`SignalError::Invalid`] for a signal number with no name on this system (real-time
/// signals) or a pid of 0 or beyond `i32`; [`SignalError::Io`] for the OS error (`ESRCH`: no
/// such process; `EPERM`: not allowed).
///
/// # Examples
///
/// ```
/// use corio_process::{Signal, SignalError, kill};
///
/// // SIGCONT to ourselves does nothing visible.
/// kill(std::process::id(), Signal::CONT)?;
/// assert!(matches!(kill(0, Signal::TERM), Err(SignalError::Invalid(0))));
/// # Ok::<(), SignalError>(())
/// ```
#[doc(alias = "os.kill")]
pub fn kill(pid: u32, signal: Signal) -> Result<(), SignalError> {
    let pid = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
        .ok_or(SignalError::Invalid(pid as i32))?;
    let sig = rustix::process::Signal::from_named_raw(signal.as_raw())
        .ok_or(SignalError::Invalid(signal.as_raw()))?;
    rustix::process::kill_process(pid, sig).map_err(|e| SignalError::Io(e.into()))
}

impl From<Signal> for i32 {
    fn from(signal: Signal) -> i32 {
        signal.0
    }
}

impl TryFrom<i32> for Signal {
    type Error = SignalError;

    fn try_from(raw: i32) -> Result<Signal, SignalError> {
        Signal::from_raw(raw)
    }
}
