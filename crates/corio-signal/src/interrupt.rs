//! [`InterruptCatcher`]: SIGINT counted and turned into a byte on a pipe while it lives, the
//! previous disposition put back when it goes.

use std::fmt;
use std::io::{self, Read};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};

use crate::sys::{self, Disposition};

/// The pipe's write end while a catcher is installed, else -1. Read by the handler.
static WAKE_FD: AtomicI32 = AtomicI32::new(-1);
/// SIGINTs received since the catcher was installed.
static COUNT: AtomicUsize = AtomicUsize::new(0);
/// Set once the main task is done: from then on a SIGINT ends the process at once.
static FATAL: AtomicBool = AtomicBool::new(false);
/// The disposition the installed catcher replaced; `Some` exactly while one is installed.
static REPLACED: Mutex<Option<Disposition>> = Mutex::new(None);
/// One pipe for the life of the process (reader, writer). It is never closed, so a handler
/// running on another thread while a catcher is dropped can never write to a closed (or
/// reused) descriptor.
static PIPE: OnceLock<(UnixStream, UnixStream)> = OnceLock::new();

/// The SIGINT handler: async-signal-safe (atomics, `write`, `signal`, `raise`).
extern "C" fn on_sigint(_signal: libc::c_int) {
    sys::keep_errno(|| {
        let count = COUNT.fetch_add(1, Ordering::SeqCst) + 1;
        if count >= 2 || FATAL.load(Ordering::SeqCst) {
            // asyncio.Runner raises KeyboardInterrupt at once here; CPython then ends killed
            // by SIGINT. There is no stack to unwind into from a signal handler, so end now.
            sys::write_raw(2, b"KeyboardInterrupt\n");
            sys::die_by_sigint();
            return;
        }
        let fd = WAKE_FD.load(Ordering::SeqCst);
        if fd >= 0 {
            // A full pipe drops the byte; the count still says a SIGINT came.
            sys::write_raw(fd, &[1]);
        }
    });
}

fn pipe() -> io::Result<&'static (UnixStream, UnixStream)> {
    if let Some(pipe) = PIPE.get() {
        return Ok(pipe);
    }
    let (reader, writer) = UnixStream::pair()?;
    reader.set_nonblocking(true)?;
    writer.set_nonblocking(true)?;
    // Another thread may have won the race; its pipe is as good, ours is closed.
    Ok(PIPE.get_or_init(|| (reader, writer)))
}

/// SIGINT caught while it lives: asyncio.Runner's `_on_sigint`, without the Python.
///
/// [`install`](InterruptCatcher::install) swaps SIGINT's disposition for a handler that does
/// only what is safe in a signal handler:
///
/// - the first SIGINT is counted ([`count`](InterruptCatcher::count)) and wakes
///   [`reader`](InterruptCatcher::reader), a pipe the event loop watches; the loop then
///   cancels its main task, on its own thread, in its order;
/// - a second SIGINT, or any SIGINT after [`set_fatal`](InterruptCatcher::set_fatal), writes
///   `KeyboardInterrupt` to stderr and ends the process at once, killed by SIGINT as the
///   default disposition would (asyncio raises `KeyboardInterrupt` at once there).
///
/// Dropping the catcher puts the previous disposition back, unless something else replaced
/// the handler meanwhile (then that one stays).
///
/// # Examples
///
/// ```no_run
/// use std::io::Read;
///
/// let catcher = corio_signal::InterruptCatcher::install()?.expect("main thread, default SIGINT");
/// rustix::process::kill_process(rustix::process::getpid(), rustix::process::Signal::INT)?;
/// assert_eq!(catcher.count(), 1);
/// assert_eq!(catcher.reader().read(&mut [0; 8])?, 1);
/// drop(catcher);
/// assert!(corio_signal::InterruptCatcher::sigint_is_default()?);
/// # std::io::Result::Ok(())
/// ```
pub struct InterruptCatcher {
    reader: &'static UnixStream,
}

