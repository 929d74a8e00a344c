//! [`StreamWriter`]: asyncio's buffered writer with flow control, over any futures-io
//! `AsyncWrite`.
//!
//! The writer is asyncio's transport and `StreamWriter` in one. `write` is not async: it
//! tries to send at once (asyncio's transports do the same) and buffers what the stream
//! does not take. A flusher task on the running loop sends the buffer as the stream
//! accepts it, so data goes out without anyone awaiting anything; `drain` waits while the
//! buffer is above the high-water mark, until it falls to the low-water mark. Without a
//! running loop (under another executor), `drain`, `write_eof` and `wait_closed` send the
//! buffer themselves.

use std::cell::RefCell;
use std::fmt;
use std::future::{Future, poll_fn};
use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use futures_io::AsyncWrite;

use crate::{ExtraInfo, WriteError};

/// The writer half [`open_connection`](crate::open_connection) and the servers hand out:
/// any byte stream, boxed.
///
/// # Examples
///
/// ```
/// let io: corio_net::BoxWrite = Box::new(futures_lite::io::sink());
/// let writer: corio_net::StreamWriter = corio_net::StreamWriter::new(io);
/// # drop(writer);
/// ```
pub type BoxWrite = Box<dyn AsyncWrite + Send + Unpin + 'static>;

/// asyncio's default high-water mark: 64 KiB (the low mark is a quarter of it).
const DEFAULT_HIGH: usize = 64 * 1024;

/// `set_write_buffer_limits` was given a low mark above the high mark (asyncio's
/// `ValueError`).
///
/// # Examples
///
/// ```
/// let writer = corio_net::StreamWriter::new(futures_lite::io::sink());
/// let err = writer.set_write_buffer_limits(Some(10), Some(20)).unwrap_err();
/// assert_eq!((err.high, err.low), (10, 20));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("high ({high}) must be >= low ({low})")]
pub struct WriteLimitsError {
    /// The high mark asked for.
    pub high: usize,
    /// The low mark asked for.
    pub low: usize,
}

/// asyncio's `StreamWriter` over any futures-io [`AsyncWrite`]: a TCP or Unix stream, a
/// TLS stream, a pipe to a child process.
///
/// - [`write`](StreamWriter::write) and [`writelines`](StreamWriter::writelines) are not
///   async: they send what the stream takes at once and buffer the rest, which a flusher
///   task of the running loop sends in the background.
/// - [`drain`](StreamWriter::drain) is the flow control: it returns at once while the
///   buffer is at or below the high-water mark (64 KiB), and otherwise waits until it falls
///   to the low-water mark (16 KiB). A writer that awaits `drain` after each write keeps
///   its memory bounded however slow the peer is. It reports a failed connection.
/// - [`close`](StreamWriter::close) sends what is buffered, then shuts the stream's write
///   side (FIN for a socket, `close_notify` for TLS) and lets go of it;
///   [`wait_closed`](StreamWriter::wait_closed) waits for that.
///
/// Clones share the writer (as Python code shares one writer object between tasks). It
/// belongs to its loop's thread (`!Send`), like asyncio's:
///
/// ```compile_fail
/// fn send<T: Send>() {}
/// send::<corio_net::StreamWriter>();
/// ```
///
/// # Examples
///
/// ```
/// use corio_net::{StreamReader, StreamWriter};
///
/// # corio_runtime::run(async {
/// let (a, b) = corio_net::UnixStream::pair()?;
/// let writer = StreamWriter::new(a);
/// writer.write(b"hello\n").unwrap();
/// writer.writelines([&b"wor"[..], b"ld\n"]).unwrap();
/// writer.drain().await?;
/// writer.close();
/// writer.wait_closed().await?;
///
/// let mut reader = StreamReader::new(b);
/// assert_eq!(reader.readline().await.unwrap(), b"hello\n");
/// assert_eq!(reader.readline().await.unwrap(), b"world\n");
/// assert!(reader.readline().await.unwrap().is_empty()); // EOF after close
/// # std::io::Result::Ok(())
/// # })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct StreamWriter<W = BoxWrite> {
    shared: Rc<RefCell<Shared<W>>>,
    info: Rc<ExtraInfo>,
}

