//! [`SignalPipe`]: one signal delivered through signal-hook's self-pipe to a reactor; and the
//! bookkeeping that puts a signal's default action back when corio's last handler for it
//! goes (asyncio's `remove_signal_handler` restores `SIG_DFL`; signal-hook alone never does).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::{self, Read};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use corio_reactor::Async;
use signal_hook::SigId;

use crate::{Signal, SignalError};

/// The read end: plain until first polled, then registered with the reactor current at that
/// time (the loop that polls it), so that a pipe can be made before its loop runs.
#[derive(Debug)]
enum Reader {
    Plain(UnixStream),
    Armed(Async<UnixStream>),
    Gone,
}

/// One registration of a signal: the OS handler writes a byte to this pipe on each delivery.
/// Dropping it unregisters the action (closing the write end) and closes the read end.
#[derive(Debug)]
pub(crate) struct SignalPipe {
    signal: Signal,
    id: SigId,
    reader: RefCell<Reader>,
}

impl SignalPipe {
    /// Registers a handler for `signal` that wakes this pipe.
    pub(crate) fn new(signal: Signal) -> Result<SignalPipe, SignalError> {
        signal.check_handleable()?;
        let (reader, writer) = UnixStream::pair()?;
        reader.set_nonblocking(true)?;
        subscribe(signal)?;
        match signal_hook::low_level::pipe::register(signal.as_raw(), writer) {
            Ok(id) => Ok(SignalPipe {
                signal,
                id,
                reader: RefCell::new(Reader::Plain(reader)),
            }),
            Err(e) => {
                unsubscribe(signal);
                Err(invalid_or_io(signal, e))
            }
        }
    }

    /// `Ready(Ok(()))` if the signal came since the last call (the pipe is read dry first, as
    /// signal-hook's docs ask); otherwise registers `cx`'s waker and stays pending.
    pub(crate) fn poll_recv(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut reader = self.reader.borrow_mut();
        if let Reader::Plain(_) = &*reader {
            let Reader::Plain(plain) = std::mem::replace(&mut *reader, Reader::Gone) else {
                unreachable!("checked above")
            };
            *reader = Reader::Armed(Async::new(plain)?);
        }
        let Reader::Armed(pipe) = &*reader else {
            return Poll::Ready(Err(io::Error::other("signal pipe lost")));
        };
        let mut got = false;
        let mut buf = [0; 64];
        loop {
            match pipe.poll_read_with(cx, |r| {
                let mut r: &UnixStream = r;
                r.read(&mut buf)
            }) {
                Poll::Ready(Ok(0)) => {
                    return Poll::Ready(Err(io::Error::other("signal pipe closed")));
                }
                Poll::Ready(Ok(_)) => got = true,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => break,
            }
        }
        if got {
            Poll::Ready(Ok(()))
        } else {
            Poll::Pending
        }
    }

    /// The signal.
    pub(crate) fn signal(&self) -> Signal {
        self.signal
    }
}

impl Drop for SignalPipe {
    fn drop(&mut self) {
        signal_hook::low_level::unregister(self.id);
        unsubscribe(self.signal);
    }
}

fn invalid_or_io(signal: Signal, e: io::Error) -> SignalError {
    if e.raw_os_error() == Some(rustix::io::Errno::INVAL.raw_os_error()) {
        SignalError::Invalid(signal.as_raw())
    } else {
        SignalError::Io(e)
    }
}

/// corio's subscriptions to one signal.
struct Slot {
    count: usize,
    /// Set while corio has no subscription, if the signal had its default disposition before
    /// corio first handled it: signal-hook's handler then runs the default action.
    restore_default: Option<Arc<AtomicBool>>,
}

static SLOTS: Mutex<BTreeMap<i32, Slot>> = Mutex::new(BTreeMap::new());

fn subscribe(signal: Signal) -> Result<(), SignalError> {
    let mut slots = SLOTS.lock().unwrap_or_else(PoisonError::into_inner);
    let slot = match slots.entry(signal.as_raw()) {
        std::collections::btree_map::Entry::Occupied(slot) => slot.into_mut(),
        std::collections::btree_map::Entry::Vacant(vacant) => {
            let was_default = corio_signal::has_default_disposition(signal.as_raw())
                .map_err(|e| invalid_or_io(signal, e))?;
            // Registered once, before any of corio's actions, for the life of the process
            // (signal-hook cannot uninstall its handler): it runs the default action only
            // while the flag says corio has no handler. signal-hook emulates the named
            // signals' defaults; a real-time signal's (ending the process) comes from
            // corio-signal.
            let restore_default = was_default
                .then(|| {
                    let flag = Arc::new(AtomicBool::new(false));
                    let registered = if signal.is_realtime() {
                        corio_signal::terminate_while(signal.as_raw(), flag.clone()).is_ok()
                    } else {
                        signal_hook::flag::register_conditional_default(
                            signal.as_raw(),
                            flag.clone(),
                        )
                        .is_ok()
                    };
                    registered.then_some(flag)
                })
                .flatten();
            vacant.insert(Slot {
                count: 0,
                restore_default,
            })
        }
    };
    slot.count += 1;
    if let Some(flag) = &slot.restore_default {
        flag.store(false, Ordering::SeqCst);
    }
    Ok(())
}

fn unsubscribe(signal: Signal) {
    let mut slots = SLOTS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(slot) = slots.get_mut(&signal.as_raw()) {
        slot.count = slot.count.saturating_sub(1);
        if slot.count == 0
            && let Some(flag) = &slot.restore_default
        {
            flag.store(true, Ordering::SeqCst);
        }
    }
}
