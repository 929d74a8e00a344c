//! [`Transport`]: the handle a stream protocol writes and controls its connection through.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::Rc;
use std::task::Waker;

use super::control::{Control, DEFAULT_HIGH_WATER};
use super::{SocketAddress, TransportError};
use crate::family::RawSocket;

/// A connection's transport (asyncio's `Transport` of a socket): the protocol's handle for
/// writing, closing, and flow control. Clones share the connection.
///
/// The transport runs as a task of the loop; its methods only record what to do and wake that
/// task, so they never block and never call back into the protocol. `write` queues the bytes
/// and returns; the task sends them as the socket allows.
///
/// `Transport` is `!Send`: it lives on its loop's thread, as the protocol does.
///
/// # Examples
///
/// ```
/// use corio_net::protocol::{BaseProtocol, Protocol, Transport, create_connection, create_server};
///
/// #[derive(Default)]
/// struct Echo(Option<Transport>);
/// impl BaseProtocol for Echo {
///     fn connection_made(&mut self, t: Transport) {
///         self.0 = Some(t);
///     }
/// }
/// impl Protocol for Echo {
///     fn data_received(&mut self, data: &[u8]) {
///         self.0.as_ref().unwrap().write(data).unwrap();
///     }
/// }
///
/// #[derive(Default)]
/// struct Client(Vec<u8>);
/// impl BaseProtocol for Client {}
/// impl Protocol for Client {
///     fn data_received(&mut self, data: &[u8]) {
///         self.0.extend_from_slice(data);
///     }
/// }
///
/// corio_runtime::run(async {
///     let server = create_server(Echo::default, "127.0.0.1:0").await?;
///     let addr = server.local_addr()?;
///     let (transport, client) = create_connection(Client::default, addr).await?;
///     transport.write(b"ping")?;
///     while client.borrow().0.len() < 4 {
///         corio_runtime::sleep(std::time::Duration::from_millis(1)).await;
///     }
///     assert_eq!(client.borrow().0, b"ping");
///     transport.close();
///     Ok::<(), Box<dyn std::error::Error>>(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Transport {
    pub(crate) inner: Rc<TransportState>,
}

/// What the transport's task and its handles share. Every field is read and written on the
/// loop's thread only (the type is `!Send`), and never borrowed across a protocol callback.
pub(crate) struct TransportState {
    /// Bytes queued by `write` and not yet sent: `buf[sent..]`.
    pub(crate) buf: RefCell<Vec<u8>>,
    /// How much of `buf` the task has sent; `buf` is compacted when it empties.
    pub(crate) sent: Cell<usize>,
    /// Close and abort, the task's waker, the flow-control marks.
    pub(crate) ctl: Control,
    /// `pause_reading` was called (and `resume_reading` not yet).
    pub(crate) reading_paused: Cell<bool>,
    /// `write_eof()` was called: shut the writing side once the queue is sent.
    pub(crate) eof_requested: Cell<bool>,
    pub(crate) peername: Option<SocketAddress>,
    pub(crate) sockname: Option<SocketAddress>,
    /// The socket under a plain (not TLS) connection, for a zero-copy `sendfile`; taken
    /// when the connection is lost, so that a kept `Transport` holds no descriptor open.
    pub(crate) raw: RefCell<Option<Rc<dyn RawSocket>>>,
    /// A `sendfile` runs on this transport (one at a time).
    pub(crate) sendfile_running: Cell<bool>,
    /// A `sendfile` is sending from the socket itself: the task holds back its own writes.
    pub(crate) sendfile_active: Cell<bool>,
    /// A `sendfile` waiting for the write buffer to drain (or the connection to go).
    pub(crate) sendfile_waker: RefCell<Option<Waker>>,
    /// What carries the transport: a socket, or one end of a pipe.
    pub(crate) kind: Cell<Kind>,
}

/// What a transport runs on; pipes have one direction only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A connected stream socket (TCP or Unix, plain or TLS): both directions.
    Socket,
    /// The read end of a pipe (`connect_read_pipe`): no writing.
    ReadPipe,
    /// The write end of a pipe (`connect_write_pipe`): no reading; `write_eof` closes.
    WritePipe,
}