impl<W> Clone for StreamWriter<W> {
    fn clone(&self) -> Self {
        StreamWriter {
            shared: Rc::clone(&self.shared),
            info: Rc::clone(&self.info),
        }
    }
}

struct Shared<W> {
    /// The stream; `None` once closed (or failed): dropping it closes the descriptor
    /// when no reader half holds it too.
    io: Option<W>,
    /// Bytes written but not yet taken by the stream: `buf[pos..]`.
    buf: Vec<u8>,
    pos: usize,
    high: usize,
    low: usize,
    /// The buffer went above `high` and has not yet fallen to `low`: `drain` waits.
    paused: bool,
    /// The stream took bytes into a buffer of its own (TLS, `BufWriter`) and its
    /// `poll_flush` has not finished since: the flusher must flush it.
    unflushed: bool,
    can_write_eof: bool,
    /// `write_eof` was called; `eof_sent` once the stream's `poll_close` finished.
    eof_requested: bool,
    eof_sent: bool,
    /// `close` was called; `closed` once the buffer is out and the stream is let go.
    closing: bool,
    closed: bool,
    /// The connection failed: the buffer is dropped, `drain`/`wait_closed` report it.
    error: Option<(io::ErrorKind, String)>,
    /// A flusher task of the running loop is sending the buffer.
    flusher: bool,
    drain_wakers: Vec<Waker>,
    close_wakers: Vec<Waker>,
}

