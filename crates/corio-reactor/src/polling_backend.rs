//! [`PollingBackend`]: the default [`Backend`], over the `polling` crate.

use std::fmt;
use std::io;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use polling::{PollMode, Poller};

use crate::{Backend, Event, Events, Interest, RawSource, Trigger, sys};

/// The default backend: epoll on Linux and Android, kqueue on macOS and the
/// BSDs, event ports on illumos and Solaris, through the `polling` crate.
///
/// It registers sources edge-triggered where the OS supports it (epoll,
/// kqueue) and oneshot elsewhere; see [`Trigger`].
///
/// # Examples
///
/// ```
/// use corio_reactor::{PollingBackend, Reactor};
///
/// let reactor = Reactor::with_backend(PollingBackend::new()?);
/// assert_eq!(reactor.source_count(), 0);
/// # std::io::Result::Ok(())
/// ```
pub struct PollingBackend {
    poller: Poller,
    trigger: Trigger,
    /// `polling`'s own event buffer, converted into the caller's [`Events`]
    /// after each wait. Only the loop thread waits, so the lock is uncontended.
    buffer: Mutex<polling::Events>,
}

impl PollingBackend {
    /// A backend in the best mode the OS supports (edge-triggered if it can).
    ///
    /// # Errors
    ///
    /// The OS error if the poller cannot be created (e.g. out of descriptors).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::{Backend, PollingBackend, Trigger};
    ///
    /// let backend = PollingBackend::new()?;
    /// # #[cfg(any(target_os = "linux", target_os = "macos"))]
    /// assert_eq!(backend.trigger(), Trigger::Edge);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn new() -> io::Result<PollingBackend> {
        let poller = Poller::new()?;
        let trigger = if poller.supports_edge() {
            Trigger::Edge
        } else {
            Trigger::Oneshot
        };
        Ok(PollingBackend::from_parts(poller, trigger))
    }

    /// A backend in oneshot mode even where edge-triggered mode exists: every
    /// wait on a not-ready source costs one re-arm syscall. Useful to test the
    /// oneshot path on Linux, or to compare the two modes.
    ///
    /// # Errors
    ///
    /// The OS error if the poller cannot be created.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::{Backend, PollingBackend, Trigger};
    ///
    /// assert_eq!(PollingBackend::oneshot()?.trigger(), Trigger::Oneshot);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn oneshot() -> io::Result<PollingBackend> {
        Ok(PollingBackend::from_parts(Poller::new()?, Trigger::Oneshot))
    }

    fn from_parts(poller: Poller, trigger: Trigger) -> PollingBackend {
        PollingBackend {
            poller,
            trigger,
            buffer: Mutex::new(polling::Events::new()),
        }
    }

    fn mode(&self) -> PollMode {
        match self.trigger {
            Trigger::Edge => PollMode::Edge,
            Trigger::Oneshot => PollMode::Oneshot,
        }
    }
}

fn polling_event(key: usize, interest: Interest) -> polling::Event {
    polling::Event::new(key, interest.is_readable(), interest.is_writable())
}

impl Backend for PollingBackend {
    fn register(&self, source: RawSource, key: usize, interest: Interest) -> io::Result<()> {
        sys::add(
            &self.poller,
            source,
            polling_event(key, interest),
            self.mode(),
        )
    }

    fn modify(&self, source: RawSource, key: usize, interest: Interest) -> io::Result<()> {
        let event = polling_event(key, interest);
        sys::with_borrowed(source, |fd| {
            self.poller.modify_with_mode(fd, event, self.mode())
        })
    }

    fn deregister(&self, source: RawSource) -> io::Result<()> {
        sys::with_borrowed(source, |fd| self.poller.delete(fd))
    }

    fn wait(&self, events: &mut Events, timeout: Option<Duration>) -> io::Result<usize> {
        let mut buffer = self.buffer.lock().unwrap_or_else(PoisonError::into_inner);
        buffer.clear();
        self.poller.wait(&mut buffer, timeout)?;
        for ev in buffer.iter() {
            events.push(Event::new(ev.key, Interest::new(ev.readable, ev.writable)));
        }
        Ok(buffer.len())
    }

    fn notify(&self) -> io::Result<()> {
        // `Poller::notify` already coalesces: one syscall until the next wait.
        self.poller.notify()
    }

    fn trigger(&self) -> Trigger {
        self.trigger
    }
}

impl fmt::Debug for PollingBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PollingBackend")
            .field("trigger", &self.trigger)
            .finish_non_exhaustive()
    }
}