impl TransportState {
    pub(crate) fn new(
        peername: Option<SocketAddress>,
        sockname: Option<SocketAddress>,
        raw: Option<Rc<dyn RawSocket>>,
    ) -> TransportState {
        TransportState {
            buf: RefCell::new(Vec::new()),
            sent: Cell::new(0),
            ctl: Control::new(),
            reading_paused: Cell::new(false),
            eof_requested: Cell::new(false),
            peername,
            sockname,
            raw: RefCell::new(raw),
            sendfile_running: Cell::new(false),
            sendfile_active: Cell::new(false),
            sendfile_waker: RefCell::new(None),
            kind: Cell::new(Kind::Socket),
        }
    }

    /// Bytes queued and not yet sent.
    pub(crate) fn pending(&self) -> usize {
        self.buf.borrow().len() - self.sent.get()
    }
}

impl Transport {
    pub(crate) fn from_state(inner: Rc<TransportState>) -> Transport {
        Transport { inner }
    }

    /// Queues `data` to be sent (asyncio's `write`). It never blocks: when the queue goes
    /// above the high-water mark, the protocol's `pause_writing` is called (from the
    /// transport's task, right after the current callback returns, not inside this call).
    ///
    /// # Errors
    ///
    /// [`TransportError::Closing`] after `close()`/`abort()` or once the connection is lost;
    /// [`TransportError::AfterEof`] after `write_eof()`; [`TransportError::NotWritable`] on
    /// a read pipe. Nothing is queued then.
    ///
    /// # Examples
    ///
    /// See [`Transport`].
    pub fn write(&self, data: &[u8]) -> Result<(), TransportError> {
        let s = &self.inner;
        if s.kind.get() == Kind::ReadPipe {
            return Err(TransportError::NotWritable);
        }
        if s.eof_requested.get() {
            return Err(TransportError::AfterEof);
        }
        if s.ctl.is_closing() {
            return Err(TransportError::Closing);
        }
        if data.is_empty() {
            return Ok(());
        }
        let was_empty = s.pending() == 0;
        s.buf.borrow_mut().extend_from_slice(data);
        if was_empty || s.pending() > s.ctl.high.get() {
            s.ctl.wake();
        }
        Ok(())
    }

    /// Queues each buffer in turn (asyncio's `writelines`).
    ///
    /// # Errors
    ///
    /// As [`write`](Transport::write).
    ///
    /// # Examples
    ///
    /// See [`Transport`]; `transport.writelines([b"a".as_slice(), b"b"])` queues `ab`.
    pub fn writelines<'a>(
        &self,
        lines: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<(), TransportError> {
        for line in lines {
            self.write(line)?;
        }
        Ok(())
    }

    /// Closes the transport after the queued bytes are sent (asyncio's `close`); the
    /// protocol's `connection_lost(None)` follows. Closing twice does nothing.
    ///
    /// # Examples
    ///
    /// See [`Transport`].
    pub fn close(&self) {
        self.inner.ctl.close();
    }

    /// Closes the transport now, dropping what is queued (asyncio's `abort`); the protocol's
    /// `connection_lost(None)` follows.
    ///
    /// # Examples
    ///
    /// See [`Transport`].
    pub fn abort(&self) {
        self.inner.ctl.abort();
    }

    /// Whether `close()` or `abort()` was called or the connection is lost.
    ///
    /// # Examples
    ///
    /// See [`Transport`].
    pub fn is_closing(&self) -> bool {
        self.inner.ctl.is_closing()
    }

    /// Shuts the writing side once the queued bytes are sent (asyncio's `write_eof`); the
    /// peer reads end-of-file and the connection stays open for reading. A pipe has no
    /// half-close: on a write pipe this closes the transport once the queue is sent (the
    /// reader sees end-of-file), as asyncio's does; on a read pipe it does nothing.
    ///
    /// # Examples
    ///
    /// See [`Transport`].
    pub fn write_eof(&self) {
        match self.inner.kind.get() {
            Kind::ReadPipe => return,
            Kind::WritePipe => self.inner.ctl.closing.set(true),
            Kind::Socket => {}
        }
        self.inner.eof_requested.set(true);
        self.inner.ctl.wake();
    }