impl<W: AsyncWrite + Unpin + 'static> StreamWriter<W> {
    /// A writer over `io`, with no connection details (see
    /// [`with_info`](StreamWriter::with_info)).
    ///
    /// # Examples
    ///
    /// ```
    /// let writer = corio_net::StreamWriter::new(futures_lite::io::sink());
    /// assert!(!writer.is_closing());
    /// ```
    pub fn new(io: W) -> StreamWriter<W> {
        StreamWriter::with_info(io, ExtraInfo::new(), true)
    }

    /// A writer over `io` with what [`get_extra_info`](StreamWriter::get_extra_info)
    /// answers, and whether [`write_eof`](StreamWriter::write_eof) is possible (it shuts
    /// the stream's write side with `poll_close`, leaving the read side open; false for
    /// TLS, as in asyncio).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_net::{ExtraInfo, StreamWriter};
    ///
    /// let info = ExtraInfo::new().with_peername(std::net::SocketAddr::from(([127, 0, 0, 1], 9)));
    /// let writer = StreamWriter::with_info(futures_lite::io::sink(), info, false);
    /// assert!(writer.get_extra_info().peername().is_some());
    /// assert!(!writer.can_write_eof());
    /// ```
    pub fn with_info(io: W, info: ExtraInfo, can_write_eof: bool) -> StreamWriter<W> {
        StreamWriter {
            shared: Rc::new(RefCell::new(Shared {
                io: Some(io),
                buf: Vec::new(),
                pos: 0,
                high: DEFAULT_HIGH,
                low: DEFAULT_HIGH / 4,
                paused: false,
                unflushed: false,
                can_write_eof,
                eof_requested: false,
                eof_sent: false,
                closing: false,
                closed: false,
                error: None,
                flusher: false,
                drain_wakers: Vec::new(),
                close_wakers: Vec::new(),
            })),
            info: Rc::new(info),
        }
    }

    /// Boxes the stream, giving the writer type that the rest of the API passes around.
    /// Call it before cloning or writing: it needs the only handle of a fresh writer.
    ///
    /// # Panics
    ///
    /// If the writer was cloned or has written, flushed or closed anything.
    ///
    /// # Examples
    ///
    /// ```
    /// let writer: corio_net::StreamWriter =
    ///     corio_net::StreamWriter::new(futures_lite::io::sink()).boxed();
    /// # drop(writer);
    /// ```
    pub fn boxed(self) -> StreamWriter
    where
        W: Send,
    {
        let Ok(cell) = Rc::try_unwrap(self.shared) else {
            panic!("StreamWriter::boxed needs the only handle of a fresh writer")
        };
        let s = cell.into_inner();
        assert!(
            s.pos == s.buf.len() && !s.closing && !s.eof_requested && !s.flusher && s.io.is_some(),
            "StreamWriter::boxed needs a fresh writer"
        );
        let info = Rc::try_unwrap(self.info).unwrap_or_else(|rc| (*rc).clone());
        let io: BoxWrite = Box::new(s.io.expect("checked above"));
        let w = StreamWriter::with_info(io, info, s.can_write_eof);
        w.set_limits(s.high, s.low);
        w
    }

    /// Writes `data`: sends what the stream takes at once, buffers the rest for the
    /// background flusher. Follow with [`drain`](StreamWriter::drain) to respect flow
    /// control.
    ///
    /// After the connection failed, data is dropped silently and `drain` reports the
    /// failure (asyncio logs a warning instead).
    ///
    /// # Errors
    ///
    /// [`WriteError::Closing`] after [`close`](StreamWriter::close),
    /// [`WriteError::EofWritten`] after [`write_eof`](StreamWriter::write_eof).
    ///
    /// # Examples
    ///
    /// See [`StreamWriter`].
    pub fn write(&self, data: &[u8]) -> Result<(), WriteError> {
        let mut s = self.shared.borrow_mut();
        s.check_writable()?;
        if data.is_empty() || s.error.is_some() {
            return Ok(());
        }
        let mut rest = data;
        if s.pending() == 0 && !s.flusher {
            rest = s.try_send_now(rest);
        }
        if !rest.is_empty() {
            s.push(rest);
        }
        if s.pending() > 0 || s.unflushed {
            drop(s);
            self.ensure_flusher();
        }
        Ok(())
    }

    /// Writes each buffer in turn (asyncio's `writelines`), as one buffered write.
    ///
    /// # Errors
    ///
    /// As [`write`](StreamWriter::write).
    ///
    /// # Examples
    ///
    /// See [`StreamWriter`].
    pub fn writelines<I>(&self, lines: I) -> Result<(), WriteError>
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
    {
        let mut joined = Vec::new();
        for line in lines {
            joined.extend_from_slice(line.as_ref());
        }
        self.write(&joined)
    }

    /// Waits until the buffer is small enough to write again: returns at once when it is
    /// at or below the high-water mark, else when it has fallen to the low-water mark.
    /// Under another executor (no running corio loop), sends the whole buffer itself.
    ///
    /// # Errors
    ///
    /// The connection's error (e.g. `ConnectionReset`, `BrokenPipe`) if sending failed.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: the buffer goes on being sent.
    ///
    /// # Examples
    ///
    /// See [`StreamWriter`].
    pub async fn drain(&self) -> io::Result<()> {
        poll_fn(|cx| {
            let mut s = self.shared.borrow_mut();
            if let Some(err) = s.error() {
                return Poll::Ready(Err(err));
            }
            if !s.flusher && (s.pending() > 0 || s.unflushed) {
                // No flusher task: drive the stream from here, to the end of the buffer.
                let _ = s.poll_progress(cx);
                if let Some(err) = s.error() {
                    return Poll::Ready(Err(err));
                }
                return if s.pending() == 0 && !s.unflushed {
                    Poll::Ready(Ok(()))
                } else {
                    Poll::Pending
                };
            }
            if s.paused {
                push_waker(&mut s.drain_wakers, cx.waker());
                return Poll::Pending;
            }
            Poll::Ready(Ok(()))
        })
        .await
    }

    /// Closes the writer: what is buffered is still sent, then the stream's write side
    /// is shut (`poll_close`) and the stream let go of, which closes the socket once the
    /// reader half is gone too. Later writes fail with [`WriteError::Closing`].
    ///
    /// # Examples
    ///
    /// See [`StreamWriter`].
    pub fn close(&self) {
        let mut s = self.shared.borrow_mut();
        if s.closing || s.closed {
            return;
        }
        s.closing = true;
        drop(s);
        self.ensure_flusher();
    }

    /// Waits until the writer is closed: the buffer sent and the stream shut. Call it
    /// after [`close`](StreamWriter::close).
    ///
    /// # Errors
    ///
    /// The connection's error if sending or shutting down failed.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// # Examples
    ///
    /// See [`StreamWriter`].
    pub async fn wait_closed(&self) -> io::Result<()> {
        poll_fn(|cx| {
            let mut s = self.shared.borrow_mut();
            if !s.flusher && !s.closed {
                let _ = s.poll_progress(cx);
            }
            if let Some(err) = s.error() {
                return Poll::Ready(Err(err));
            }
            if s.closed {
                return Poll::Ready(Ok(()));
            }
            push_waker(&mut s.close_wakers, cx.waker());
            Poll::Pending
        })
        .await
    }

    /// Shuts the write side once the buffer is sent (FIN for a socket; the peer reads
    /// end-of-file) while reading goes on. Await [`drain`](StreamWriter::drain) or
    /// [`wait_eof_sent`](StreamWriter::wait_eof_sent) to be sure it went out.
    ///
    /// # Errors
    ///
    /// [`WriteError::EofUnsupported`] when [`can_write_eof`](StreamWriter::can_write_eof)
    /// is false; [`WriteError::Closing`] after `close`.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_net::{StreamReader, StreamWriter, UnixStream};
    ///
    /// # corio_runtime::run(async {
    /// let (a, b) = UnixStream::pair()?;
    /// let (mut reader, writer) = (StreamReader::new(a.clone()), StreamWriter::new(a));
    /// writer.write(b"request").unwrap();
    /// writer.write_eof().unwrap();
    /// writer.wait_eof_sent().await?;
    /// // The peer reads to EOF, then answers on the still-open other direction.
    /// let (mut peer_r, peer_w) = (StreamReader::new(b.clone()), StreamWriter::new(b));
    /// assert_eq!(peer_r.read_to_eof().await?, b"request");
    /// peer_w.write(b"reply").unwrap();
    /// peer_w.close();
    /// assert_eq!(reader.read_to_eof().await?, b"reply");
    /// # std::io::Result::Ok(())
    /// # })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_eof(&self) -> Result<(), WriteError> {
        let mut s = self.shared.borrow_mut();
        if !s.can_write_eof {
            return Err(WriteError::EofUnsupported);
        }
        if s.closing || s.closed {
            return Err(WriteError::Closing);
        }
        if s.eof_requested {
            return Ok(());
        }
        s.eof_requested = true;
        drop(s);
        self.ensure_flusher();
        Ok(())
    }

    /// Waits until the end-of-file asked for by [`write_eof`](StreamWriter::write_eof)
    /// was sent (returns at once if it was not asked for).
    ///
    /// # Errors
    ///
    /// The connection's error.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// # Examples
    ///
    /// See [`write_eof`](StreamWriter::write_eof).
    pub async fn wait_eof_sent(&self) -> io::Result<()> {
        poll_fn(|cx| {
            let mut s = self.shared.borrow_mut();
            if !s.flusher {
                let _ = s.poll_progress(cx);
            }
            if let Some(err) = s.error() {
                return Poll::Ready(Err(err));
            }
            if !s.eof_requested || s.eof_sent {
                return Poll::Ready(Ok(()));
            }
            push_waker(&mut s.close_wakers, cx.waker());
            Poll::Pending
        })
        .await
    }

    /// Sends what is buffered, then gives the stream back (to upgrade it to TLS, or to use
    /// it raw). The writer must be the only handle (no clones).
    ///
    /// # Errors
    ///
    /// `InvalidInput` if the writer has clones or was closed; the connection's error if
    /// sending failed.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: the writer is dropped (closing the stream) only once it is unique.
    ///
    /// # Examples
    ///
    /// ```
    /// # corio_runtime::run(async {
    /// let writer = corio_net::StreamWriter::new(futures_lite::io::Cursor::new(Vec::new()));
    /// writer.write(b"buffered").unwrap();
    /// let cursor = writer.into_inner().await?;
    /// assert_eq!(cursor.into_inner(), b"buffered");
    /// # std::io::Result::Ok(())
    /// # })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn into_inner(self) -> io::Result<W> {
        poll_fn(|cx| {
            let mut s = self.shared.borrow_mut();
            if let Some(err) = s.error() {
                return Poll::Ready(Err(err));
            }
            if s.closing || s.closed {
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "the writer is closed",
                )));
            }
            if !s.flusher && (s.pending() > 0 || s.unflushed) {
                let _ = s.poll_progress(cx);
                if let Some(err) = s.error() {
                    return Poll::Ready(Err(err));
                }
            }
            if s.pending() == 0 && !s.unflushed && !s.flusher {
                return Poll::Ready(Ok(()));
            }
            // The flusher wakes drain waiters as the buffer empties.
            s.paused = true;
            push_waker(&mut s.drain_wakers, cx.waker());
            Poll::Pending
        })
        .await?;
        let StreamWriter { shared, info: _ } = self;
        let cell = Rc::try_unwrap(shared)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "the writer has clones"))?;
        let mut s = cell.into_inner();
        s.io.take()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the writer is closed"))
    }

    /// Starts the background flusher if there is work for it and a loop to run it.
    fn ensure_flusher(&self) {
        let mut s = self.shared.borrow_mut();
        if s.flusher || s.closed {
            return;
        }
        let work = s.pending() > 0 || s.unflushed || (s.eof_requested && !s.eof_sent) || s.closing;
        if !work {
            return;
        }
        let flusher = Flusher {
            shared: Rc::clone(&self.shared),
        };
        // Outside a running loop, drain/wait_closed drive the stream themselves.
        if corio_runtime::try_spawn(flusher).is_ok() {
            s.flusher = true;
        }
    }
}

