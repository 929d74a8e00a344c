//! [`Control`]: what every transport's handles and task share, stream or datagram: the
//! close and abort requests, whether the connection is lost, the task's waker, and the
//! write flow-control marks.

use std::cell::{Cell, RefCell};
use std::task::Waker;

/// asyncio's default high-water mark for a transport's write buffer (64 KiB); the low-water
/// mark defaults to a quarter of the high one.
pub(crate) const DEFAULT_HIGH_WATER: usize = 64 * 1024;

/// A transport's lifecycle and flow-control state. Every field is read and written on the
/// loop's thread only (the transports are `!Send`), and never borrowed across a protocol
/// callback.
pub(crate) struct Control {
    /// `close()` was called: send what is queued, then close.
    pub(crate) closing: Cell<bool>,
    /// `abort()` was called: close now, dropping what is queued.
    pub(crate) aborted: Cell<bool>,
    /// The connection is gone (`connection_lost` ran or is running).
    pub(crate) lost: Cell<bool>,
    /// The transport task's waker, to run it when a handle changed something.
    waker: RefCell<Option<Waker>>,
    /// Flow-control marks: the protocol is paused above `high` and resumed at `low` or below.
    pub(crate) high: Cell<usize>,
    pub(crate) low: Cell<usize>,
    /// `pause_writing` was called and `resume_writing` not yet.
    protocol_paused: Cell<bool>,
}

/// What [`Control::flow_control`] tells the task to call on its protocol.
pub(crate) enum Flow {
    /// `pause_writing`: the queue went above the high mark.
    Pause,
    /// `resume_writing`: the queue drained to the low mark.
    Resume,
}

impl Control {
    pub(crate) fn new() -> Control {
        Control {
            closing: Cell::new(false),
            aborted: Cell::new(false),
            lost: Cell::new(false),
            waker: RefCell::new(None),
            high: Cell::new(DEFAULT_HIGH_WATER),
            low: Cell::new(DEFAULT_HIGH_WATER / 4),
            protocol_paused: Cell::new(false),
        }
    }

    /// Runs the transport task (it re-reads every flag when it runs).
    pub(crate) fn wake(&self) {
        if let Some(w) = self.waker.borrow().as_ref() {
            w.wake_by_ref();
        }
    }

    /// Keeps `waker` as the task's (no clone when it wakes the same task already).
    pub(crate) fn register(&self, waker: &Waker) {
        let mut slot = self.waker.borrow_mut();
        if !slot.as_ref().is_some_and(|w| w.will_wake(waker)) {
            *slot = Some(waker.clone());
        }
    }

    /// The task's end: the connection is lost and no handle can wake the task any more.
    pub(crate) fn set_lost(&self) {
        self.lost.set(true);
        self.waker.borrow_mut().take();
    }

    /// asyncio's `close`: the task sends what is queued, then closes.
    pub(crate) fn close(&self) {
        self.closing.set(true);
        self.wake();
    }

    /// asyncio's `abort`: the task closes now, dropping what is queued.
    pub(crate) fn abort(&self) {
        self.aborted.set(true);
        self.wake();
    }

    /// Whether `close()` or `abort()` was called or the connection is lost.
    pub(crate) fn is_closing(&self) -> bool {
        self.closing.get() || self.aborted.get() || self.lost.get()
    }

    /// Pauses or resumes the protocol's writing against the marks, with `size` bytes
    /// queued (asyncio's `_maybe_pause_protocol` / `_maybe_resume_protocol`): says which
    /// callback is due, if any, and records it.
    pub(crate) fn flow_control(&self, size: usize) -> Option<Flow> {
        if !self.protocol_paused.get() && size > self.high.get() {
            self.protocol_paused.set(true);
            Some(Flow::Pause)
        } else if self.protocol_paused.get() && size <= self.low.get() {
            self.protocol_paused.set(false);
            Some(Flow::Resume)
        } else {
            None
        }
    }
}