impl InterruptCatcher {
    /// Installs the SIGINT handler, if asyncio.Runner would install its own here: on the
    /// main thread, while SIGINT has its default disposition, and while no other catcher is
    /// installed (a nested or concurrent run leaves SIGINT to the first). Otherwise `None`,
    /// and SIGINT is left as it is.
    ///
    /// # Errors
    ///
    /// The OS error of creating the pipe or of `sigaction`.
    ///
    /// # Examples
    ///
    /// See [`InterruptCatcher`].
    pub fn install() -> io::Result<Option<InterruptCatcher>> {
        if !sys::is_main_thread() {
            return Ok(None);
        }
        let mut replaced = REPLACED.lock().unwrap_or_else(PoisonError::into_inner);
        if replaced.is_some() || !sys::current(libc::SIGINT)?.is_default() {
            return Ok(None);
        }
        let (reader, writer) = pipe()?;
        drain(reader);
        COUNT.store(0, Ordering::SeqCst);
        FATAL.store(false, Ordering::SeqCst);
        WAKE_FD.store(writer.as_raw_fd(), Ordering::SeqCst);
        match sys::install(on_sigint) {
            Ok(old) => *replaced = Some(old),
            Err(e) => {
                WAKE_FD.store(-1, Ordering::SeqCst);
                return Err(e);
            }
        }
        Ok(Some(InterruptCatcher { reader }))
    }

    /// Whether SIGINT has its default disposition (the process dies on Ctrl+C): the case in which
    /// [`InterruptCatcher::install`] installs, as asyncio.Runner installs its handler only while
    /// SIGINT has Python's default one.
    ///
    /// # Errors
    ///
    /// The OS error of `sigaction` (none is expected).
    ///
    /// # Examples
    ///
    /// ```
    /// // A test binary leaves SIGINT alone.
    /// assert!(corio_signal::InterruptCatcher::sigint_is_default()?);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn sigint_is_default() -> io::Result<bool> {
        Ok(sys::current(libc::SIGINT)?.is_default())
    }

    /// The pipe's read end: readable after a SIGINT. It is non-blocking and belongs to the
    /// catcher (never close it); read it dry with [`drain`](InterruptCatcher::drain).
    ///
    /// # Examples
    ///
    /// See [`InterruptCatcher`].
    pub fn reader(&self) -> &'static UnixStream {
        self.reader
    }

    /// Reads the pipe dry (it only carries wakeups; [`count`](InterruptCatcher::count) is the
    /// truth).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// let catcher = corio_signal::InterruptCatcher::install()?.unwrap();
    /// catcher.drain();
    /// # std::io::Result::Ok(())
    /// ```
    pub fn drain(&self) {
        drain(self.reader);
    }

    /// How many SIGINTs came since the catcher was installed.
    ///
    /// # Examples
    ///
    /// See [`InterruptCatcher`].
    pub fn count(&self) -> usize {
        COUNT.load(Ordering::SeqCst)
    }

    /// From now on, any SIGINT ends the process at once (asyncio.Runner raises
    /// `KeyboardInterrupt` at once when the main task is already done).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// let catcher = corio_signal::InterruptCatcher::install()?.unwrap();
    /// catcher.set_fatal(); // the main task is done; a Ctrl+C now ends the process
    /// # std::io::Result::Ok(())
    /// ```
    pub fn set_fatal(&self) {
        FATAL.store(true, Ordering::SeqCst);
    }
}

impl Drop for InterruptCatcher {
    fn drop(&mut self) {
        let mut replaced = REPLACED.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(old) = replaced.take() {
            // Someone who replaced our handler meanwhile keeps theirs.
            if sys::current(libc::SIGINT).is_ok_and(|now| now.runs(on_sigint)) {
                // Nothing useful can be done if this fails; the handler stays, harmless.
                let _ = sys::restore(&old);
            }
        }
        WAKE_FD.store(-1, Ordering::SeqCst);
        drain(self.reader);
    }
}

impl fmt::Debug for InterruptCatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InterruptCatcher")
            .field("count", &self.count())
            .field("fatal", &FATAL.load(Ordering::Relaxed))
            .finish()
    }
}

fn drain(mut reader: &UnixStream) {
    let mut buf = [0; 64];
    while matches!(reader.read(&mut buf), Ok(n) if n > 0) {}
}

/// Ends the process the way CPython ends on an unhandled `KeyboardInterrupt`: killed by
/// SIGINT with its default disposition, so that the parent (a shell: exit status 130) sees
/// that Ctrl+C ended it. Call it after a run returned `Interrupted`, once the program has done
/// its own cleanup.
///
/// # Examples
///
/// ```no_run
/// # fn run() -> Result<(), &'static str> { Err("interrupted") }
/// if run().is_err() {
///     corio_signal::reraise_sigint();
/// }
/// ```
pub fn reraise_sigint() -> ! {
    let _guard = REPLACED.lock().unwrap_or_else(PoisonError::into_inner);
    sys::die_by_sigint();
    // SIGINT may be blocked on this thread; end with the status a shell gives it.
    std::process::exit(128 + libc::SIGINT)
}
