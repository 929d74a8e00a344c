//! Which loop handles own the loop: the rule that keeps a task holding its own loop from
//! leaking it (issue 6, defect 4).
//!
//! A task that holds a clone of its loop (`get_running_loop()` kept across an await) and the
//! loop that holds the task form a reference cycle. So handles come in two kinds:
//!
//! - **owning**: the handle `EventLoop::new` returns, and every clone made while the loop is
//!   not running (user code outside the loop, `set_event_loop`, `get_event_loop`);
//! - **not owning**: handles made while the loop runs, from inside its tasks and callbacks
//!   (`get_running_loop()`, `get_event_loop()` in a task, a `clone()` in a callback).
//!
//! Both keep the loop's memory alive, but only owning handles keep its tasks: when the last
//! owning handle is dropped, the loop is closed (as [`EventLoop::close`]), which drops its
//! tasks and callbacks, and with them the handles they held, so the loop is freed. A handle
//! that is not owning and outlives every owning one sees a closed loop.

use std::cell::Cell;
use std::rc::Rc;

use crate::EventLoop;
use crate::event_loop::LoopInner;

/// The number of owning handles of a loop; see the module docs.
#[derive(Debug)]
pub(crate) struct Owners(Cell<usize>);

impl Owners {
    /// The count of a new loop, whose first handle owns it.
    pub(crate) fn one() -> Owners {
        Owners(Cell::new(1))
    }

    /// Whether no owning handle is left.
    pub(crate) fn none_left(&self) -> bool {
        self.0.get() == 0
    }
}

impl EventLoop {
    /// The first, owning, handle of a new loop.
    pub(crate) fn owning(inner: Rc<LoopInner>) -> EventLoop {
        debug_assert_eq!(inner.owners.0.get(), 1);
        EventLoop {
            inner,
            owning: true,
        }
    }

    /// A handle for the loop's own machinery (its hooks), which must not keep it alive.
    pub(crate) fn not_owning(inner: Rc<LoopInner>) -> EventLoop {
        EventLoop {
            inner,
            owning: false,
        }
    }
}

impl Clone for EventLoop {
    fn clone(&self) -> Self {
        // While the loop runs, the caller is one of its tasks or callbacks (the loop is
        // `!Send`, so it runs on this thread): such a clone must not keep those alive.
        let owning = !self.is_running();
        if owning {
            let owners = &self.inner.owners.0;
            owners.set(owners.get() + 1);
        }
        EventLoop {
            inner: self.inner.clone(),
            owning,
        }
    }
}

impl Drop for EventLoop {
    fn drop(&mut self) {
        if !self.owning {
            return;
        }
        let owners = &self.inner.owners.0;
        owners.set(owners.get() - 1);
        // A loop that runs is closed when its run ends (`run_forever` checks).
        if owners.get() == 0 && !self.is_running() {
            // Cannot fail: the loop is not running. Dropping the tasks drops the handles they
            // hold, and then the last reference to the loop.
            let _ = self.close();
        }
    }
}
