//! [`Signals`]: a stream of signal deliveries for async code.

use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::SignalPipe;
use crate::{Signal, SignalError};

/// Deliveries of a set of signals, as a stream for async code (`signals(...)`; tokio's
/// `signal::unix::signal`, a `Stream` of signal numbers).
///
/// Made anywhere, it registers its handlers at once (so nothing sent after `signals` returns
/// is lost); its pipes join the reactor of the loop that first polls it. Several deliveries of
/// one signal between two polls may come out as one. Dropping it unregisters its handlers.
///
/// # Examples
///
/// ```
/// use corio_process::{Signal, signals};
///
/// corio_runtime::run(async {
///     let mut sigs = signals([Signal::USR2, Signal::HUP])?;
///     rustix::process::kill_process(rustix::process::getpid(), rustix::process::Signal::USR2)?;
///     assert_eq!(sigs.recv().await?, Signal::USR2);
///     Ok::<(), Box<dyn std::error::Error>>(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
#[must_use = "signals are only seen by polling the stream"]
pub struct Signals {
    pipes: Vec<SignalPipe>,
    /// Where the next poll starts, so that a busy signal does not starve the others.
    next: usize,
}

/// A stream of the deliveries of `signals` (see [`Signals`]).
///
/// # Errors
///
/// [`SignalError::Forbidden`] for SIGKILL, SIGSTOP, SIGILL, SIGFPE, SIGSEGV;
/// [`SignalError::Invalid`] for a number this system lacks; [`SignalError::Io`] if a pipe or
/// the OS handler cannot be set up.
///
/// # Examples
///
/// ```
/// use corio_process::{Signal, SignalError, signals};
///
/// assert!(matches!(signals([Signal::STOP]), Err(SignalError::Forbidden(Signal::STOP))));
/// let sigs = signals([Signal::TERM])?;
/// # drop(sigs);
/// # Ok::<(), SignalError>(())
/// ```
pub fn signals(signals: impl IntoIterator<Item = Signal>) -> Result<Signals, SignalError> {
    let mut pipes: Vec<SignalPipe> = Vec::new();
    for signal in signals {
        if pipes.iter().all(|p| p.signal() != signal) {
            pipes.push(SignalPipe::new(signal)?);
        }
    }
    Ok(Signals { pipes, next: 0 })
}

impl Signals {
    /// Waits for the next delivery of one of the signals.
    ///
    /// # Errors
    ///
    /// An [`io::Error`] if the stream is polled outside a loop (no reactor), or its pipe fails.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a delivery is read from its pipe only in the poll that returns it.
    ///
    /// # Examples
    ///
    /// See [`Signals`].
    pub async fn recv(&mut self) -> io::Result<Signal> {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// The poll form of [`recv`](Signals::recv).
    ///
    /// # Errors
    ///
    /// As [`recv`](Signals::recv).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::task::{Context, Waker};
    /// let mut sigs = corio_process::signals([corio_process::Signal::USR1])?;
    /// let reactor = corio_reactor::Reactor::new()?;
    /// let _in = reactor.enter();
    /// assert!(sigs.poll_recv(&mut Context::from_waker(Waker::noop())).is_pending());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Signal>> {
        let n = self.pipes.len();
        for k in 0..n {
            let i = (self.next + k) % n;
            match self.pipes[i].poll_recv(cx) {
                Poll::Ready(Ok(())) => {
                    self.next = (i + 1) % n;
                    return Poll::Ready(Ok(self.pipes[i].signal()));
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => {}
            }
        }
        Poll::Pending
    }

    /// The signals this stream receives.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_process::{Signal, signals};
    /// let sigs = signals([Signal::HUP, Signal::HUP])?;
    /// assert_eq!(sigs.signals().collect::<Vec<_>>(), [Signal::HUP]);
    /// # Ok::<(), corio_process::SignalError>(())
    /// ```
    pub fn signals(&self) -> impl Iterator<Item = Signal> + '_ {
        self.pipes.iter().map(SignalPipe::signal)
    }
}

impl futures_core::Stream for Signals {
    type Item = io::Result<Signal>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_recv(cx).map(Some)
    }
}
