use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::Waker;
use std::time::Instant;

use crate::TimerKey;

/// Where [`Sleep`](crate::Sleep) and friends register: an event loop's timers.
///
/// An event loop implements this over its own [`TimerQueue`](crate::TimerQueue) (which may
/// also hold its `call_later` callbacks, so that sleeps and callbacks due at the same time
/// keep one FIFO order), and installs it with [`enter`] while it runs. With no source
/// installed, the futures of this crate use a small shared timer thread instead.
///
/// # Examples
///
/// A source over a virtual clock that a test drives by hand:
///
/// ```
/// use std::cell::RefCell;
/// use std::rc::Rc;
/// use std::task::Waker;
/// use std::time::{Duration, Instant};
/// use corio_time::{Clock, TimerKey, TimerQueue, TimerSource};
///
/// struct Manual { id: u64, clock: Clock, queue: RefCell<TimerQueue<Waker>> }
/// impl TimerSource for Manual {
///     fn id(&self) -> u64 { self.id }
///     fn now(&self) -> Instant { self.clock.now() }
///     fn insert(&self, at: Instant, w: Waker) -> TimerKey { self.queue.borrow_mut().insert(at, w) }
///     fn update(&self, k: TimerKey, w: &Waker) -> bool {
///         match self.queue.borrow_mut().get_mut(k) { Some(old) => { old.clone_from(w); true } None => false }
///     }
///     fn remove(&self, k: TimerKey) { self.queue.borrow_mut().remove(k); }
/// }
///
/// let source = Rc::new(Manual {
///     id: corio_time::new_source_id(),
///     clock: Clock::new_virtual(),
///     queue: RefCell::new(TimerQueue::new()),
/// });
/// let _guard = corio_time::enter(source.clone());
/// let start = corio_time::now();
/// let mut sleep = std::pin::pin!(corio_time::sleep(Duration::from_secs(60)));
/// assert!(futures_lite::future::block_on(futures_lite::future::poll_once(&mut sleep)).is_none());
/// source.clock.advance(Duration::from_secs(60));
/// while let Some((_, w)) = source.queue.borrow_mut().pop_expired(source.clock.now()) { w.wake() }
/// futures_lite::future::block_on(sleep);
/// assert_eq!(corio_time::now() - start, Duration::from_secs(60));
/// ```
pub trait TimerSource {
    /// An id unique among the sources of this process; take one from [`new_source_id`].
    fn id(&self) -> u64;

    /// The source's current time (a virtual clock's, if it has one).
    fn now(&self) -> Instant;

    /// Registers `waker` to be woken at `deadline` (never before it).
    fn insert(&self, deadline: Instant, waker: Waker) -> TimerKey;

    /// Replaces the waker of a pending entry; `false` if the entry has fired or was removed.
    fn update(&self, key: TimerKey, waker: &Waker) -> bool;

    /// Removes a pending entry; a stale key is ignored.
    fn remove(&self, key: TimerKey);

    /// The time of the source's last expiry pass, once it has finished: every entry that was
    /// pending then with a deadline at or before it has fired. `None` (the default) if the
    /// source does not say.
    ///
    /// A sleep registers only with a deadline after [`now`](TimerSource::now), so when its
    /// deadline is at or before this time it knows it has fired without asking
    /// [`update`](TimerSource::update), whose lookup of the entry is a cache miss in a
    /// queue of a million timers.
    fn fired_until(&self) -> Option<Instant> {
        None
    }
}

/// A fresh id for a [`TimerSource`], unique in this process.
///
/// # Examples
///
/// ```
/// assert_ne!(corio_time::new_source_id(), corio_time::new_source_id());
/// ```
pub fn new_source_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

thread_local! {
    static CURRENT: RefCell<Option<Current>> = const { RefCell::new(None) };
}

/// This thread's timer source, with its id read once (the id is compared on every
/// registration and cancellation; a dynamic call for it showed in a profile).
pub(crate) struct Current {
    id: u64,
    source: Rc<dyn TimerSource>,
}

impl Current {
    /// The source's [`TimerSource::id`].
    pub(crate) fn id(&self) -> u64 {
        self.id
    }
}

impl std::ops::Deref for Current {
    type Target = dyn TimerSource;

    fn deref(&self) -> &(dyn TimerSource + 'static) {
        &*self.source
    }
}

/// Makes `source` this thread's timer source until the guard is dropped.
///
/// Guards nest: dropping one restores the source that was current before it.
///
/// # Examples
///
/// See [`TimerSource`].
pub fn enter(source: Rc<dyn TimerSource>) -> EnterGuard {
    let current = Current {
        id: source.id(),
        source,
    };
    let previous = CURRENT.with(|c| c.replace(Some(current)));
    EnterGuard {
        previous,
        _not_send: PhantomData,
    }
}

/// Restores the previous timer source when dropped; see [`enter`].
///
/// # Examples
///
/// See [`TimerSource`].
#[must_use = "the source is current only while the guard lives"]
pub struct EnterGuard {
    previous: Option<Current>,
    _not_send: PhantomData<Rc<()>>,
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        // At thread exit the slot may be gone already; then there is nothing to restore.
        let _ = CURRENT.try_with(|c| *c.borrow_mut() = previous);
    }
}

impl fmt::Debug for EnterGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnterGuard").finish_non_exhaustive()
    }
}

/// Runs `f` with this thread's timer source, if any.
///
/// While the thread's locals are being destroyed (a loop left in a thread-local slot is
/// dropped at thread exit, and with it its sleeping tasks), the slot may be gone already:
/// there is no current source then, rather than a panic in the middle of a destructor.
pub(crate) fn with_current<R>(f: impl FnOnce(Option<&Current>) -> R) -> R {
    let mut f = Some(f);
    match CURRENT.try_with(|c| (f.take().expect("called once"))(c.borrow().as_ref())) {
        Ok(out) => out,
        Err(_) => (f.take().expect("not called: the slot is gone"))(None),
    }
}

/// The current time of this thread's timer source (the running loop's clock), or
/// [`Instant::now`] when there is none.
///
/// Under a virtual clock this is the loop's virtual time: compute deadlines from it, not
/// from `Instant::now()`.
///
/// # Examples
///
/// ```
/// let t = corio_time::now();
/// assert!(t <= std::time::Instant::now());
/// ```
pub fn now() -> Instant {
    with_current(|s| s.map_or_else(Instant::now, |s| s.now()))
}
