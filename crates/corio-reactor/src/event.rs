//! [`Event`] and [`Events`]: what a [`Backend`](crate::Backend) reports from `wait`.

use std::slice;

use crate::Interest;

/// One readiness report: the source registered under `key` became readable
/// and/or writable.
///
/// Errors and hang-ups are reported as both readable and writable: the next
/// read or write then returns the error or the end of file.
///
/// # Examples
///
/// ```
/// use corio_reactor::{Event, Interest};
///
/// let ev = Event::new(3, Interest::READABLE);
/// assert_eq!(ev.key, 3);
/// assert!(ev.readable && !ev.writable);
/// assert_eq!(ev.interest(), Interest::READABLE);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Event {
    /// The key the source was registered under.
    pub key: usize,
    /// The source can be read without blocking (or has an error / hang-up).
    pub readable: bool,
    /// The source can be written without blocking (or has an error / hang-up).
    pub writable: bool,
    /// The source hung up or failed (`EPOLLHUP`, `EPOLLRDHUP`, `EPOLLERR`): its reads will
    /// not block again. Only backends whose [`reports_hangup`](crate::Backend::reports_hangup)
    /// is true set it; the reactor then keeps a source's readiness once it hung up.
    pub hangup: bool,
}

impl Event {
    /// An event for `key` with the directions of `ready`.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::{Event, Interest};
    ///
    /// let ev = Event::new(0, Interest::BOTH);
    /// assert!(ev.readable && ev.writable);
    /// ```
    #[must_use]
    pub const fn new(key: usize, ready: Interest) -> Event {
        Event {
            key,
            readable: ready.is_readable(),
            writable: ready.is_writable(),
            hangup: false,
        }
    }

    /// This event with [`hangup`](Event::hangup) set to `hangup`.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::{Event, Interest};
    ///
    /// let ev = Event::new(1, Interest::READABLE).with_hangup(true);
    /// assert!(ev.hangup && ev.readable);
    /// assert!(!Event::new(1, Interest::READABLE).hangup);
    /// ```
    #[must_use]
    pub const fn with_hangup(mut self, hangup: bool) -> Event {
        self.hangup = hangup;
        self
    }

    /// The reported directions as an [`Interest`].
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::{Event, Interest};
    ///
    /// assert_eq!(Event::new(1, Interest::WRITABLE).interest(), Interest::WRITABLE);
    /// ```
    #[must_use]
    pub const fn interest(&self) -> Interest {
        Interest::new(self.readable, self.writable)
    }
}

/// A reusable buffer of [`Event`]s filled by [`Backend::wait`](crate::Backend::wait).
///
/// The reactor keeps one and clears it before every wait, so a steady loop
/// allocates nothing.
///
/// # Examples
///
/// ```
/// use corio_reactor::{Event, Events, Interest};
///
/// let mut events = Events::with_capacity(16);
/// events.push(Event::new(7, Interest::READABLE));
/// assert_eq!(events.len(), 1);
/// assert_eq!(events.iter().next().map(|e| e.key), Some(7));
/// events.clear();
/// assert!(events.is_empty());
/// ```
#[derive(Debug, Default, Clone)]
pub struct Events {
    list: Vec<Event>,
}

impl Events {
    /// An empty buffer.
    ///
    /// # Examples
    ///
    /// ```
    /// let events = corio_reactor::Events::new();
    /// assert!(events.is_empty());
    /// ```
    #[must_use]
    pub fn new() -> Events {
        Events::default()
    }

    /// An empty buffer with room for `capacity` events.
    ///
    /// # Examples
    ///
    /// ```
    /// let events = corio_reactor::Events::with_capacity(64);
    /// assert_eq!(events.len(), 0);
    /// ```
    #[must_use]
    pub fn with_capacity(capacity: usize) -> Events {
        Events {
            list: Vec::with_capacity(capacity),
        }
    }

    /// Appends an event (what a backend does in `wait`).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::{Event, Events, Interest};
    ///
    /// let mut events = Events::new();
    /// events.push(Event::new(1, Interest::WRITABLE));
    /// assert_eq!(events.len(), 1);
    /// ```
    pub fn push(&mut self, event: Event) {
        self.list.push(event);
    }

    /// Removes every event, keeping the allocation.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::{Event, Events, Interest};
    ///
    /// let mut events = Events::new();
    /// events.push(Event::new(1, Interest::BOTH));
    /// events.clear();
    /// assert!(events.is_empty());
    /// ```
    pub fn clear(&mut self) {
        self.list.clear();
    }

    /// The number of events.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(corio_reactor::Events::new().len(), 0);
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether there are no events.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(corio_reactor::Events::new().is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The events, in the order the backend pushed them.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::{Event, Events, Interest};
    ///
    /// let mut events = Events::new();
    /// events.push(Event::new(1, Interest::READABLE));
    /// events.push(Event::new(2, Interest::WRITABLE));
    /// let keys: Vec<usize> = events.iter().map(|e| e.key).collect();
    /// assert_eq!(keys, [1, 2]);
    /// ```
    pub fn iter(&self) -> slice::Iter<'_, Event> {
        self.list.iter()
    }
}

impl<'a> IntoIterator for &'a Events {
    type Item = &'a Event;
    type IntoIter = slice::Iter<'a, Event>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}
