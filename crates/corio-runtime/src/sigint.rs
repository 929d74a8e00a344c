//! Ctrl+C in [`run`](crate::run), as asyncio.Runner handles it: the first SIGINT cancels the
//! main task, a second one ends the process, the previous disposition is put back at the end.
//!
//! The handler is corio-signal's [`InterruptCatcher`] (a raw disposition that counts SIGINT
//! and writes a byte to a pipe). The main future is wrapped in [`Interruptible`], which
//! watches that pipe through the loop's reactor: the wakeup lands in the main task's own step,
//! on the loop's thread, in its order, and the wrapper drops the inner future there — corio's
//! cancellation (its destructors are the cleanup) — and ends with [`Interrupted`].

use std::future::Future;
use std::io::Read;
use std::os::unix::net::UnixStream;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use corio_reactor::Async;
use corio_signal::InterruptCatcher;

use crate::EventLoop;

/// The main task was cancelled by the first SIGINT.
pub(crate) struct Interrupted;

/// The SIGINT watch of one `run`.
pub(crate) struct MainInterrupt {
    /// Dropped last (field order): the disposition is restored after the pipe is deregistered.
    pipe: Async<&'static UnixStream>,
    catcher: InterruptCatcher,
}

impl MainInterrupt {
    /// Installs the catcher where asyncio.Runner would (main thread, SIGINT still default);
    /// `None` elsewhere, and when the pipe cannot be watched (the run then goes on without
    /// Ctrl+C handling, as a run off the main thread does).
    pub(crate) fn install(lp: &EventLoop) -> Option<Rc<MainInterrupt>> {
        let catcher = InterruptCatcher::install().ok().flatten()?;
        let pipe = Async::with_reactor(catcher.reader(), &lp.inner.reactor).ok()?;
        Some(Rc::new(MainInterrupt { pipe, catcher }))
    }

    /// Ready once a SIGINT came; registers `cx`'s waker on the pipe otherwise. Costs an
    /// atomic load and the reactor's cached-readiness check per poll, no syscall.
    fn poll_fired(&self, cx: &mut Context<'_>) -> Poll<()> {
        // The handler counts before it writes, so a wakeup always finds the count raised.
        if self.catcher.count() > 0 {
            self.catcher.drain();
            return Poll::Ready(());
        }
        if self.pipe.poll_readable(cx).is_ready() {
            // Readable without a SIGINT counted: stale bytes. Read them through the reactor so
            // that its cached readiness is cleared and the waker stays registered.
            let mut buf = [0; 16];
            while let Poll::Ready(Ok(n)) = self.pipe.poll_read_with(cx, |r| {
                let mut r: &UnixStream = r;
                r.read(&mut buf)
            }) {
                if n == 0 {
                    break;
                }
            }
        }
        Poll::Pending
    }

    /// From now on a SIGINT ends the process (the main task is done).
    pub(crate) fn set_fatal(&self) {
        self.catcher.set_fatal();
    }
}

/// The main future, cancelled (dropped) by the first SIGINT.
pub(crate) struct Interruptible<F> {
    inner: Option<Pin<Box<F>>>,
    watch: Option<Rc<MainInterrupt>>,
}

impl<F> Interruptible<F> {
    pub(crate) fn new(inner: F, watch: Option<Rc<MainInterrupt>>) -> Interruptible<F> {
        Interruptible {
            inner: Some(Box::pin(inner)),
            watch,
        }
    }
}

impl<F: Future> Future for Interruptible<F> {
    type Output = Result<F::Output, Interrupted>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let Some(inner) = this.inner.as_mut() else {
            return Poll::Ready(Err(Interrupted));
        };
        if let Some(watch) = &this.watch
            && watch.poll_fired(cx).is_ready()
        {
            // asyncio cancels the main task; corio's cancellation is the drop of the future.
            this.inner = None;
            return Poll::Ready(Err(Interrupted));
        }
        inner.as_mut().poll(cx).map(Ok)
    }
}
