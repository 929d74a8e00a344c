//! [`Reactor`]: the registry of sources and the `poll` that wakes their tasks.

use std::cell::RefCell;
use std::fmt;
use std::io;
use std::marker::PhantomData;
use std::mem;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use slab::Slab;

#[cfg(not(any(target_os = "linux", target_os = "android")))]
use crate::PollingBackend;
use crate::source::{Dir, Slot, Source};
use crate::{Backend, Events, Interest, RawSource, Trigger};

/// Events fetched per wait before a second wait is needed.
const EVENTS_CAPACITY: usize = 1024;

thread_local! {
    /// The reactor `Reactor::current` returns on this thread.
    static CURRENT: RefCell<Option<Reactor>> = const { RefCell::new(None) };
}

/// I/O readiness for one event loop: a [`Backend`] plus the table of
/// registered sources, whose tasks [`poll`](Reactor::poll) wakes.
///
/// A `Reactor` is a cheap handle (an `Arc`): clone it freely and send it to
/// other threads. One thread, the one driving the loop, calls `poll`; any
/// thread may register sources (through [`Async`](crate::Async)) or
/// [`notify`](Notifier::notify).
///
/// # Examples
///
/// ```
/// use corio_reactor::{Async, Reactor};
/// use std::os::unix::net::UnixStream;
/// use std::time::Duration;
///
/// let reactor = Reactor::new()?;
/// let (a, b) = UnixStream::pair()?;
/// let a = Async::with_reactor(a, &reactor)?;
/// let _b = Async::with_reactor(b, &reactor)?;
/// assert_eq!(reactor.source_count(), 2);
/// // Both ends are writable: the first poll reports them.
/// assert!(reactor.poll(Some(Duration::ZERO))? >= 1);
/// drop(a);
/// assert_eq!(reactor.source_count(), 1);
/// # std::io::Result::Ok(())
/// ```
#[derive(Clone)]
pub struct Reactor {
    inner: Arc<Inner>,
}

struct Inner {
    backend: Box<dyn Backend>,
    /// `backend.trigger()`, read once.
    trigger: Trigger,
    /// Registered sources by key. Lock order: this, then a source's state.
    sources: Mutex<Slab<Arc<Source>>>,
    /// `sources.len()`, readable without the lock.
    count: AtomicUsize,
    /// A notify is pending, or `poll` is past its wait and waking tasks: later
    /// notifies skip the syscall until `poll` clears it on its way out.
    notified: AtomicBool,
    /// A short stream read or write may clear the cached readiness: the backend
    /// is oneshot (re-arming reports the level) or reports hang-ups.
    trusts_short_ops: bool,
    /// The loop thread's buffers; the lock is uncontended.
    poll_state: Mutex<PollState>,
}

