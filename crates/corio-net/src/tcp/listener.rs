//! [`TcpListener`]: accepts TCP connections.

use std::fmt;
use std::future::ready;
use std::io;
use std::net::SocketAddr;
use std::os::fd::AsRawFd;
use std::task::{Context, Poll};

use socket2::{Domain, Protocol, Type};

use crate::TcpStream;
use crate::family::{Acceptor, poll_next_conn};
use crate::resolve::{ToSocketAddrs, resolve};
use crate::socket::{new_socket, try_each};

/// The listen backlog corio uses (asyncio uses 100; the kernel caps it at `somaxconn`).
pub(crate) const DEFAULT_BACKLOG: i32 = 1024;

/// A TCP socket listening for connections, registered with the running loop's reactor.
///
/// # Examples
///
/// ```
/// use corio_net::{TcpListener, TcpStream};
///
/// corio_runtime::run(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await?;
///     let client = TcpStream::connect(listener.local_addr()?).await?;
///     let (conn, peer) = listener.accept().await?;
///     assert_eq!(peer, client.local_addr()?);
///     # drop(conn);
///     std::io::Result::Ok(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct TcpListener {
    inner: Acceptor<std::net::TcpListener>,
}

impl TcpListener {
    /// Binds to `addr` (the first address it resolves to that binds) and listens.
    /// `SO_REUSEADDR` is set, as asyncio does on Unix, so a restarted server can bind
    /// again while old connections linger in `TIME_WAIT`.
    ///
    /// # Errors
    ///
    /// The resolver's error, or the last address's bind/listen error (e.g. `AddrInUse`);
    /// an error wrapping [`NoReactor`](corio_reactor::NoReactor) outside a running loop.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: only resolution awaits.
    ///
    /// # Examples
    ///
    /// ```
    /// corio_runtime::run(async {
    ///     let listener = corio_net::TcpListener::bind("127.0.0.1:0").await?;
    ///     assert!(listener.local_addr()?.port() > 0);
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<TcpListener> {
        try_each(resolve(&addr).await?, |addr| {
            ready(TcpListener::bind_addr(addr, DEFAULT_BACKLOG, false))
        })
        .await
    }

    /// Binds to one address, with the given backlog and `SO_REUSEPORT` choice.
    pub(crate) fn bind_addr(
        addr: SocketAddr,
        backlog: i32,
        reuse_port: bool,
    ) -> io::Result<TcpListener> {
        let socket = new_socket(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
        socket.set_reuse_address(true)?;
        if reuse_port {
            socket.set_reuse_port(true)?;
        }
        if addr.is_ipv6() {
            // As asyncio: an IPv6 socket does not also take the IPv4 port, so binding
            // both families of a host name works.
            socket.set_only_v6(true)?;
        }
        socket.bind(&addr.into())?;
        socket.listen(backlog)?;
        TcpListener::from_std(std::net::TcpListener::from(socket))
    }

    /// Wraps a bound, listening std listener, registering it with the running loop's
    /// reactor.
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
    ///     let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    ///     let listener = corio_net::TcpListener::from_std(std_listener)?;
    ///     assert!(listener.local_addr()?.port() > 0);
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_std(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        Ok(TcpListener {
            inner: Acceptor::new(listener)?,
        })
    }

    /// Waits for a connection and returns it with the peer's address.
    ///
    /// # Errors
    ///
    /// The OS error (e.g. `EMFILE` when out of descriptors).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a cancelled accept takes no connection.
    ///
    /// # Examples
    ///
    /// See [`TcpListener`].
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        self.inner.accept().await
    }

    /// Polls for a connection (for `poll`-style code such as a server loop or hyper's glue).
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::task::{Context, Waker};
    ///
    /// corio_runtime::run(async {
    ///     let listener = corio_net::TcpListener::bind("127.0.0.1:0").await?;
    ///     let mut cx = Context::from_waker(Waker::noop());
    ///     assert!(listener.poll_accept(&mut cx).is_pending()); // nobody connected
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        self.inner.poll_accept(cx)
    }

    /// The accepted connections as a `Stream` (each accept's error is an item: the
    /// stream goes on after it).
    ///
    /// # Examples
    ///
    /// ```
    /// use futures_lite::StreamExt;
    ///
    /// corio_runtime::run(async {
    ///     let listener = corio_net::TcpListener::bind("127.0.0.1:0").await?;
    ///     let mut incoming = listener.incoming();
    ///     let _client = corio_net::TcpStream::connect(listener.local_addr()?).await?;
    ///     let conn = incoming.next().await.unwrap()?;
    ///     assert!(conn.peer_addr().is_ok());
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn incoming(&self) -> Incoming<'_> {
        Incoming { listener: self }
    }

    /// The address the listener is bound to.
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Examples
    ///
    /// See [`bind`](TcpListener::bind).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().local_addr()
    }

    /// The std listener underneath (still non-blocking).
    ///
    /// # Examples
    ///
    /// ```
    /// corio_runtime::run(async {
    ///     let listener = corio_net::TcpListener::bind("127.0.0.1:0").await?;
    ///     assert!(listener.get_ref().local_addr().is_ok());
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn get_ref(&self) -> &std::net::TcpListener {
        self.inner.get_ref()
    }

    /// The IP time-to-live given to accepted sockets (`IP_TTL`).
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Examples
    ///
    /// ```
    /// corio_runtime::run(async {
    ///     let listener = corio_net::TcpListener::bind("127.0.0.1:0").await?;
    ///     listener.set_ttl(7)?;
    ///     assert_eq!(listener.ttl()?, 7);
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn ttl(&self) -> io::Result<u32> {
        self.get_ref().ttl()
    }

    /// Sets `IP_TTL`.
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Examples
    ///
    /// See [`ttl`](TcpListener::ttl).
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.get_ref().set_ttl(ttl)
    }
}

/// The stream of [`TcpListener::incoming`].
///
/// # Examples
///
/// See [`TcpListener::incoming`].
#[must_use = "streams do nothing unless polled"]
#[derive(Debug)]
pub struct Incoming<'a> {
    listener: &'a TcpListener,
}

impl futures_core::Stream for Incoming<'_> {
    type Item = io::Result<TcpStream>;

    fn poll_next(self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        poll_next_conn(self.listener, cx)
    }
}

crate::fd_impls::impl_fd!(TcpListener);

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("TcpListener");
        if let Ok(addr) = self.local_addr() {
            d.field("local", &addr);
        }
        d.field("fd", &self.as_raw_fd()).finish()
    }
}