impl<W> StreamWriter<W> {
    /// Whether [`close`](StreamWriter::close) was called or the connection failed
    /// (asyncio's `is_closing`).
    ///
    /// # Examples
    ///
    /// ```
    /// let writer = corio_net::StreamWriter::new(futures_lite::io::sink());
    /// writer.close();
    /// assert!(writer.is_closing());
    /// ```
    #[must_use]
    pub fn is_closing(&self) -> bool {
        let s = self.shared.borrow();
        s.closing || s.closed
    }

    /// Whether [`write_eof`](StreamWriter::write_eof) is supported (true for TCP and Unix
    /// streams, false for TLS).
    ///
    /// # Examples
    ///
    /// See [`with_info`](StreamWriter::with_info).
    #[must_use]
    pub fn can_write_eof(&self) -> bool {
        self.shared.borrow().can_write_eof
    }

    /// The connection's details (asyncio's `get_extra_info`): peer and local addresses,
    /// TLS details.
    ///
    /// # Examples
    ///
    /// ```
    /// # corio_runtime::run(async {
    /// # let server = corio_net::start_server(|_r, _w| async {}, "127.0.0.1:0").await?;
    /// # let addr = server.sockets()[0].clone();
    /// let (_reader, writer) = corio_net::open_connection(addr.as_inet().unwrap()).await?;
    /// let info = writer.get_extra_info();
    /// assert_eq!(info.peername().and_then(|a| a.as_inet()), addr.as_inet());
    /// # std::io::Result::Ok(())
    /// # })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn get_extra_info(&self) -> &ExtraInfo {
        &self.info
    }

    /// The bytes buffered and not yet sent (the transport's `get_write_buffer_size`).
    ///
    /// # Examples
    ///
    /// ```
    /// let writer = corio_net::StreamWriter::new(futures_lite::io::sink());
    /// assert_eq!(writer.get_write_buffer_size(), 0);
    /// ```
    #[must_use]
    pub fn get_write_buffer_size(&self) -> usize {
        self.shared.borrow().pending()
    }

    /// The high and low water marks (the transport's `get_write_buffer_limits`).
    ///
    /// # Examples
    ///
    /// ```
    /// let writer = corio_net::StreamWriter::new(futures_lite::io::sink());
    /// assert_eq!(writer.get_write_buffer_limits(), (64 * 1024, 16 * 1024));
    /// ```
    #[must_use]
    pub fn get_write_buffer_limits(&self) -> (usize, usize) {
        let s = self.shared.borrow();
        (s.high, s.low)
    }

    /// Sets the water marks by asyncio's rules: no high means 4 × low (or 64 KiB), no
    /// low means high / 4.
    ///
    /// # Errors
    ///
    /// [`WriteLimitsError`] if low > high.
    ///
    /// # Examples
    ///
    /// ```
    /// let writer = corio_net::StreamWriter::new(futures_lite::io::sink());
    /// writer.set_write_buffer_limits(Some(1000), None)?;
    /// assert_eq!(writer.get_write_buffer_limits(), (1000, 250));
    /// # Ok::<(), corio_net::WriteLimitsError>(())
    /// ```
    pub fn set_write_buffer_limits(
        &self,
        high: Option<usize>,
        low: Option<usize>,
    ) -> Result<(), WriteLimitsError> {
        let high = high.unwrap_or_else(|| low.map_or(DEFAULT_HIGH, |l| l.saturating_mul(4)));
        let low = low.unwrap_or(high / 4);
        if low > high {
            return Err(WriteLimitsError { high, low });
        }
        self.set_limits(high, low);
        Ok(())
    }

    fn set_limits(&self, high: usize, low: usize) {
        let mut s = self.shared.borrow_mut();
        s.high = high;
        s.low = low;
        let pending = s.pending();
        if pending > high {
            s.paused = true;
        } else if pending <= low && s.paused {
            s.resume();
        }
    }
}