struct PollState {
    events: Events,
    wakers: Vec<Waker>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section leaves its data consistent even if a waker
    // panics inside it, so a poisoned lock is still usable.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Reactor {
    /// A reactor over the default backend: [`EpollBackend`](crate::EpollBackend) on
    /// Linux and Android, [`PollingBackend`](crate::PollingBackend) elsewhere.
    ///
    /// # Errors
    ///
    /// The OS error if the poller cannot be created (e.g. out of descriptors).
    ///
    /// # Examples
    ///
    /// ```
    /// let reactor = corio_reactor::Reactor::new()?;
    /// assert_eq!(reactor.source_count(), 0);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn new() -> io::Result<Reactor> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        return Ok(Reactor::with_backend(crate::EpollBackend::new()?));
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        return Ok(Reactor::with_backend(PollingBackend::new()?));
    }

    /// A reactor over a backend of your choice.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::{PollingBackend, Reactor};
    ///
    /// let reactor = Reactor::with_backend(PollingBackend::oneshot()?);
    /// assert_eq!(reactor.source_count(), 0);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn with_backend(backend: impl Backend) -> Reactor {
        let trigger = backend.trigger();
        let trusts_short_ops = trigger == Trigger::Oneshot || backend.reports_hangup();
        Reactor {
            inner: Arc::new(Inner {
                backend: Box::new(backend),
                trigger,
                sources: Mutex::new(Slab::new()),
                count: AtomicUsize::new(0),
                notified: AtomicBool::new(false),
                trusts_short_ops,
                poll_state: Mutex::new(PollState {
                    events: Events::with_capacity(EVENTS_CAPACITY),
                    wakers: Vec::new(),
                }),
            }),
        }
    }

    /// Waits for I/O events (or a [`Notifier::notify`], or the timeout), then
    /// wakes the tasks waiting on the sources that became ready. Returns the
    /// number of events (0 after a timeout, a notify or a spurious wake-up).
    ///
    /// `None` blocks until an event or a notify; `Some(Duration::ZERO)` only
    /// collects what is already there. Call it from the thread that drives
    /// the loop only; wakers are called on this thread, after every lock of
    /// the reactor is released.
    ///
    /// # Errors
    ///
    /// The backend's OS error. An interrupted wait (`EINTR`) is not an
    /// error: it returns `Ok(0)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::Reactor;
    /// use std::time::Duration;
    ///
    /// let reactor = Reactor::new()?;
    /// // Nothing registered and nothing pending: returns after the timeout.
    /// assert_eq!(reactor.poll(Some(Duration::from_millis(1)))?, 0);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll(&self, timeout: Option<Duration>) -> io::Result<usize> {
        let inner = &*self.inner;
        let mut state = lock(&inner.poll_state);
        let PollState { events, wakers } = &mut *state;
        events.clear();
        let waited = inner.backend.wait(events, timeout);
        // The wait is over: until `poll` returns, a notify has nothing to wake, so it
        // skips its syscall. That matters most for the wakers below: a task they
        // schedule on this very loop makes the loop's unparker notify, and without
        // this every wait that woke a task would cost a notify syscall, plus a
        // wasted wait next time to consume it.
        inner.notified.store(true, Ordering::Release);
        match waited {
            Ok(_) => {}
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {
                inner.notified.swap(false, Ordering::AcqRel);
                return Ok(0);
            }
            Err(err) => {
                inner.notified.swap(false, Ordering::AcqRel);
                return Err(err);
            }
        }
        let rearm = match inner.trigger {
            Trigger::Oneshot => Some(&*inner.backend),
            _ => None,
        };
        {
            let sources = lock(&inner.sources);
            for event in events.iter() {
                // A missing key is a source deregistered after the wait
                // fetched its event: nothing to wake.
                if let Some(source) = sources.get(event.key) {
                    source.on_event(event.interest(), event.hangup, rearm, wakers);
                }
            }
        }
        let count = events.len();
        // Wake with no lock held: a waker may run arbitrary code, including
        // registering a source or calling `poll` again.
        let mut to_wake = mem::take(wakers);
        drop(state);
        for waker in to_wake.drain(..) {
            waker.wake();
        }
        // AcqRel: syncs with every notifier that saw `true` and skipped its
        // syscall (during the wait or the wakes), so what it published before
        // notifying is visible to the loop once `poll` returns; the caller
        // checks its queues before it waits again.
        inner.notified.swap(false, Ordering::AcqRel);
        // Give the (now empty) buffer back for the next poll.
        if let Ok(mut state) = self.inner.poll_state.try_lock()
            && state.wakers.capacity() < to_wake.capacity()
        {
            state.wakers = to_wake;
        }
        Ok(count)
    }

    /// A handle that wakes a blocked [`poll`](Reactor::poll) from any thread.
    ///
    /// # Examples
    ///
    /// ```
    /// let reactor = corio_reactor::Reactor::new()?;
    /// let notifier = reactor.notifier();
    /// std::thread::spawn(move || notifier.notify()).join().unwrap()?;
    /// reactor.poll(None)?; // returns at once: the notify is pending
    /// # std::io::Result::Ok(())
    /// ```
    #[must_use]
    pub fn notifier(&self) -> Notifier {
        Notifier {
            inner: Arc::clone(&self.inner),
        }
    }

    /// The number of registered sources (live [`Async`](crate::Async)s).
    /// When it is 0 and nothing can notify, a loop needs no `poll` at all.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::{Async, Reactor};
    /// use std::os::unix::net::UnixStream;
    ///
    /// let reactor = Reactor::new()?;
    /// let (a, _b) = UnixStream::pair()?;
    /// let a = Async::with_reactor(a, &reactor)?;
    /// assert_eq!(reactor.source_count(), 1);
    /// drop(a);
    /// assert_eq!(reactor.source_count(), 0);
    /// # std::io::Result::Ok(())
    /// ```
    #[must_use]
    pub fn source_count(&self) -> usize {
        self.inner.count.load(Ordering::Acquire)
    }

    /// How the backend reports readiness.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::{PollingBackend, Reactor, Trigger};
    ///
    /// let reactor = Reactor::with_backend(PollingBackend::oneshot()?);
    /// assert_eq!(reactor.trigger(), Trigger::Oneshot);
    /// # std::io::Result::Ok(())
    /// ```
    #[must_use]
    pub fn trigger(&self) -> Trigger {
        self.inner.trigger
    }

    /// Makes this the thread's current reactor (the one [`Async::new`]
    /// uses) until the guard drops; then the previous one (or none) is
    /// current again. Guards nest; drop them in reverse order of creation.
    ///
    /// [`Async::new`]: crate::Async::new
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::Reactor;
    ///
    /// let outer = Reactor::new()?;
    /// let inner = Reactor::new()?;
    /// assert!(Reactor::current().is_none());
    /// {
    ///     let _g = outer.enter();
    ///     {
    ///         let _g = inner.enter();
    ///         assert!(Reactor::current().unwrap().ptr_eq(&inner));
    ///     }
    ///     assert!(Reactor::current().unwrap().ptr_eq(&outer));
    /// }
    /// assert!(Reactor::current().is_none());
    /// # std::io::Result::Ok(())
    /// ```
    pub fn enter(&self) -> EnterGuard<'_> {
        let previous = CURRENT.with(|c| c.replace(Some(self.clone())));
        EnterGuard {
            previous,
            _marker: PhantomData,
        }
    }

    /// The thread's current reactor, set by [`enter`](Reactor::enter).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::Reactor;
    ///
    /// assert!(Reactor::current().is_none());
    /// let reactor = Reactor::new()?;
    /// let _guard = reactor.enter();
    /// assert!(Reactor::current().is_some());
    /// # std::io::Result::Ok(())
    /// ```
    #[must_use]
    pub fn current() -> Option<Reactor> {
        CURRENT.try_with(|c| c.borrow().clone()).ok().flatten()
    }

    /// Whether two handles refer to the same reactor.
    ///
    /// # Examples
    ///
    /// ```
    /// let a = corio_reactor::Reactor::new()?;
    /// assert!(a.ptr_eq(&a.clone()));
    /// assert!(!a.ptr_eq(&corio_reactor::Reactor::new()?));
    /// # std::io::Result::Ok(())
    /// ```
    #[must_use]
    pub fn ptr_eq(&self, other: &Reactor) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// Registers `raw` (already non-blocking) and returns its source.
    pub(crate) fn register(&self, raw: RawSource) -> io::Result<Arc<Source>> {
        let inner = &*self.inner;
        let interest = match inner.trigger {
            // Edge: armed once for both directions, never touched again.
            Trigger::Edge => Interest::BOTH,
            // Oneshot: armed on demand, when a task waits.
            _ => Interest::NONE,
        };
        let mut sources = lock(&inner.sources);
        let entry = sources.vacant_entry();
        let key = u32::try_from(entry.key())
            .map_err(|_| io::Error::other("more than u32::MAX sources registered"))?;
        let source = Arc::new(Source::new(raw, key));
        inner.backend.register(raw, entry.key(), interest)?;
        entry.insert(Arc::clone(&source));
        inner.count.fetch_add(1, Ordering::Release);
        Ok(source)
    }

    /// Removes `source` from the backend and the table. The table entry goes
    /// even if the backend fails, so the count stays true.
    pub(crate) fn deregister(&self, source: &Source) -> io::Result<()> {
        let inner = &*self.inner;
        let mut sources = lock(&inner.sources);
        let result = inner.backend.deregister(source.raw);
        if sources.try_remove(source.key()).is_some() {
            inner.count.fetch_sub(1, Ordering::Release);
        }
        result
    }

    /// Whether a short stream read or write may clear the cached readiness.
    pub(crate) fn trusts_short_ops(&self) -> bool {
        self.inner.trusts_short_ops
    }

    /// [`Source::poll_ready`] with this reactor's re-arm policy.
    pub(crate) fn poll_ready(
        &self,
        source: &Source,
        dir: Dir,
        cx: &mut Context<'_>,
        slot: Slot<'_>,
    ) -> Poll<io::Result<()>> {
        let rearm = match self.inner.trigger {
            Trigger::Oneshot => Some(&*self.inner.backend),
            _ => None,
        };
        source.poll_ready(dir, cx, slot, rearm)
    }
}

