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
/// The common ones are constants (`Signal::INT`, `Signal::TERM`, ...); any other that the
/// system has comes from [`Signal::from_raw`] (Python passes plain numbers), real-time ones
/// also from [`Signal::rt`] (`SIGRTMIN + n`).
///
/// # Examples
///
/// ```
/// use corio_process::Signal;
///
/// assert_eq!(Signal::INT.as_raw(), 2);
/// assert_eq!(Signal::TERM.to_string(), "SIGTERM");
/// assert_eq!(Signal::from_raw(15)?, Signal::TERM);
/// # #[cfg(target_os = "linux")]
/// assert_eq!(Signal::rt(1)?.to_string(), "SIGRTMIN+1");
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

impl Signal {
    /// The signal numbered `raw` (what Python's `send_signal(sig)` and `os.kill(pid, sig)`
    /// take): a named signal of this system, or a real-time one (`SIGRTMIN..=SIGRTMAX`,
    /// Linux).
    ///
    /// # Errors
    ///
    /// [`SignalError::Invalid`] for a number that is not a signal here: 0, negative, past
    /// `SIGRTMAX`, or one of the real-time numbers the C library keeps for itself (32 and
    /// 33 with glibc, below `SIGRTMIN`).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_process::{Signal, SignalError};
    /// assert_eq!(Signal::from_raw(10)?.as_raw(), 10);
    /// assert!(matches!(Signal::from_raw(-1), Err(SignalError::Invalid(-1))));
    /// assert!(matches!(Signal::from_raw(65), Err(SignalError::Invalid(65))));
    /// # Ok::<(), SignalError>(())
    /// ```
    pub fn from_raw(raw: i32) -> Result<Signal, SignalError> {
        match system_signal(raw) {
            Some(_) => Ok(Signal(raw)),
            None => Err(SignalError::Invalid(raw)),
        }
    }

    /// The real-time signal `SIGRTMIN + n` (Python: `signal.SIGRTMIN + n`). Real-time
    /// signals have no fixed meaning (the program gives them one); unlike the others, each
    /// delivery is queued rather than merged with a pending one.
    ///
    /// # Errors
    ///
    /// [`SignalError::Invalid`] (with `SIGRTMIN + n`, or `n` on systems without real-time
    /// signals) when that is past `SIGRTMAX` or `n` is negative.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_process::{Signal, SignalError};
    /// # #[cfg(target_os = "linux")] {
    /// assert_eq!(Signal::rt(0)?, Signal::rtmin());
    /// assert_eq!(Signal::rt(Signal::rtmax().as_raw() - Signal::rtmin().as_raw())?, Signal::rtmax());
    /// assert!(matches!(Signal::rt(-1), Err(SignalError::Invalid(_))));
    /// assert!(matches!(Signal::rt(1000), Err(SignalError::Invalid(_))));
    /// # }
    /// # Ok::<(), SignalError>(())
    /// ```
    pub fn rt(n: i32) -> Result<Signal, SignalError> {
        rt_signal(n)
    }

    /// `SIGRTMIN`, the first real-time signal the C library leaves to programs (Python's
    /// `signal.SIGRTMIN`; 34 with glibc).
    ///
    /// # Examples
    ///
    /// ```
    /// let min = corio_process::Signal::rtmin();
    /// assert!(min.as_raw() >= 32);
    /// assert_eq!(min.to_string(), "SIGRTMIN");
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    pub fn rtmin() -> Signal {
        use rustix_libc_wrappers::process::SignalExt;
        Signal(rustix::process::Signal::rt_min().as_raw())
    }

    /// `SIGRTMAX`, the last real-time signal (Python's `signal.SIGRTMAX`; 64 on Linux).
    ///
    /// # Examples
    ///
    /// ```
    /// let max = corio_process::Signal::rtmax();
    /// assert!(max > corio_process::Signal::rtmin());
    /// assert_eq!(max.to_string(), "SIGRTMAX");
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    pub fn rtmax() -> Signal {
        use rustix_libc_wrappers::process::SignalExt;
        Signal(rustix::process::Signal::rt_max().as_raw())
    }

    /// Whether this is a real-time signal (`SIGRTMIN..=SIGRTMAX`).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_process::Signal;
    /// assert!(!Signal::TERM.is_realtime());
    /// # #[cfg(target_os = "linux")]
    /// assert!(Signal::rt(2)?.is_realtime());
    /// # Ok::<(), corio_process::SignalError>(())
    /// ```
    pub fn is_realtime(self) -> bool {
        rt_range().is_some_and(|(min, max)| (min..=max).contains(&self.0))
    }

