//! [`TcpStream`]: a TCP connection with futures-io's `AsyncRead`/`AsyncWrite`.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::time::Duration;

use corio_reactor::Async;
use socket2::{Domain, Protocol, SockRef, Type};

use crate::io_impls::impl_stream_io;
use crate::resolve::{ToSocketAddrs, resolve};
use crate::socket::{connect, new_socket, try_each, with_timeout};

/// A TCP connection, registered with the running loop's reactor.
///
/// It implements futures-io's `AsyncRead` and `AsyncWrite` (with vectored writes), on
/// `TcpStream` and on `&TcpStream`, so one task can read while another writes. Clones share
/// the socket (an `Arc`): the descriptor closes when the last clone drops.
/// `AsyncWrite::poll_close` shuts the write half down (sends FIN).
///
/// For asyncio's line-oriented reading and buffered, flow-controlled writing, wrap it in
/// [`StreamReader`](crate::StreamReader) / [`StreamWriter`](crate::StreamWriter), or use
/// [`open_connection`](crate::open_connection).
///
/// # Examples
///
/// ```
/// use corio_net::{TcpListener, TcpStream};
/// use futures_lite::{AsyncReadExt, AsyncWriteExt};
///
/// corio_runtime::run(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await?;
///     let mut client = TcpStream::connect(listener.local_addr()?).await?;
///     let (mut conn, _) = listener.accept().await?;
///     client.write_all(b"ping").await?;
///     let mut buf = [0; 4];
///     conn.read_exact(&mut buf).await?;
///     assert_eq!(&buf, b"ping");
///     std::io::Result::Ok(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct TcpStream {
    pub(crate) inner: Arc<Async<std::net::TcpStream>>,
}

impl TcpStream {
    /// Connects to `addr`, trying each address it resolves to in turn (host names are
    /// resolved off the loop's thread).
    ///
    /// # Errors
    ///
    /// The resolver's error, or the last address's connect error (e.g.
    /// `ConnectionRefused`); an error wrapping [`NoReactor`](corio_reactor::NoReactor)
    /// outside a running loop.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a cancelled connect closes its half-made socket.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_net::{TcpListener, TcpStream};
    ///
    /// corio_runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await?;
    ///     let stream = TcpStream::connect(listener.local_addr()?).await?;
    ///     assert_eq!(stream.peer_addr()?, listener.local_addr()?);
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn connect(addr: impl ToSocketAddrs) -> io::Result<TcpStream> {
        TcpStream::connect_inner(&addr, None, None).await
    }

    /// [`connect`](TcpStream::connect) with a time limit for each address tried.
    ///
    /// # Errors
    ///
    /// As [`connect`](TcpStream::connect); `io::ErrorKind::TimedOut` when the last address
    /// timed out.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, as [`connect`](TcpStream::connect).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use corio_net::{TcpListener, TcpStream};
    ///
    /// corio_runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await?;
    ///     let addr = listener.local_addr()?;
    ///     let stream = TcpStream::connect_timeout(addr, Duration::from_secs(5)).await?;
    ///     assert_eq!(stream.peer_addr()?, addr);
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn connect_timeout(
        addr: impl ToSocketAddrs,
        timeout: Duration,
    ) -> io::Result<TcpStream> {
        TcpStream::connect_inner(&addr, Some(timeout), None).await
    }

    /// Connects to each address in turn, with a time limit per address and, with
    /// `local`, from that local address (addresses of the other family are skipped).
    pub(crate) async fn connect_inner(
        addr: &(impl ToSocketAddrs + ?Sized),
        timeout: Option<Duration>,
        local: Option<SocketAddr>,
    ) -> io::Result<TcpStream> {
        let mut addrs = resolve(addr).await?;
        if let Some(local) = local {
            addrs.retain(|a| a.is_ipv4() == local.is_ipv4());
        }
        try_each(addrs, |addr| {
            with_timeout(timeout, TcpStream::connect_addr(addr, local))
        })
        .await
    }

    async fn connect_addr(addr: SocketAddr, local: Option<SocketAddr>) -> io::Result<TcpStream> {
        let socket = new_socket(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
        if let Some(local) = local {
            socket.bind(&local.into())?;
        }
        let inner = connect::<std::net::TcpStream>(socket, &addr.into()).await?;
        Ok(TcpStream::from_async(inner))
    }

    /// Wraps a connected std stream, registering it with the running loop's reactor (it is
    /// put in non-blocking mode).
    ///
    /// # Errors
    ///
    /// An error wrapping [`NoReactor`](corio_reactor::NoReactor) outside a running loop, or
    /// the OS error from registering it.
    ///
    /// # Examples
    ///
    /// ```
    /// corio_runtime::run(async {
    ///     let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    ///     let std_stream = std::net::TcpStream::connect(listener.local_addr()?)?;
    ///     let stream = corio_net::TcpStream::from_std(std_stream)?;
    ///     assert_eq!(stream.peer_addr()?, listener.local_addr()?);
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        Ok(TcpStream::from_async(Async::new(stream)?))
    }

