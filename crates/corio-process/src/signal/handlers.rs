//! [`SignalHandlers`]: asyncio's `loop.add_signal_handler` / `remove_signal_handler`.
//!
//! Each (loop, signal) pair has its own [`SignalPipe`]. Its reactor wakeup does not run the
//! callback: it queues a dispatch entry on the loop (`call_soon_threadsafe`, since a waker may
//! in principle be called from anywhere), and that entry, run by the loop in its order, reads
//! the pipe dry and calls the callback — asyncio's `_handle_signal` path.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use corio_runtime::{EventLoop, LoopHandle, Report, ReportKind};

use super::SignalPipe;
use crate::{IntoSignal, SignalError};

type Callback = Rc<RefCell<Box<dyn FnMut()>>>;

struct Entry {
    lp: EventLoop,
    id: u64,
    pipe: Rc<SignalPipe>,
    callback: Callback,
    waker: Waker,
}

// Per-thread, as loops are: a loop's handlers are reached from the dispatch entries it runs.
// They are keyed by the loop rather than stored in it so that the loop's core knows nothing of
// signals.
thread_local! {
    static HANDLERS: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// The pipe's waker: queues a dispatch of entry `id` on its loop.
struct Pump {
    handle: LoopHandle,
    id: u64,
}

impl Wake for Pump {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let id = self.id;
        // A closed loop has no handlers left to run.
        let _ = self.handle.call_soon_threadsafe(move || dispatch(id));
    }
}

/// Runs on the loop: reads the pipe of entry `id` and calls its callback if the signal came.
fn dispatch(id: u64) {
    let found = HANDLERS.with(|h| {
        h.borrow().iter().find(|e| e.id == id).map(|e| {
            (
                e.lp.clone(),
                e.pipe.clone(),
                e.callback.clone(),
                e.waker.clone(),
            )
        })
    });
    let Some((lp, pipe, callback, waker)) = found else {
        return; // removed meanwhile
    };
    match pipe.poll_recv(&mut Context::from_waker(&waker)) {
        Poll::Ready(Ok(())) => (callback.borrow_mut())(),
        Poll::Ready(Err(e)) => lp.call_exception_handler(&Report {
            kind: ReportKind::Io,
            message: format!("error while reading the {} pipe: {e}", pipe.signal()),
            task: None,
        }),
        Poll::Pending => {}
    }
}

/// Drops the handlers of closed loops (their pipes unregister with them).
fn prune(list: &mut Vec<Entry>) {
    list.retain(|e| !e.lp.is_closed());
}