    /// The rustix signal, for sending it.
    pub(crate) fn to_rustix(self) -> Option<rustix::process::Signal> {
        system_signal(self.0)
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

    /// The name, like `SIGINT`, when the system's table has it (real-time signals other than
    /// `SIGRTMIN` and `SIGRTMAX` have none: they display as `SIGRTMIN+n` / `SIGRTMAX-n`, as
    /// `kill -l` lists them).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(corio_process::Signal::USR1.name(), Some("SIGUSR1"));
    /// ```
    pub fn name(self) -> Option<&'static str> {
        match rt_range() {
            Some((min, _)) if self.0 == min => Some("SIGRTMIN"),
            Some((_, max)) if self.0 == max => Some("SIGRTMAX"),
            _ => signal_hook::low_level::signal_name(self.0),
        }
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

impl Signal {
    /// `SIGRTMIN+n` or `SIGRTMAX-n` (the nearer end, as `kill -l` prints them).
    fn fmt_realtime(self, f: &mut fmt::Formatter<'_>) -> Option<fmt::Result> {
        let (min, max) = rt_range()?;
        if !(min..=max).contains(&self.0) {
            return None;
        }
        Some(if self.0 - min <= (max - min) / 2 {
            write!(f, "SIGRTMIN+{}", self.0 - min)
        } else {
            write!(f, "SIGRTMAX-{}", max - self.0)
        })
    }
}

impl Signal {
    /// Writes the signal's name, else its real-time name, else `unnamed` of
    /// its number: what `Debug` and `Display` share.
    fn fmt_name(
        &self,
        f: &mut fmt::Formatter<'_>,
        unnamed: impl FnOnce(&mut fmt::Formatter<'_>, i32) -> fmt::Result,
    ) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => self.fmt_realtime(f).unwrap_or_else(|| unnamed(f, self.0)),
        }
    }
}

impl fmt::Debug for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_name(f, |f, n| write!(f, "Signal({n})"))
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_name(f, |f, n| write!(f, "signal {n}"))
    }
}

/// `raw` as a rustix signal if it is one of this system's: a named one, or a real-time one
/// the C library does not reserve.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn system_signal(raw: i32) -> Option<rustix::process::Signal> {
    use rustix_libc_wrappers::process::SignalExt;
    <rustix::process::Signal as SignalExt>::from_raw(raw)
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn system_signal(raw: i32) -> Option<rustix::process::Signal> {
    rustix::process::Signal::from_named_raw(raw)
}

/// `SIGRTMIN` and `SIGRTMAX`, where the system has real-time signals.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn rt_range() -> Option<(i32, i32)> {
    Some((Signal::rtmin().as_raw(), Signal::rtmax().as_raw()))
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn rt_range() -> Option<(i32, i32)> {
    None
}

fn rt_signal(n: i32) -> Result<Signal, SignalError> {
    let (min, max) = rt_range().ok_or(SignalError::Invalid(n))?;
    let raw = min.saturating_add(n);
    if n >= 0 && raw <= max {
        Ok(Signal(raw))
    } else {
        Err(SignalError::Invalid(raw))
    }
}

/// A signal given as a [`Signal`] or as its number: what [`kill`] and
/// [`Process::send_signal`](crate::Process::send_signal) take, as Python's `os.kill` and
/// `send_signal` take an int.
///
/// # Examples
///
/// ```
/// use corio_process::{IntoSignal, Signal, SignalError};
///
/// assert_eq!(15.into_signal()?, Signal::TERM);
/// assert_eq!(Signal::HUP.into_signal()?, Signal::HUP);
/// assert!(matches!(0.into_signal(), Err(SignalError::Invalid(0))));
/// # Ok::<(), SignalError>(())
/// ```
pub trait IntoSignal {
    /// The signal, checked to be one of this system's.
    ///
    /// # Errors
    ///
    /// [`SignalError::Invalid`] for a number that is not a signal here.
    ///
    /// # Examples
    ///
    /// See [`IntoSignal`].
    fn into_signal(self) -> Result<Signal, SignalError>;
}

impl IntoSignal for Signal {
    fn into_signal(self) -> Result<Signal, SignalError> {
        Ok(self)
    }
}

impl IntoSignal for i32 {
    fn into_signal(self) -> Result<Signal, SignalError> {
        Signal::from_raw(self)
    }
}

/// Sends `signal` to the process `pid` (Python's `os.kill(pid, sig)`); `kill(std::process::id(),
/// Signal::INT)` is a Ctrl+C sent to oneself. The signal is a [`Signal`] or its number.
///
/// # Errors
///
/// [`SignalError::Invalid`] for a pid of 0 or beyond `i32`, or a number that is no signal
/// here; [`SignalError::Io`] for the OS error (`ESRCH`: no such process; `EPERM`: not
/// allowed). Any signal of the system can be sent, real-time ones too.
///
/// # Examples
///
/// ```
/// use corio_process::{Signal, SignalError, kill};
///
/// // SIGCONT to ourselves does nothing visible.
/// kill(std::process::id(), Signal::CONT)?;
/// kill(std::process::id(), Signal::CONT.as_raw())?; // by number, as os.kill takes it
/// assert!(matches!(kill(0, Signal::TERM), Err(SignalError::Invalid(0))));
/// assert!(matches!(kill(std::process::id(), 999), Err(SignalError::Invalid(999))));
/// # Ok::<(), SignalError>(())
/// ```
#[doc(alias = "os.kill")]
pub fn kill(pid: u32, signal: impl IntoSignal) -> Result<(), SignalError> {
    let signal = signal.into_signal()?;
    let pid = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
        .ok_or(SignalError::Invalid(pid as i32))?;
    let sig = signal
        .to_rustix()
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