    pub(crate) fn from_async(inner: Async<std::net::TcpStream>) -> TcpStream {
        TcpStream {
            inner: Arc::new(inner),
        }
    }

    /// asyncio's `(reader, writer)` pair over this connection, as
    /// [`open_connection`](crate::open_connection) gives (with `peername`/`sockname` in
    /// the writer's [`get_extra_info`](crate::StreamWriter::get_extra_info)): for a
    /// stream you connected or accepted yourself. `limit` is the reader's
    /// ([`DEFAULT_LIMIT`](crate::DEFAULT_LIMIT) is asyncio's).
    ///
    /// # Examples
    ///
    /// ```
    /// # corio_runtime::run(async {
    /// let listener = corio_net::TcpListener::bind("127.0.0.1:0").await?;
    /// let client = corio_net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (conn, _) = listener.accept().await?;
    /// let (mut reader, _writer) = conn.into_streams(corio_net::DEFAULT_LIMIT);
    /// let (_r, writer) = client.into_streams(corio_net::DEFAULT_LIMIT);
    /// writer.write(b"line\n").unwrap();
    /// assert_eq!(reader.readline().await.unwrap(), b"line\n");
    /// # std::io::Result::Ok(())
    /// # })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "connect_accepted_socket")]
    pub fn into_streams(self, limit: usize) -> (crate::StreamReader, crate::StreamWriter) {
        crate::streams::open::tcp_streams(self, limit)
    }

    /// Reads into `buf`, waiting for data; `Ok(0)` is end-of-file.
    ///
    /// # Errors
    ///
    /// The OS error (e.g. `ConnectionReset`).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if cancelled, nothing was read.
    ///
    /// # Examples
    ///
    /// ```
    /// # corio_runtime::run(async {
    /// # let listener = corio_net::TcpListener::bind("127.0.0.1:0").await?;
    /// let client = corio_net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (conn, _) = listener.accept().await?;
    /// client.write(b"hi").await?;
    /// let mut buf = [0; 8];
    /// let n = conn.read(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"hi");
    /// # std::io::Result::Ok(())
    /// # })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    // Not an `async fn`: the reactor's read future is returned as it is, without a layer
    // of state machine around it (an idle connection's task is mostly this future).
    pub fn read<'a>(&'a self, buf: &'a mut [u8]) -> impl Future<Output = io::Result<usize>> + 'a {
        self.inner.read(buf)
    }

    /// Writes some of `buf`, waiting for room in the socket buffer; returns how much.
    ///
    /// # Errors
    ///
    /// The OS error (e.g. `BrokenPipe`, `ConnectionReset`).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if cancelled, nothing was written.
    ///
    /// # Examples
    ///
    /// See [`read`](TcpStream::read).
    pub fn write<'a>(&'a self, buf: &'a [u8]) -> impl Future<Output = io::Result<usize>> + 'a {
        self.inner.write(buf)
    }

