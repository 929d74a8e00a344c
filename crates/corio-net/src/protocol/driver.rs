//! The task that runs a stream transport: it moves bytes between the socket and the protocol
//! and calls the protocol back in asyncio's order.

use std::cell::RefCell;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use futures_io::{AsyncRead, AsyncWrite};

use super::control::Flow;
use super::transport::{Kind, TransportState};
use super::{BaseProtocol, BufferedProtocol, Protocol};

/// How much a [`Protocol`]'s transport reads at once (asyncio's selector transport reads
/// 256 KiB; 64 KiB keeps the per-connection buffer at the size of a socket buffer).
const READ_SIZE: usize = 64 * 1024;

/// Reads per run of the task before it yields, so that one busy connection does not hold
/// the loop (tokio's cooperative budget plays this part).
const READ_BUDGET: usize = 16;

/// A [`Protocol`] seen by the task.
pub(crate) struct Plain<P>(pub(crate) Rc<RefCell<P>>);
/// A [`BufferedProtocol`] seen by the task.
pub(crate) struct Buffered<P>(pub(crate) Rc<RefCell<P>>);

/// How the task sees a protocol: the one difference between [`Protocol`] and
/// [`BufferedProtocol`] is how bytes reach it.
pub(crate) trait Shared {
    type P: BaseProtocol;
    fn cell(&self) -> &RefCell<Self::P>;
    fn receive<S: AsyncRead + Unpin>(
        &self,
        scratch: &mut Vec<u8>,
        stream: &mut S,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<usize>>;
    fn eof(&self) -> bool;
}

impl<P: Protocol> Shared for Plain<P> {
    type P = P;
    fn cell(&self) -> &RefCell<P> {
        &self.0
    }
    fn receive<S: AsyncRead + Unpin>(
        &self,
        scratch: &mut Vec<u8>,
        stream: &mut S,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<usize>> {
        if scratch.len() < READ_SIZE {
            scratch.resize(READ_SIZE, 0);
        }
        let read = Pin::new(stream).poll_read(cx, scratch);
        delivered(read, |n| self.0.borrow_mut().data_received(&scratch[..n]))
    }
    fn eof(&self) -> bool {
        self.0.borrow_mut().eof_received()
    }
}

impl<P: BufferedProtocol> Shared for Buffered<P> {
    type P = P;
    fn cell(&self) -> &RefCell<P> {
        &self.0
    }
    fn receive<S: AsyncRead + Unpin>(
        &self,
        _scratch: &mut Vec<u8>,
        stream: &mut S,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<usize>> {
        let mut p = self.0.borrow_mut();
        let buf = p.get_buffer(READ_SIZE);
        if buf.is_empty() {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "get_buffer() returned an empty buffer",
            )));
        }
        let read = Pin::new(stream).poll_read(cx, buf);
        delivered(read, |n| p.buffer_updated(n))
    }
    fn eof(&self) -> bool {
        BufferedProtocol::eof_received(&mut *self.0.borrow_mut())
    }
}

/// `read`, after `deliver` handed the protocol the `n > 0` bytes it read; end-of-file, an
/// error and `Pending` pass through untouched.
fn delivered(
    read: Poll<io::Result<usize>>,
    deliver: impl FnOnce(usize),
) -> Poll<io::Result<usize>> {
    if let Poll::Ready(Ok(n)) = read
        && n > 0
    {
        deliver(n);
    }
    read
}

/// The transport task: owns the socket; ends after calling `connection_lost`.
pub(crate) struct Driver<S, K> {
    stream: Option<S>,
    protocol: K,
    state: Rc<TransportState>,
    scratch: Vec<u8>,
    /// The peer's end-of-file was read (reading stops).
    eof_read: bool,
    /// The writing side was shut (after `write_eof`, or on the way to a clean close).
    eof_written: bool,
}

