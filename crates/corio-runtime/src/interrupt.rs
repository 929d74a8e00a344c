//! `KeyboardInterrupt` in Rust's shape: [`EventLoop::interrupt`] ends the loop's current run
//! with [`LoopError::Interrupted`].

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use crate::event_loop::LoopInner;
use crate::{EventLoop, LoopError};

thread_local! {
    /// The loops of this thread interrupted since their run last returned. A loop belongs to
    /// one thread, so a per-thread list is enough; it holds weak references so that a
    /// dropped loop leaves nothing behind that a later loop at the same address could match.
    static INTERRUPTED: RefCell<Vec<Weak<LoopInner>>> = const { RefCell::new(Vec::new()) };
}

impl EventLoop {
    /// Interrupts the loop's run, as a `KeyboardInterrupt` raised while the loop runs does in
    /// Python: the loop stops after the current iteration and
    /// [`run_forever`](EventLoop::run_forever) /
    /// [`run_until_complete`](EventLoop::run_until_complete) return
    /// [`LoopError::Interrupted`]. Tasks are not cancelled: they stay pending, as in Python,
    /// for the program to cancel or to run on. Called before a run, the next run returns it
    /// after one iteration.
    ///
    /// corio-process calls it from a SIGINT handler on the loop (its
    /// `KeyboardInterrupt` guard), which is Python's default Ctrl+C behaviour for programs
    /// that drive a loop themselves; [`run`](crate::run) handles Ctrl+C the way
    /// `asyncio.run` does instead (it cancels the main task).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_runtime::{EventLoop, LoopError};
    ///
    /// let lp = EventLoop::new()?;
    /// let l = lp.clone();
    /// lp.call_later(0.01, move || l.interrupt())?;
    /// let got = lp.run_until_complete(corio_runtime::sleep(std::time::Duration::from_secs(60)));
    /// assert!(matches!(got, Err(LoopError::Interrupted)));
    /// assert_eq!(lp.all_tasks().len(), 1); // the sleep is still pending
    /// # Ok::<(), LoopError>(())
    /// ```
    #[doc(alias = "KeyboardInterrupt")]
    pub fn interrupt(&self) {
        let weak = Rc::downgrade(&self.inner);
        INTERRUPTED.with(|list| {
            let mut list = list.borrow_mut();
            list.retain(|w| w.strong_count() > 0);
            if !list.iter().any(|w| w.ptr_eq(&weak)) {
                list.push(weak);
            }
        });
        self.stop();
    }

    /// `Err(Interrupted)` once after [`interrupt`](EventLoop::interrupt), then `Ok`.
    pub(crate) fn take_interrupt(&self) -> Result<(), LoopError> {
        let weak = Rc::downgrade(&self.inner);
        let was = INTERRUPTED
            .try_with(|list| {
                let mut list = list.borrow_mut();
                let before = list.len();
                list.retain(|w| w.strong_count() > 0 && !w.ptr_eq(&weak));
                list.len() != before
            })
            .unwrap_or(false);
        if was {
            Err(LoopError::Interrupted)
        } else {
            Ok(())
        }
    }
}