impl<W> Shared<W> {
    fn pending(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn check_writable(&self) -> Result<(), WriteError> {
        if self.closing || self.closed && self.error.is_none() {
            return Err(WriteError::Closing);
        }
        if self.eof_requested {
            return Err(WriteError::EofWritten);
        }
        Ok(())
    }

    fn error(&self) -> Option<io::Error> {
        self.error
            .as_ref()
            .map(|(kind, message)| io::Error::new(*kind, message.clone()))
    }

    fn push(&mut self, data: &[u8]) {
        if self.pos > 0 && self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
        }
        self.buf.extend_from_slice(data);
        if self.pending() > self.high {
            self.paused = true;
        }
    }

    fn consume(&mut self, n: usize) {
        self.pos += n;
        if self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
            // Give memory back after a burst: a large idle buffer is kept small.
            if self.buf.capacity() > 4 * DEFAULT_HIGH {
                self.buf.shrink_to(DEFAULT_HIGH);
            }
        } else if self.pos > self.buf.len() / 2 && self.pos > 4096 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        if self.paused && self.pending() <= self.low {
            self.resume();
        }
    }

    fn resume(&mut self) {
        self.paused = false;
        for w in self.drain_wakers.drain(..) {
            w.wake();
        }
    }

    fn fail(&mut self, err: &io::Error) {
        log::debug!("stream writer: connection failed: {err}");
        self.error = Some((err.kind(), err.to_string()));
        self.buf = Vec::new();
        self.pos = 0;
        self.io = None;
        self.closed = true;
        self.paused = false;
        self.wake_all();
    }

    fn wake_all(&mut self) {
        for w in self
            .drain_wakers
            .drain(..)
            .chain(self.close_wakers.drain(..))
        {
            w.wake();
        }
    }
}