    /// Whether [`write_eof`](Transport::write_eof) is supported: for TCP and Unix stream
    /// sockets and write pipes, not for a read pipe.
    ///
    /// # Examples
    ///
    /// See [`Transport`].
    pub fn can_write_eof(&self) -> bool {
        self.inner.kind.get() != Kind::ReadPipe
    }

    /// Stops delivering data to the protocol until [`resume_reading`](Transport::resume_reading)
    /// (asyncio's `pause_reading`); the kernel's buffer then fills and the peer is slowed.
    ///
    /// # Examples
    ///
    /// See [`Transport`].
    pub fn pause_reading(&self) {
        // A write pipe reads nothing: its task watches for the reader's hang-up, which
        // pausing must not stop.
        if self.inner.kind.get() != Kind::WritePipe {
            self.inner.reading_paused.set(true);
        }
    }

    /// Delivers data again after [`pause_reading`](Transport::pause_reading).
    ///
    /// # Examples
    ///
    /// See [`Transport`].
    pub fn resume_reading(&self) {
        if self.inner.reading_paused.replace(false) {
            self.inner.ctl.wake();
        }
    }

    /// Whether the transport delivers data: not when paused, closing, or a write pipe.
    ///
    /// # Examples
    ///
    /// See [`Transport`].
    pub fn is_reading(&self) -> bool {
        self.inner.kind.get() != Kind::WritePipe
            && !self.inner.reading_paused.get()
            && !self.is_closing()
    }

    /// Whether the transport runs on a pipe (made by
    /// [`connect_read_pipe`](super::connect_read_pipe) or
    /// [`connect_write_pipe`](super::connect_write_pipe)), as asyncio's
    /// `get_extra_info('pipe')` tells.
    ///
    /// # Examples
    ///
    /// See [`connect_read_pipe`](super::connect_read_pipe).
    pub fn is_pipe(&self) -> bool {
        self.inner.kind.get() != Kind::Socket
    }

    /// Bytes queued and not yet handed to the kernel (asyncio's `get_write_buffer_size`).
    ///
    /// # Examples
    ///
    /// See [`Transport`].
    pub fn get_write_buffer_size(&self) -> usize {
        self.inner.pending()
    }

    /// The flow-control marks as `(low, high)` (asyncio's `get_write_buffer_limits`).
    ///
    /// # Examples
    ///
    /// See [`Transport`].
    pub fn get_write_buffer_limits(&self) -> (usize, usize) {
        (self.inner.ctl.low.get(), self.inner.ctl.high.get())
    }

    /// Sets the flow-control marks (asyncio's `set_write_buffer_limits`): with `high` alone,
    /// `low` is `high / 4`; with `low` alone, `high` is `4 * low`; with neither, 64 KiB and
    /// 16 KiB.
    ///
    /// # Errors
    ///
    /// [`TransportError::InvalidLimits`] if `high < low`.
    ///
    /// # Examples
    ///
    /// See [`Transport`].
    pub fn set_write_buffer_limits(
        &self,
        high: Option<usize>,
        low: Option<usize>,
    ) -> Result<(), TransportError> {
        let high = match (high, low) {
            (Some(h), _) => h,
            (None, Some(l)) => l.saturating_mul(4),
            (None, None) => DEFAULT_HIGH_WATER,
        };
        let low = low.unwrap_or(high / 4);
        if high < low {
            return Err(TransportError::InvalidLimits { high, low });
        }
        self.inner.ctl.high.set(high);
        self.inner.ctl.low.set(low);
        // The task pauses or resumes the protocol against the new marks.
        self.inner.ctl.wake();
        Ok(())
    }

    /// The peer's address (asyncio's `get_extra_info('peername')`).
    ///
    /// # Examples
    ///
    /// See [`Transport`].
    pub fn peername(&self) -> Option<&SocketAddress> {
        self.inner.peername.as_ref()
    }

    /// The local address (asyncio's `get_extra_info('sockname')`).
    ///
    /// # Examples
    ///
    /// See [`Transport`].
    pub fn sockname(&self) -> Option<&SocketAddress> {
        self.inner.sockname.as_ref()
    }
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("peername", &self.inner.peername)
            .field("write_buffer_size", &self.inner.pending())
            .field("closing", &self.is_closing())
            .finish()
    }
}