impl fmt::Debug for Reactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reactor")
            .field("trigger", &self.inner.trigger)
            .field("sources", &self.source_count())
            .finish_non_exhaustive()
    }
}

/// Wakes a blocked [`Reactor::poll`] from any thread; see
/// [`Reactor::notifier`].
///
/// Notifies coalesce: any number of them before `poll` returns cost one
/// syscall and wake it once.
///
/// # Examples
///
/// ```
/// use corio_reactor::Reactor;
/// use std::time::Duration;
///
/// let reactor = Reactor::new()?;
/// let notifier = reactor.notifier();
/// let t = std::thread::spawn(move || {
///     std::thread::sleep(Duration::from_millis(10));
///     notifier.notify()
/// });
/// reactor.poll(None)?; // blocks until the notify
/// t.join().unwrap()?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Clone)]
pub struct Notifier {
    inner: Arc<Inner>,
}

impl Notifier {
    /// Wakes the reactor's current or next `poll`.
    ///
    /// # Errors
    ///
    /// The backend's OS error from its wake-up mechanism (a later notify
    /// tries again).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::Reactor;
    ///
    /// let reactor = Reactor::new()?;
    /// let notifier = reactor.notifier();
    /// notifier.notify()?;
    /// notifier.notify()?; // coalesced with the first
    /// assert_eq!(reactor.poll(None)?, 0); // returns at once
    /// # std::io::Result::Ok(())
    /// ```
    pub fn notify(&self) -> io::Result<()> {
        // AcqRel: see `Reactor::poll`.
        if self.inner.notified.swap(true, Ordering::AcqRel) {
            return Ok(());
        }
        self.inner.backend.notify().inspect_err(|_| {
            // Let the next notify try the syscall again.
            self.inner.notified.store(false, Ordering::Release);
        })
    }
}