impl<W: AsyncWrite + Unpin> Shared<W> {
    /// Sends `data` without waiting; returns what the stream did not take.
    fn try_send_now<'d>(&mut self, data: &'d [u8]) -> &'d [u8] {
        let Some(io) = self.io.as_mut() else {
            return data;
        };
        // A no-op waker: if the stream is full, the flusher task polls again with its own.
        let mut cx = Context::from_waker(Waker::noop());
        match Pin::new(&mut *io).poll_write(&mut cx, data) {
            Poll::Ready(Ok(n)) if n > 0 => {
                // A stream with a buffer of its own (TLS) may hold what it took: flush
                // now if it can, else the flusher task will.
                match Pin::new(io).poll_flush(&mut cx) {
                    Poll::Ready(Ok(())) => {}
                    Poll::Ready(Err(e)) => {
                        self.fail(&e);
                        return &[];
                    }
                    Poll::Pending => self.unflushed = true,
                }
                &data[n..]
            }
            Poll::Ready(Ok(_)) => data,
            Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => data,
            Poll::Ready(Err(e)) => {
                self.fail(&e);
                &[]
            }
            Poll::Pending => data,
        }
    }

    /// Sends the buffer, then the EOF or close asked for. `Ready` when there is nothing
    /// left to do (or the connection failed), `Pending` while the stream is full.
    fn poll_progress(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        while self.pending() > 0 {
            let Some(io) = self.io.as_mut() else {
                break;
            };
            match Pin::new(io).poll_write(cx, &self.buf[self.pos..]) {
                Poll::Ready(Ok(0)) => {
                    self.fail(&io::Error::from(io::ErrorKind::WriteZero));
                    return Poll::Ready(());
                }
                Poll::Ready(Ok(n)) => self.consume(n),
                Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
                Poll::Ready(Err(e)) => {
                    self.fail(&e);
                    return Poll::Ready(());
                }
                Poll::Pending => return Poll::Pending,
            }
        }
        let Some(io) = self.io.as_mut() else {
            return Poll::Ready(());
        };
        if let Err(e) = std::task::ready!(Pin::new(&mut *io).poll_flush(cx)) {
            self.fail(&e);
            return Poll::Ready(());
        }
        self.unflushed = false;
        if (self.eof_requested || self.closing) && !self.eof_sent {
            let closed = std::task::ready!(Pin::new(&mut *io).poll_close(cx));
            self.eof_sent = true;
            if let Err(e) = closed {
                self.fail(&e);
                return Poll::Ready(());
            }
            // Whoever waits for the EOF to be out.
            for w in self.close_wakers.drain(..) {
                w.wake();
            }
        }
        if self.closing {
            self.io = None;
            self.closed = true;
            self.wake_all();
        }
        Poll::Ready(())
    }
}