/// asyncio's `loop.add_signal_handler` / `loop.remove_signal_handler`, for corio's
/// [`EventLoop`].
///
/// The callback runs **on the loop**, as a callback in its FIFO order, never inside the OS
/// signal handler: the OS handler only writes a byte to a pipe that the loop's reactor
/// watches. Signals that arrive while the loop is not running wait in the pipe and are handled
/// when it runs. Several deliveries before the loop gets to them may be merged into one call
/// (the OS merges pending signals of one kind, too).
///
/// **Several loops.** Unlike CPython (main thread only), any loop on any thread may add
/// handlers; each (loop, signal) pair has its own registration, so a signal reaches every loop
/// that handles it, each running its own callback. Adding a handler for a signal that already
/// has one on that loop replaces the callback. The handlers of a loop are removed by
/// `remove_signal_handler`, or, once the loop is closed, the next time this thread adds or
/// removes one (asyncio's `close()` removes them at once).
///
/// While corio has a handler for a signal, the signal's previous action does not run (it is
/// chained only if it was a handler function). When the last of corio's handlers for a signal
/// is removed, the default action comes back if the signal had it before corio first handled
/// it, as asyncio restores `SIG_DFL`.
///
/// # Examples
///
/// ```
/// use std::{cell::Cell, rc::Rc};
/// use corio_process::{Signal, SignalHandlers};
/// use corio_runtime::EventLoop;
///
/// let lp = EventLoop::new()?;
/// let got = Rc::new(Cell::new(0));
/// let (g, l) = (got.clone(), lp.clone());
/// lp.add_signal_handler(Signal::USR1, move || {
///     g.set(g.get() + 1);
///     l.stop();
/// })?;
/// rustix::process::kill_process(rustix::process::getpid(), rustix::process::Signal::USR1)?;
/// lp.run_forever()?;
/// assert_eq!(got.get(), 1);
/// assert!(lp.remove_signal_handler(Signal::USR1));
/// assert!(!lp.remove_signal_handler(Signal::USR1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait SignalHandlers {
    /// Calls `callback` on the loop each time `signal` (a [`Signal`](crate::Signal) or its number)
    /// arrives (asyncio's `loop.add_signal_handler(sig, callback)`; pass arguments by
    /// capturing them). Replaces the loop's previous callback for `signal`.
    ///
    /// # Errors
    ///
    /// [`SignalError::Forbidden`] for SIGKILL, SIGSTOP, SIGILL, SIGFPE, SIGSEGV;
    /// [`SignalError::Invalid`] for a number this system does not have;
    /// [`SignalError::Closed`] if the loop is closed; [`SignalError::Io`] if the pipe or the
    /// OS handler cannot be set up.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_process::{Signal, SignalError, SignalHandlers};
    ///
    /// let lp = corio_runtime::EventLoop::new()?;
    /// lp.add_signal_handler(Signal::TERM, || println!("SIGTERM"))?;
    /// assert!(matches!(lp.add_signal_handler(Signal::KILL, || {}), Err(SignalError::Forbidden(_))));
    /// assert!(matches!(lp.add_signal_handler(99, || {}), Err(SignalError::Invalid(99))));
    /// assert!(lp.remove_signal_handler(Signal::TERM.as_raw())); // by number too
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn add_signal_handler<F>(
        &self,
        signal: impl IntoSignal,
        callback: F,
    ) -> Result<(), SignalError>
    where
        F: FnMut() + 'static;

    /// Removes the loop's handler for `signal` (asyncio's `loop.remove_signal_handler`);
    /// whether there was one (`false` for a number that is no signal: there cannot be).
    /// With no handler left in the process for it, the signal's default action comes back
    /// (when it had the default before).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_process::{Signal, SignalHandlers};
    ///
    /// let lp = corio_runtime::EventLoop::new()?;
    /// assert!(!lp.remove_signal_handler(Signal::HUP));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn remove_signal_handler(&self, signal: impl IntoSignal) -> bool;
}

impl SignalHandlers for EventLoop {
    fn add_signal_handler<F>(&self, signal: impl IntoSignal, callback: F) -> Result<(), SignalError>
    where
        F: FnMut() + 'static,
    {
        let signal = signal.into_signal()?;
        if self.is_closed() {
            return Err(SignalError::Closed);
        }
        let callback: Box<dyn FnMut()> = Box::new(callback);
        let replaced = HANDLERS.with(|h| {
            let mut list = h.borrow_mut();
            prune(&mut list);
            match list
                .iter()
                .find(|e| e.lp == *self && e.pipe.signal() == signal)
            {
                Some(entry) => {
                    *entry.callback.borrow_mut() = callback;
                    Ok(true)
                }
                None => Err(callback),
            }
        });
        let callback = match replaced {
            Ok(_) => return Ok(()),
            Err(callback) => callback,
        };
        let pipe = Rc::new(SignalPipe::new(signal)?);
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let waker = Waker::from(Arc::new(Pump {
            handle: self.handle(),
            id,
        }));
        HANDLERS.with(|h| {
            h.borrow_mut().push(Entry {
                lp: self.clone(),
                id,
                pipe,
                callback: Rc::new(RefCell::new(callback)),
                waker,
            });
        });
        // The first dispatch registers the pipe with this loop's reactor (it runs inside the
        // loop, where that reactor is current) and handles what came meanwhile.
        if self.call_soon(move || dispatch(id)).is_err() {
            self.remove_signal_handler(signal);
            return Err(SignalError::Closed);
        }
        Ok(())
    }

    fn remove_signal_handler(&self, signal: impl IntoSignal) -> bool {
        let Ok(signal) = signal.into_signal() else {
            return false;
        };
        // Dropped outside the borrow: dropping a pipe deregisters it from the reactor.
        let removed: Vec<Entry> = HANDLERS.with(|h| {
            let mut list = h.borrow_mut();
            let (gone, kept) = std::mem::take(&mut *list)
                .into_iter()
                .partition(|e| e.lp.is_closed() || (e.lp == *self && e.pipe.signal() == signal));
            *list = kept;
            gone
        });
        removed
            .iter()
            .any(|e| e.lp == *self && e.pipe.signal() == signal)
    }
}
