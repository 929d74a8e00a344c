//! The raw calls: `sigaction` for SIGINT, `errno` kept across the handler, the main-thread
//! test. Every `unsafe` block of the crate is here.
//!
//! std and rustix have no safe `sigaction`, and signal-hook never gives a disposition back
//! (its handler stays installed once set), so the swap-and-restore that asyncio.Runner does
//! needs libc. The handler itself calls only async-signal-safe functions (`write`,
//! `sigaction`, `raise`) and atomics.

#![allow(unsafe_code)]

use std::io;
use std::mem::MaybeUninit;

/// A saved signal disposition.
pub(crate) struct Disposition(libc::sigaction);

// SAFETY: a `sigaction` is plain data (a handler address, a mask, flags); moving it between
// threads is fine. It is only read while the crate's state mutex is held.
unsafe impl Send for Disposition {}

impl Disposition {
    /// Whether this is the default disposition (`SIG_DFL`).
    pub(crate) fn is_default(&self) -> bool {
        self.0.sa_sigaction == libc::SIG_DFL
    }

    /// Whether this disposition runs `handler`.
    pub(crate) fn runs(&self, handler: extern "C" fn(libc::c_int)) -> bool {
        self.0.sa_sigaction == handler as libc::sighandler_t
    }
}

/// The current disposition of `signal`.
pub(crate) fn current(signal: libc::c_int) -> io::Result<Disposition> {
    let mut old = MaybeUninit::<libc::sigaction>::zeroed();
    // SAFETY: a null `act` only queries; `old` is a valid place for the kernel to write. An
    // invalid signal number makes the call fail with EINVAL.
    let rc = unsafe { libc::sigaction(signal, std::ptr::null(), old.as_mut_ptr()) };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `sigaction` succeeded and filled `old` (it was zeroed before, too).
    Ok(Disposition(unsafe { old.assume_init() }))
}

/// Installs `handler` for SIGINT (with `SA_RESTART`, so that the program's blocking calls are
/// not cut short by it) and returns the disposition it replaced.
pub(crate) fn install(handler: extern "C" fn(libc::c_int)) -> io::Result<Disposition> {
    let mut act = MaybeUninit::<libc::sigaction>::zeroed();
    let mut old = MaybeUninit::<libc::sigaction>::zeroed();
    // SAFETY: `act` is zeroed (a valid `sigaction`) and filled field by field before use;
    // `sigemptyset` gets a valid mask to write; `old` is a valid place for the old action.
    // `handler` only calls async-signal-safe functions (see `interrupt::on_sigint`).
    let rc = unsafe {
        let a = act.as_mut_ptr();
        (*a).sa_sigaction = handler as libc::sighandler_t;
        (*a).sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut (*a).sa_mask);
        libc::sigaction(libc::SIGINT, a, old.as_mut_ptr())
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `sigaction` succeeded and filled `old`.
    Ok(Disposition(unsafe { old.assume_init() }))
}

/// Puts a saved disposition back.
pub(crate) fn restore(saved: &Disposition) -> io::Result<()> {
    // SAFETY: `saved` came from the kernel, so it is a valid `sigaction`.
    let rc = unsafe { libc::sigaction(libc::SIGINT, &saved.0, std::ptr::null_mut()) };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Writes `bytes` to `fd`, ignoring the outcome (async-signal-safe).
pub(crate) fn write_raw(fd: libc::c_int, bytes: &[u8]) {
    // SAFETY: `bytes` is valid for `len` bytes; a bad or closed `fd` only makes write fail.
    unsafe {
        libc::write(fd, bytes.as_ptr().cast(), bytes.len());
    }
}

/// Ends the process by SIGINT with the default disposition (async-signal-safe).
pub(crate) fn die_by_sigint() {
    die_by(libc::SIGINT);
}

/// Ends the process by `signal` with its default disposition (async-signal-safe), for a
/// signal whose default action is to end the process.
fn die_by(signal: libc::c_int) {
    // SAFETY: `signal` and `raise` are async-signal-safe. Inside a handler for `signal` the
    // raised signal stays blocked until the handler returns, then kills the process.
    unsafe {
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
}

/// Adds, through signal-hook's registry (so that it runs beside the other actions
/// registered there for `signal`), an action that ends the process by `signal` while
/// `armed` is set. It stays for the life of the process.
pub(crate) fn register_die_while(
    signal: libc::c_int,
    armed: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> io::Result<()> {
    let action = move || {
        if armed.load(std::sync::atomic::Ordering::SeqCst) {
            die_by(signal);
        }
    };
    // SAFETY: the action is async-signal-safe: it loads an atomic and calls `die_by`, which
    // calls only `signal` and `raise`. The caller has refused the signals signal-hook panics
    // on (`FORBIDDEN`).
    unsafe { signal_hook::low_level::register(signal, action) }?;
    Ok(())
}

/// Runs `f` and puts `errno` back as it was: a handler must not change what the code it
/// interrupted sees in `errno`.
pub(crate) fn keep_errno(f: impl FnOnce()) {
    // `last_os_error` reads errno and allocates nothing.
    let saved = io::Error::last_os_error().raw_os_error();
    f();
    if let Some(errno) = saved {
        set_errno(errno);
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn set_errno(value: libc::c_int) {
    // SAFETY: `__errno_location` returns this thread's errno slot, always valid.
    unsafe { *libc::__errno_location() = value }
}

#[cfg(any(target_os = "macos", target_os = "ios"))]
fn set_errno(value: libc::c_int) {
    // SAFETY: `__error` returns this thread's errno slot, always valid.
    unsafe { *libc::__error() = value }
}

/// Whether `signal` has its default disposition (`SIG_DFL`): no handler installed and not
/// ignored. corio-process asks it before it first handles a signal, to know whether removing
/// its last handler should bring the default action back (asyncio's `remove_signal_handler`
/// does).
///
/// # Errors
///
/// `EINVAL` for a number that is not a signal.
///
/// # Examples
///
/// ```
/// assert!(corio_signal::has_default_disposition(15)?); // SIGTERM, untouched in a doctest
/// assert!(corio_signal::has_default_disposition(0).is_err());
/// # std::io::Result::Ok(())
/// ```
pub fn has_default_disposition(signal: i32) -> io::Result<bool> {
    Ok(current(signal)?.is_default())
}

/// Whether the calling thread is the process's main thread (asyncio.Runner installs its SIGINT
/// handler only there, because CPython runs Python signal handlers only there).
///
/// # Examples
///
/// ```
/// let on_other = std::thread::spawn(corio_signal::is_main_thread).join().unwrap();
/// assert!(!on_other);
/// ```
#[must_use]
pub fn is_main_thread() -> bool {
    main_thread_check()
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn main_thread_check() -> bool {
    rustix::thread::gettid() == rustix::process::getpid()
}

#[cfg(any(target_os = "macos", target_os = "ios"))]
fn main_thread_check() -> bool {
    // SAFETY: `pthread_main_np` has no preconditions.
    unsafe { libc::pthread_main_np() == 1 }
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios"
)))]
compile_error!("corio-signal supports Linux, Android, macOS and iOS");
