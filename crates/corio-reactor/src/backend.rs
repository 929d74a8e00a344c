//! The [`Backend`] trait: the OS readiness mechanism behind a [`Reactor`](crate::Reactor).

use std::io;
use std::time::Duration;

use crate::{Events, Interest, RawSource};

/// How a backend reports readiness after it has reported it once.
///
/// The reactor adapts to it: with [`Trigger::Edge`] it registers a source
/// once for both directions and never touches it again; with
/// [`Trigger::Oneshot`] it re-arms a direction (one `modify` call) only when
/// a task has to wait on it, so a socket that always has data costs no
/// syscall beyond its reads either way.
///
/// # Examples
///
/// ```
/// use corio_reactor::{Backend, PollingBackend, Trigger};
///
/// let backend = PollingBackend::new()?;
/// // epoll and kqueue support edge-triggered mode; event ports do not.
/// assert!(matches!(backend.trigger(), Trigger::Edge | Trigger::Oneshot));
/// # std::io::Result::Ok(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Trigger {
    /// Each new readiness edge (new data, new buffer space) is reported once;
    /// a registration stays armed until it is removed.
    Edge,
    /// After one event for a source, the source reports nothing until
    /// [`Backend::modify`] re-arms it.
    Oneshot,
}

/// An OS readiness mechanism (epoll, kqueue, event ports, later io_uring).
///
/// The reactor calls it from two sides: the thread that drives the loop
/// calls [`wait`](Backend::wait); any thread may call
/// [`register`](Backend::register), [`modify`](Backend::modify),
/// [`deregister`](Backend::deregister) and [`notify`](Backend::notify).
///
/// Contract for callers (the reactor keeps it): a `source` passed to
/// `register` stays open until it is passed to `deregister`, and keys are
/// unique among registered sources. [`PollingBackend`](crate::PollingBackend)
/// is the default implementation.
///
/// # Examples
///
/// A backend that wraps another one and counts waits:
///
/// ```
/// use corio_reactor::{Backend, Events, Interest, PollingBackend, RawSource, Reactor, Trigger};
/// use std::io;
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::time::Duration;
///
/// struct Counting { inner: PollingBackend, waits: AtomicUsize }
///
/// impl Backend for Counting {
///     fn register(&self, s: RawSource, key: usize, i: Interest) -> io::Result<()> { self.inner.register(s, key, i) }
///     fn modify(&self, s: RawSource, key: usize, i: Interest) -> io::Result<()> { self.inner.modify(s, key, i) }
///     fn deregister(&self, s: RawSource) -> io::Result<()> { self.inner.deregister(s) }
///     fn wait(&self, events: &mut Events, timeout: Option<Duration>) -> io::Result<usize> {
///         self.waits.fetch_add(1, Ordering::Relaxed);
///         self.inner.wait(events, timeout)
///     }
///     fn notify(&self) -> io::Result<()> { self.inner.notify() }
///     fn trigger(&self) -> Trigger { self.inner.trigger() }
/// }
///
/// let reactor = Reactor::with_backend(Counting { inner: PollingBackend::new()?, waits: AtomicUsize::new(0) });
/// assert_eq!(reactor.poll(Some(Duration::ZERO))?, 0);
/// # std::io::Result::Ok(())
/// ```
pub trait Backend: Send + Sync + 'static {
    /// Starts watching `source` for `interest`; its events carry `key`.
    ///
    /// # Errors
    ///
    /// The OS error, e.g. `source` is not a valid descriptor or is already
    /// registered.
    fn register(&self, source: RawSource, key: usize, interest: Interest) -> io::Result<()>;

    /// Changes the interest of a registered source (and re-arms it in
    /// [`Trigger::Oneshot`] mode).
    ///
    /// # Errors
    ///
    /// The OS error, e.g. `source` is not registered.
    fn modify(&self, source: RawSource, key: usize, interest: Interest) -> io::Result<()>;

    /// Stops watching `source`. Called before the descriptor is closed.
    ///
    /// # Errors
    ///
    /// The OS error, e.g. `source` is not registered.
    fn deregister(&self, source: RawSource) -> io::Result<()>;

    /// Blocks until at least one event, a [`notify`](Backend::notify), or
    /// the timeout (`None` = no timeout, `Some(ZERO)` = do not block), then
    /// appends the events to `events` and returns how many it appended.
    /// It may return early with no events.
    ///
    /// # Errors
    ///
    /// The OS error. An interrupted wait may be reported as
    /// [`io::ErrorKind::Interrupted`]; the reactor treats that as an empty
    /// wait.
    fn wait(&self, events: &mut Events, timeout: Option<Duration>) -> io::Result<usize>;

    /// Wakes a blocked (or the next) [`wait`](Backend::wait), from any thread.
    ///
    /// # Errors
    ///
    /// The OS error from the wake-up mechanism.
    fn notify(&self) -> io::Result<()>;

    /// How this backend reports readiness. The default, `Oneshot`, is always
    /// correct: the reactor then re-arms a source whenever a task waits on it.
    fn trigger(&self) -> Trigger {
        Trigger::Oneshot
    }

    /// Whether this backend's events set [`Event::hangup`](crate::Event::hangup) whenever
    /// the source hung up or failed (a peer's FIN included, even when it arrives with the
    /// last data). The default, `false`, is always correct.
    ///
    /// When it is true (or the backend is [`Trigger::Oneshot`]), a read of a byte stream
    /// that returns fewer bytes than asked clears the cached readiness, so the next read
    /// waits for an event instead of paying a syscall that would return `WouldBlock`
    /// (see [`Async::poll_read_stream`](crate::Async::poll_read_stream)). An edge-triggered
    /// backend that cannot report a hang-up must leave it false: a FIN that came with the
    /// last data would raise no new edge, and a reader would wait forever.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::{Backend, PollingBackend};
    ///
    /// // `polling` does not report a peer's FIN apart from readability.
    /// assert!(!PollingBackend::new()?.reports_hangup());
    /// # #[cfg(target_os = "linux")]
    /// assert!(corio_reactor::EpollBackend::new()?.reports_hangup());
    /// # std::io::Result::Ok(())
    /// ```
    fn reports_hangup(&self) -> bool {
        false
    }
}