fn push_waker(wakers: &mut Vec<Waker>, waker: &Waker) {
    if !wakers.iter().any(|w| w.will_wake(waker)) {
        wakers.push(waker.clone());
    }
}

/// The background task that sends a writer's buffer (asyncio's transport writing on
/// `add_writer` readiness). It ends when there is nothing left to send.
struct Flusher<W> {
    shared: Rc<RefCell<Shared<W>>>,
}

impl<W: AsyncWrite + Unpin> Future for Flusher<W> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut s = self.shared.borrow_mut();
        std::task::ready!(s.poll_progress(cx));
        s.flusher = false;
        // `into_inner` waits for the flusher to end.
        for w in s.drain_wakers.drain(..) {
            w.wake();
        }
        Poll::Ready(())
    }
}

impl<W> Drop for Flusher<W> {
    fn drop(&mut self) {
        // Cancelled (the loop closed): let drain/wait_closed drive the stream instead.
        if let Ok(mut s) = self.shared.try_borrow_mut() {
            s.flusher = false;
        }
    }
}

impl<W> fmt::Debug for StreamWriter<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.shared.borrow();
        f.debug_struct("StreamWriter")
            .field("buffered", &s.pending())
            .field("closing", &s.closing)
            .field("closed", &s.closed)
            .field("peername", &self.info.peername())
            .finish_non_exhaustive()
    }
}
