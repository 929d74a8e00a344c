//! [`Event`]: asyncio's event flag.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use event_listener::EventListener;

use crate::shim::{AtomicBool, Ordering};

/// asyncio's `Event`: a flag that tasks can wait for.
///
/// [`set`](Event::set) raises the flag and wakes every waiter;
/// [`wait`](Event::wait) returns at once while the flag is set;
/// [`clear`](Event::clear) lowers it so that later waits block again.
///
/// A waiter woken by `set` completes even if the flag is cleared before it
/// runs, as in asyncio: a `set(); clear()` pair wakes everyone waiting.
///
/// Built on `event-listener`, whose "notify everyone" is exactly this.
///
/// # Examples
///
/// ```
/// use corio_sync::Event;
///
/// # futures_lite::future::block_on(async {
/// let event = Event::new();
/// assert!(!event.is_set());
/// event.set();
/// event.wait().await; // returns at once
/// event.clear();
/// assert!(!event.is_set());
/// # });
/// ```
pub struct Event {
    flag: AtomicBool,
    /// Notified (everyone) on each `set` that raises the flag.
    listeners: event_listener::Event,
}

impl Event {
    /// A new event, not set.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!corio_sync::Event::new().is_set());
    /// ```
    pub fn new() -> Event {
        Event {
            flag: AtomicBool::new(false),
            listeners: event_listener::Event::new(),
        }
    }

    /// Sets the flag and wakes every task waiting in [`wait`](Event::wait).
    ///
    /// Callable from any task, callback or thread.
    ///
    /// # Examples
    ///
    /// ```
    /// let event = corio_sync::Event::new();
    /// event.set();
    /// assert!(event.is_set());
    /// ```
    pub fn set(&self) {
        // SeqCst pairs with the SeqCst load in `EventWait::poll` after
        // `listen()`: either the waiter sees the flag or it is notified.
        if !self.flag.swap(true, Ordering::SeqCst) {
            self.listeners.notify(usize::MAX);
        }
    }

    /// Lowers the flag: later waits block until the next [`set`](Event::set).
    ///
    /// # Examples
    ///
    /// ```
    /// let event = corio_sync::Event::new();
    /// event.set();
    /// event.clear();
    /// assert!(!event.is_set());
    /// ```
    pub fn clear(&self) {
        self.flag.store(false, Ordering::SeqCst);
    }

    /// Whether the flag is set.
    ///
    /// # Examples
    ///
    /// ```
    /// let event = corio_sync::Event::new();
    /// assert!(!event.is_set());
    /// ```
    pub fn is_set(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }

    /// Waits until the flag is set; returns at once if it already is.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a dropped wait takes nothing from other waiters (every
    /// waiter is woken by `set`).
    ///
    /// # Examples
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// let event = corio_sync::Event::new();
    /// event.set();
    /// event.wait().await;
    /// # });
    /// ```
    pub fn wait(&self) -> EventWait<'_> {
        EventWait {
            event: self,
            listener: None,
        }
    }
}

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("is_set", &self.is_set())
            .finish()
    }
}

/// Future of [`Event::wait`].
///
/// # Cancel safety
///
/// Cancel safe: dropping it affects no other waiter.
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// let event = corio_sync::Event::new();
/// let wait: corio_sync::EventWait<'_> = event.wait();
/// event.set();
/// wait.await;
/// # });
/// ```
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct EventWait<'a> {
    event: &'a Event,
    /// Registered on the first poll that finds the flag down; once it fires,
    /// the wait is over whatever the flag says by then.
    listener: Option<EventListener>,
}

impl Future for EventWait<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.listener.is_none() {
            if self.event.is_set() {
                return Poll::Ready(());
            }
            let listener = self.event.listeners.listen();
            // Re-check after registering: a `set` in between may have
            // notified before we listened.
            if self.event.is_set() {
                return Poll::Ready(());
            }
            self.listener = Some(listener);
        }
        let listener = self.listener.as_mut().expect("listener registered above");
        match Pin::new(listener).poll(cx) {
            Poll::Ready(()) => {
                self.listener = None;
                Poll::Ready(())
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl fmt::Debug for EventWait<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventWait").finish_non_exhaustive()
    }
}