impl fmt::Debug for Notifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notifier")
            .field("pending", &self.inner.notified.load(Ordering::Relaxed))
            .finish()
    }
}

/// Keeps a reactor current on this thread; see [`Reactor::enter`].
///
/// Restores the previously current reactor (or none) when dropped. It is
/// tied to the thread, so it is neither `Send` nor `Sync`.
///
/// # Examples
///
/// ```
/// let reactor = corio_reactor::Reactor::new()?;
/// let guard = reactor.enter();
/// assert!(corio_reactor::Reactor::current().is_some());
/// drop(guard);
/// assert!(corio_reactor::Reactor::current().is_none());
/// # std::io::Result::Ok(())
/// ```
///
/// It cannot leave its thread:
///
/// ```compile_fail
/// let reactor = corio_reactor::Reactor::new().unwrap();
/// let guard = reactor.enter();
/// std::thread::scope(|s| {
///     s.spawn(move || drop(guard));
/// });
/// ```
#[must_use = "the reactor stops being current as soon as the guard drops"]
pub struct EnterGuard<'a> {
    previous: Option<Reactor>,
    /// Borrows the reactor and pins the guard to its thread (`*const ()`).
    _marker: PhantomData<(&'a Reactor, *const ())>,
}

impl Drop for EnterGuard<'_> {
    fn drop(&mut self) {
        let previous = self.previous.take();
        // `try_with`: the thread-local may already be gone at thread exit.
        let _ = CURRENT.try_with(|c| c.replace(previous));
    }
}

impl fmt::Debug for EnterGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnterGuard")
            .field("previous", &self.previous)
            .finish()
    }
}