    /// Reads into `buf` without removing the data from the socket's queue.
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// # Examples
    ///
    /// ```
    /// # corio_runtime::run(async {
    /// # let listener = corio_net::TcpListener::bind("127.0.0.1:0").await?;
    /// let client = corio_net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (conn, _) = listener.accept().await?;
    /// client.write(b"hi").await?;
    /// let mut buf = [0; 8];
    /// let n = conn.peek(&mut buf).await?;
    /// assert_eq!(conn.read(&mut buf[n..]).await?, 2); // still there
    /// # std::io::Result::Ok(())
    /// # })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read_with(|s| s.peek(buf)).await
    }

    /// Whether Nagle's algorithm is off (`TCP_NODELAY`).
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Examples
    ///
    /// ```
    /// # corio_runtime::run(async {
    /// # let listener = corio_net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = corio_net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_nodelay(true)?;
    /// assert!(stream.nodelay()?);
    /// # std::io::Result::Ok(())
    /// # })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn nodelay(&self) -> io::Result<bool> {
        self.get_ref().nodelay()
    }

    /// Turns Nagle's algorithm off (`true`) or on (`TCP_NODELAY`). asyncio turns it off
    /// on every TCP transport; corio leaves the OS default and lets you choose.
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Examples
    ///
    /// See [`nodelay`](TcpStream::nodelay).
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.get_ref().set_nodelay(nodelay)
    }

    /// The IP time-to-live (`IP_TTL`).
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Examples
    ///
    /// ```
    /// # corio_runtime::run(async {
    /// # let listener = corio_net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = corio_net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_ttl(42)?;
    /// assert_eq!(stream.ttl()?, 42);
    /// # std::io::Result::Ok(())
    /// # })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn ttl(&self) -> io::Result<u32> {
        self.get_ref().ttl()
    }

    /// Sets the IP time-to-live (`IP_TTL`).
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Examples
    ///
    /// See [`ttl`](TcpStream::ttl).
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.get_ref().set_ttl(ttl)
    }

    /// `SO_LINGER`: `Some(Duration::ZERO)` makes closing the socket send a reset (RST)
    /// instead of FIN.
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// # corio_runtime::run(async {
    /// # let listener = corio_net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = corio_net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_linger(Some(Duration::ZERO))?;
    /// assert_eq!(stream.linger()?, Some(Duration::ZERO));
    /// # std::io::Result::Ok(())
    /// # })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_linger(&self, linger: Option<Duration>) -> io::Result<()> {
        SockRef::from(self.get_ref()).set_linger(linger)
    }

    /// `SO_LINGER`.
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Examples
    ///
    /// See [`set_linger`](TcpStream::set_linger).
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        SockRef::from(self.get_ref()).linger()
    }

    /// `SO_KEEPALIVE`.
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Examples
    ///
    /// ```
    /// # corio_runtime::run(async {
    /// # let listener = corio_net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = corio_net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_keepalive(true)?;
    /// assert!(stream.keepalive()?);
    /// # std::io::Result::Ok(())
    /// # })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_keepalive(&self, keepalive: bool) -> io::Result<()> {
        SockRef::from(self.get_ref()).set_keepalive(keepalive)
    }

    /// `SO_KEEPALIVE`.
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Examples
    ///
    /// See [`set_keepalive`](TcpStream::set_keepalive).
    pub fn keepalive(&self) -> io::Result<bool> {
        SockRef::from(self.get_ref()).keepalive()
    }

    /// The size of the kernel's receive buffer (`SO_RCVBUF`).
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Examples
    ///
    /// ```
    /// # corio_runtime::run(async {
    /// # let listener = corio_net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = corio_net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_recv_buffer_size(65536)?;
    /// assert!(stream.recv_buffer_size()? >= 65536);
    /// # std::io::Result::Ok(())
    /// # })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn recv_buffer_size(&self) -> io::Result<usize> {
        SockRef::from(self.get_ref()).recv_buffer_size()
    }

    /// Sets the kernel's receive buffer size (`SO_RCVBUF`; Linux doubles it).
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Examples
    ///
    /// See [`recv_buffer_size`](TcpStream::recv_buffer_size).
    pub fn set_recv_buffer_size(&self, size: usize) -> io::Result<()> {
        SockRef::from(self.get_ref()).set_recv_buffer_size(size)
    }

    /// The size of the kernel's send buffer (`SO_SNDBUF`).
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Examples
    ///
    /// ```
    /// # corio_runtime::run(async {
    /// # let listener = corio_net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = corio_net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_send_buffer_size(65536)?;
    /// assert!(stream.send_buffer_size()? >= 65536);
    /// # std::io::Result::Ok(())
    /// # })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn send_buffer_size(&self) -> io::Result<usize> {
        SockRef::from(self.get_ref()).send_buffer_size()
    }

    /// Sets the kernel's send buffer size (`SO_SNDBUF`; Linux doubles it).
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Examples
    ///
    /// See [`send_buffer_size`](TcpStream::send_buffer_size).
    pub fn set_send_buffer_size(&self, size: usize) -> io::Result<()> {
        SockRef::from(self.get_ref()).set_send_buffer_size(size)
    }

    /// Polls for read readiness (for `poll`-style code such as hyper's I/O glue).
    ///
    /// # Errors
    ///
    /// The reactor's OS error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::task::{Context, Waker};
    /// # corio_runtime::run(async {
    /// # let listener = corio_net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = corio_net::TcpStream::connect(listener.local_addr()?).await?;
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert!(stream.poll_readable(&mut cx).is_pending()); // nothing sent yet
    /// # std::io::Result::Ok(())
    /// # })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn poll_readable(
        &self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        self.inner.poll_readable(cx)
    }

    /// Polls for write readiness.
    ///
    /// # Errors
    ///
    /// The reactor's OS error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::task::{Context, Waker};
    /// # corio_runtime::run(async {
    /// # let listener = corio_net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = corio_net::TcpStream::connect(listener.local_addr()?).await?;
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert!(stream.poll_writable(&mut cx).is_ready()); // connected: writable
    /// # std::io::Result::Ok(())
    /// # })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn poll_writable(
        &self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        self.inner.poll_writable(cx)
    }
}

impl_stream_io!(TcpStream, short_ops);

impl TryFrom<std::net::TcpStream> for TcpStream {
    type Error = io::Error;

    fn try_from(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        TcpStream::from_std(stream)
    }
}

crate::fd_impls::impl_fd!(TcpStream);

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("TcpStream");
        if let Ok(addr) = self.local_addr() {
            d.field("local", &addr);
        }
        if let Ok(addr) = self.peer_addr() {
            d.field("peer", &addr);
        }
        d.field("fd", &self.as_raw_fd()).finish()
    }
}