impl<S, K> Driver<S, K>
where
    S: AsyncRead + AsyncWrite + Unpin,
    K: Shared,
{
    pub(crate) fn new(stream: S, protocol: K, state: Rc<TransportState>) -> Driver<S, K> {
        Driver {
            stream: Some(stream),
            protocol,
            state,
            scratch: Vec::new(),
            eof_read: false,
            eof_written: false,
        }
    }

    /// Closes the socket (by dropping it) and calls `connection_lost` once.
    fn finish(&mut self, error: Option<io::Error>) -> Poll<()> {
        self.stream = None;
        self.state.raw.borrow_mut().take();
        self.state.ctl.set_lost();
        self.state.buf.borrow_mut().clear();
        self.state.sent.set(0);
        if let Some(w) = self.state.sendfile_waker.borrow_mut().take() {
            w.wake();
        }
        self.protocol.cell().borrow_mut().connection_lost(error);
        Poll::Ready(())
    }

    /// Sends what is queued. `Ready(Err)` is a write error; `Pending` means the socket is full
    /// (the task is registered for writability); `Ready(Ok)` means the queue is empty.
    fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let Some(stream) = self.stream.as_mut() else {
            return Poll::Ready(Ok(()));
        };
        if self.state.sendfile_active.get() {
            // `sendfile(2)` owns the socket's writing side; its end wakes the task.
            return Poll::Pending;
        }
        loop {
            let n = {
                let buf = self.state.buf.borrow();
                let pending = &buf[self.state.sent.get()..];
                if pending.is_empty() {
                    break;
                }
                match Pin::new(&mut *stream).poll_write(cx, pending) {
                    Poll::Ready(Ok(0)) => {
                        return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
                    }
                    Poll::Ready(Ok(n)) => n,
                    Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => return Poll::Pending,
                }
            };
            self.state.sent.set(self.state.sent.get() + n);
        }
        // Empty: reuse the allocation from the start.
        self.state.buf.borrow_mut().clear();
        self.state.sent.set(0);
        Poll::Ready(Ok(()))
    }

    /// Pauses or resumes the protocol's writing against the marks (asyncio's
    /// `_maybe_pause_protocol` / `_maybe_resume_protocol`).
    fn flow_control(&mut self) {
        match self.state.ctl.flow_control(self.state.pending()) {
            Some(Flow::Pause) => self.protocol.cell().borrow_mut().pause_writing(),
            Some(Flow::Resume) => self.protocol.cell().borrow_mut().resume_writing(),
            None => {}
        }
    }
}

impl<S, K> Future for Driver<S, K>
where
    S: AsyncRead + AsyncWrite + Unpin,
    K: Shared + Unpin,
{
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        if this.stream.is_none() {
            return Poll::Ready(());
        }
        this.state.ctl.register(cx.waker());
        let mut reads = 0;
        loop {
            if this.state.ctl.aborted.get() {
                return this.finish(None);
            }
            // A write queued by a callback may have crossed the high-water mark.
            this.flow_control();
            let flushed = match this.poll_flush(cx) {
                Poll::Ready(Ok(())) => true,
                Poll::Ready(Err(e)) => return this.finish(Some(e)),
                Poll::Pending => false,
            };
            this.flow_control();
            // A `sendfile` waits for the queue to drain to the low mark (or to empty):
            // wake it only then, or a full socket would bounce the two tasks.
            if this.state.pending() <= this.state.ctl.low.get()
                && let Some(w) = this.state.sendfile_waker.borrow_mut().take()
            {
                w.wake();
            }
            if this.state.ctl.aborted.get() {
                return this.finish(None);
            }
            if flushed && this.state.ctl.closing.get() {
                // Shut the writing side before closing: for TLS this sends close_notify,
                // which a peer needs to tell a clean end from a truncation. An error here
                // changes nothing: the connection closes anyway.
                if !this.eof_written {
                    let stream = this.stream.as_mut().map(Pin::new);
                    if let Some(Poll::Pending) = stream.map(|s| s.poll_close(cx)) {
                        return Poll::Pending;
                    }
                    this.eof_written = true;
                }
                return this.finish(None);
            }
            if flushed && this.state.eof_requested.get() && !this.eof_written {
                let stream = this.stream.as_mut().map(Pin::new);
                match stream.map(|s| s.poll_close(cx)) {
                    Some(Poll::Ready(Ok(()))) | None => this.eof_written = true,
                    Some(Poll::Ready(Err(e))) => return this.finish(Some(e)),
                    Some(Poll::Pending) => {}
                }
            }
            if this.eof_read && this.eof_written {
                // Both directions are shut: nothing more can happen on this connection.
                return this.finish(None);
            }
            if this.eof_read || this.state.reading_paused.get() || this.state.ctl.closing.get() {
                return Poll::Pending;
            }
            if reads == READ_BUDGET {
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            let Some(stream) = this.stream.as_mut() else {
                return Poll::Ready(());
            };
            match this.protocol.receive(&mut this.scratch, stream, cx) {
                Poll::Ready(Ok(0)) => {
                    this.eof_read = true;
                    // On a read pipe, end-of-file always ends the transport: asyncio ignores
                    // `eof_received`'s answer there (no other direction to keep open).
                    let keep_open = this.protocol.eof();
                    if !keep_open || this.state.kind.get() == Kind::ReadPipe {
                        this.state.ctl.closing.set(true);
                    }
                }
                Poll::Ready(Ok(_)) => reads += 1,
                Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
                Poll::Ready(Err(e)) => return this.finish(Some(e)),
                Poll::Pending => {
                    // Nothing to read; a write queued by this run's callbacks was flushed
                    // above, unless the socket is full (then the write side is registered).
                    if this.state.pending() > 0 && flushed {
                        continue;
                    }
                    return Poll::Pending;
                }
            }
        }
    }
}
