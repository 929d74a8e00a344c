//! The endpoint calls: `create_connection`, `create_server`, their Unix twins and
//! `create_datagram_endpoint`, as free functions on the running loop and as loop methods.

use std::cell::RefCell;
use std::fmt;
use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::path::Path;
use std::rc::Rc;

use corio_reactor::Async;
use corio_runtime::CancelOnDrop;
use futures_io::{AsyncRead, AsyncWrite};

use super::BaseProtocol;
use super::driver::{Buffered, Driver, Plain, Shared};
use super::transport::TransportState;
use super::{
    BufferedProtocol, DatagramProtocol, DatagramTransport, EndpointError, Protocol, SocketAddress,
    Transport, datagram,
};
use crate::family::{Connection, Listening, RawSocket};
use crate::{ConnectOptions, TcpListener, TcpStream, UnixListener, UnixStream};

/// Calls `connection_made` and spawns the transport task of a connected stream. `raw` is
/// the socket under a plain (not TLS) stream, for `sendfile`.
pub(super) fn attach<S, K>(
    stream: S,
    protocol: K,
    (peer, local): (Option<SocketAddress>, Option<SocketAddress>),
    raw: Option<Rc<dyn RawSocket>>,
) -> Result<Transport, EndpointError>
where
    S: AsyncRead + AsyncWrite + Unpin + 'static,
    K: Shared + Unpin + 'static,
{
    let state = Rc::new(TransportState::new(peer, local, raw));
    let transport = Transport::from_state(state.clone());
    protocol
        .cell()
        .borrow_mut()
        .connection_made(transport.clone());
    corio_runtime::try_spawn(Driver::new(stream, protocol, state))?;
    Ok(transport)
}

/// The names of a connection, for its transport.
pub(super) fn names<C: Connection>(conn: &C) -> (Option<SocketAddress>, Option<SocketAddress>) {
    (conn.peer(), conn.local())
}

/// Runs `protocol` on a plain connection of either family (seen as `wrap` makes it).
pub(super) fn run_on<C, P, K>(
    conn: C,
    protocol: P,
    wrap: fn(Rc<RefCell<P>>) -> K,
) -> Result<(Transport, Rc<RefCell<P>>), EndpointError>
where
    C: Connection,
    K: Shared<P = P> + Unpin + 'static,
{
    let names = names(&conn);
    let raw = conn.raw();
    let protocol = Rc::new(RefCell::new(protocol));
    let transport = attach(conn, wrap(protocol.clone()), names, Some(raw))?;
    Ok((transport, protocol))
}

/// Accepts on `listener` until the server is closed or dropped, handing each connection to
/// `on_conn`: the accept loop of every protocol server, plain or TLS, TCP or Unix.
pub(super) fn serve<L: Listening>(
    listener: L,
    mut on_conn: impl FnMut(L::Conn) + 'static,
) -> Result<ProtocolServer, EndpointError> {
    let local = listener.sockname();
    let accept = corio_runtime::try_spawn(async move {
        loop {
            match std::future::poll_fn(|cx| listener.poll_accept_conn(cx)).await {
                Ok(conn) => on_conn(conn),
                Err(e) => accept_error(e).await,
            }
        }
    })?;
    Ok(ProtocolServer {
        accept: Some(accept.cancel_on_drop()),
        local,
    })
}

/// [`serve`] with a fresh protocol on each connection.
fn serve_plain<L, P, F>(listener: L, mut factory: F) -> Result<ProtocolServer, EndpointError>
where
    L: Listening,
    P: Protocol,
    F: FnMut() -> P + 'static,
{
    serve(listener, move |conn| {
        if let Err(e) = run_on(conn, factory(), Plain) {
            log::error!("protocol server: {e}");
        }
    })
}

/// Connects to `addr` over TCP and runs a protocol made by `factory` on the connection
/// (asyncio's `loop.create_connection`). Returns the transport and the protocol, after
/// `connection_made` ran.
///
/// The protocol is shared with the transport's task as `Rc<RefCell<P>>`: borrow it between
/// callbacks (never across an `.await`, or a callback would find it borrowed and panic).
///
/// # Errors
///
/// [`EndpointError::Io`] if the name does not resolve or the connection fails;
/// [`EndpointError::Loop`] outside a running loop.
///
/// # Cancel safety
///
/// Cancel safe until it returns: a cancelled call leaves no socket and made no protocol.
///
/// # Examples
///
/// See [`Transport`].
pub async fn create_connection<P, F>(
    factory: F,
    addr: impl crate::ToSocketAddrs,
) -> Result<(Transport, Rc<RefCell<P>>), EndpointError>
where
    P: Protocol,
    F: FnOnce() -> P,
{
    let stream = TcpStream::connect(addr).await?;
    run_on(stream, factory(), Plain)
}

/// [`create_connection`] with asyncio's keyword arguments, as [`ConnectOptions`] holds them:
/// `happy_eyeballs_delay` and `interleave`, a per-address timeout, `local_addr`, and TLS
/// (`ssl=` with `server_hostname=`, and `ssl_handshake_timeout`). The options' reader
/// `limit` does not apply to protocols.
///
/// # Errors
///
/// As [`create_connection`]; `TimedOut` after the timeout; with TLS, the handshake's
/// error (kind `InvalidData` for a bad certificate).
///
/// # Cancel safety
///
/// As [`create_connection`]: a cancelled call closes every attempt it made.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use corio_net::ConnectOptions;
/// use corio_net::protocol::{BaseProtocol, Protocol, create_connection_with, create_server};
///
/// struct Quiet;
/// impl BaseProtocol for Quiet {}
/// impl Protocol for Quiet {
///     fn data_received(&mut self, _: &[u8]) {}
/// }
///
/// corio_runtime::run(async {
///     let server = create_server(|| Quiet, "127.0.0.1:0").await?;
///     let options = ConnectOptions::new().happy_eyeballs_delay(Duration::from_millis(250));
///     let (t, _) = create_connection_with(|| Quiet, server.local_addr()?, &options).await?;
///     assert_eq!(t.peername().and_then(|a| a.as_inet()), Some(server.local_addr()?));
///     Ok::<(), Box<dyn std::error::Error>>(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn create_connection_with<P, F>(
    factory: F,
    addr: impl crate::ToSocketAddrs,
    options: &ConnectOptions,
) -> Result<(Transport, Rc<RefCell<P>>), EndpointError>
where
    P: Protocol,
    F: FnOnce() -> P,
{
    let stream = crate::tcp::connect_with(&addr, options).await?;
    run_with(stream, factory, options).await
}

/// [`create_unix_connection`] with options: the connect timeout and TLS (asyncio's `ssl=`,
/// `server_hostname=` and `ssl_handshake_timeout` of `create_unix_connection`).
///
/// # Errors
///
/// As [`create_connection_with`].
///
/// # Cancel safety
///
/// As [`create_connection`].
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use corio_net::ConnectOptions;
/// use corio_net::protocol::{BaseProtocol, Protocol, create_unix_connection_with, create_unix_server};
///
/// struct Quiet;
/// impl BaseProtocol for Quiet {}
/// impl Protocol for Quiet {
///     fn data_received(&mut self, _: &[u8]) {}
/// }
///
/// let path = std::env::temp_dir().join(format!("corio-doc-cucw-{}.sock", std::process::id()));
/// let _ = std::fs::remove_file(&path);
/// let p = path.clone();
/// corio_runtime::run(async move {
///     let _server = create_unix_server(|| Quiet, &p).await?;
///     let options = ConnectOptions::new().timeout(Duration::from_secs(5));
///     let (t, _) = create_unix_connection_with(|| Quiet, &p, &options).await?;
///     assert!(t.sockname().is_some());
///     Ok::<(), Box<dyn std::error::Error>>(())
/// })??;
/// std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn create_unix_connection_with<P, F>(
    factory: F,
    path: impl AsRef<Path>,
    options: &ConnectOptions,
) -> Result<(Transport, Rc<RefCell<P>>), EndpointError>
where
    P: Protocol,
    F: FnOnce() -> P,
{
    let stream = crate::socket::with_timeout(options.timeout, UnixStream::connect(path)).await?;
    run_with(stream, factory, options).await
}

/// A protocol on a new connection of either family, after the TLS handshake when the
/// options ask for one.
async fn run_with<C, P, F>(
    conn: C,
    factory: F,
    options: &ConnectOptions,
) -> Result<(Transport, Rc<RefCell<P>>), EndpointError>
where
    C: Connection,
    P: Protocol,
    F: FnOnce() -> P,
{
    #[cfg(feature = "tls")]
    if let Some(tls) = &options.tls {
        let handshake = super::tls::connect_tls(conn, factory, tls);
        return match corio_runtime::timeout(options.tls_handshake_timeout, handshake).await {
            Ok(result) => result,
            Err(_) => {
                Err(io::Error::new(io::ErrorKind::TimedOut, "TLS handshake timed out").into())
            }
        };
    }
    #[cfg(not(feature = "tls"))]
    let _ = options;
    run_on(conn, factory(), Plain)
}

/// [`create_connection`] for a [`BufferedProtocol`], which lends its own buffer to reads.
///
/// # Errors
///
/// As [`create_connection`].
///
/// # Cancel safety
///
/// As [`create_connection`].
///
/// # Examples
///
/// ```
/// use corio_net::protocol::{BaseProtocol, BufferedProtocol, create_buffered_connection, create_server};
/// # use corio_net::protocol::{Protocol, Transport};
/// # #[derive(Default)] struct Echo(Option<Transport>);
/// # impl BaseProtocol for Echo { fn connection_made(&mut self, t: Transport) { self.0 = Some(t); } }
/// # impl Protocol for Echo { fn data_received(&mut self, d: &[u8]) { self.0.as_ref().unwrap().write(d).unwrap(); } }
///
/// #[derive(Default)]
/// struct Collect { buf: Vec<u8>, got: Vec<u8> }
/// impl BaseProtocol for Collect {}
/// impl BufferedProtocol for Collect {
///     fn get_buffer(&mut self, hint: usize) -> &mut [u8] {
///         self.buf.resize(hint, 0);
///         &mut self.buf
///     }
///     fn buffer_updated(&mut self, n: usize) {
///         self.got.extend_from_slice(&self.buf[..n]);
///     }
/// }
///
/// corio_runtime::run(async {
///     let server = create_server(Echo::default, "127.0.0.1:0").await?;
///     let (t, p) = create_buffered_connection(Collect::default, server.local_addr()?).await?;
///     t.write(b"buffered")?;
///     while p.borrow().got.len() < 8 {
///         corio_runtime::sleep(std::time::Duration::from_millis(1)).await;
///     }
///     assert_eq!(p.borrow().got, b"buffered");
///     Ok::<(), Box<dyn std::error::Error>>(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn create_buffered_connection<P, F>(
    factory: F,
    addr: impl crate::ToSocketAddrs,
) -> Result<(Transport, Rc<RefCell<P>>), EndpointError>
where
    P: BufferedProtocol,
    F: FnOnce() -> P,
{
    let stream = TcpStream::connect(addr).await?;
    run_on(stream, factory(), Buffered)
}

/// Connects to the Unix socket at `path` and runs a protocol on it (asyncio's
/// `loop.create_unix_connection`).
///
/// # Errors
///
/// As [`create_connection`].
///
/// # Cancel safety
///
/// As [`create_connection`].
///
/// # Examples
///
/// ```
/// use corio_net::protocol::{BaseProtocol, Protocol, create_unix_connection, create_unix_server};
///
/// #[derive(Default)]
/// struct Sink(Vec<u8>);
/// impl BaseProtocol for Sink {}
/// impl Protocol for Sink {
///     fn data_received(&mut self, d: &[u8]) {
///         self.0.extend_from_slice(d);
///     }
/// }
///
/// let dir = std::env::temp_dir().join(format!("corio-doc-unix-{}", std::process::id()));
/// let _ = std::fs::remove_file(&dir);
/// let path = dir.clone();
/// corio_runtime::run(async move {
///     let server = create_unix_server(Sink::default, &path).await?;
///     let (t, _) = create_unix_connection(Sink::default, &path).await?;
///     t.write(b"over unix")?;
///     t.close();
///     server.close();
///     Ok::<(), Box<dyn std::error::Error>>(())
/// })??;
/// let _ = std::fs::remove_file(&dir);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn create_unix_connection<P, F>(
    factory: F,
    path: impl AsRef<Path>,
) -> Result<(Transport, Rc<RefCell<P>>), EndpointError>
where
    P: Protocol,
    F: FnOnce() -> P,
{
    let stream = UnixStream::connect(path).await?;
    run_on(stream, factory(), Plain)
}

/// A server made by [`create_server`] or [`create_unix_server`]: it accepts connections
/// and runs a fresh protocol on each, until closed or dropped (asyncio's `Server` for
/// protocols). Closing stops accepting; connections already made go on, as in asyncio.
///
/// # Examples
///
/// See [`Transport`].
pub struct ProtocolServer {
    pub(super) accept: Option<CancelOnDrop<()>>,
    pub(super) local: Option<SocketAddress>,
}

impl ProtocolServer {
    /// The address the server listens on (asyncio's `server.sockets[0].getsockname()`).
    ///
    /// # Errors
    ///
    /// An [`io::ErrorKind::AddrNotAvailable`] error for a Unix server with no path name.
    ///
    /// # Examples
    ///
    /// See [`Transport`].
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.local
            .as_ref()
            .and_then(SocketAddress::as_inet)
            .ok_or_else(|| io::Error::new(io::ErrorKind::AddrNotAvailable, "not a TCP server"))
    }

    /// The address the server listens on, TCP or Unix.
    ///
    /// # Examples
    ///
    /// See [`Transport`].
    pub fn sockname(&self) -> Option<&SocketAddress> {
        self.local.as_ref()
    }

    /// Stops accepting and closes the listening socket (asyncio's `Server.close`).
    ///
    /// # Examples
    ///
    /// See [`Transport`].
    pub fn close(&self) {
        if let Some(task) = &self.accept {
            task.cancel();
        }
    }

    /// Whether the server still accepts (asyncio's `is_serving`).
    ///
    /// # Examples
    ///
    /// See [`Transport`].
    pub fn is_serving(&self) -> bool {
        self.accept.as_ref().is_some_and(|t| !t.done())
    }

    /// Waits until the listening socket is closed (asyncio's `wait_closed`).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// # Examples
    ///
    /// See [`Transport`].
    pub async fn wait_closed(&mut self) {
        if let Some(task) = self.accept.as_mut() {
            let _ = task.await;
        }
    }
}

impl fmt::Debug for ProtocolServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProtocolServer")
            .field("local", &self.local)
            .field("serving", &self.is_serving())
            .finish()
    }
}

/// Listens on `addr` over TCP and runs a protocol made by `factory` on each connection it
/// accepts (asyncio's `loop.create_server`, serving at once).
///
/// # Errors
///
/// [`EndpointError::Io`] if the name does not resolve or the address cannot be bound;
/// [`EndpointError::Loop`] outside a running loop.
///
/// # Cancel safety
///
/// Cancel safe: a cancelled call leaves no socket.
///
/// # Examples
///
/// See [`Transport`].
pub async fn create_server<P, F>(
    factory: F,
    addr: impl crate::ToSocketAddrs,
) -> Result<ProtocolServer, EndpointError>
where
    P: Protocol,
    F: FnMut() -> P + 'static,
{
    serve_plain(TcpListener::bind(addr).await?, factory)
}

/// Listens on the Unix socket `path` and runs a protocol on each connection (asyncio's
/// `loop.create_unix_server`).
///
/// # Errors
///
/// As [`create_server`] (the path must not exist yet).
///
/// # Cancel safety
///
/// Cancel safe.
///
/// # Examples
///
/// See [`create_unix_connection`].
pub async fn create_unix_server<P, F>(
    factory: F,
    path: impl AsRef<Path>,
) -> Result<ProtocolServer, EndpointError>
where
    P: Protocol,
    F: FnMut() -> P + 'static,
{
    serve_plain(UnixListener::bind(path)?, factory)
}

/// What the accept loop does on an error: asyncio logs it and, for running out of
/// descriptors or memory, stops accepting for a second so that the loop does not spin.
pub(super) async fn accept_error(e: io::Error) {
    log::error!("accept failed: {e}");
    if crate::streams::is_resource_error(&e) {
        corio_runtime::sleep(std::time::Duration::from_secs(1)).await;
    }
}

/// Makes a UDP endpoint (asyncio's `loop.create_datagram_endpoint`): bound to `local_addr`
/// (any port on the unspecified address of the remote's family if `None`), connected to
/// `remote_addr` if given. Returns the transport and the protocol after `connection_made`.
///
/// # Errors
///
/// [`EndpointError::Io`] if an address does not resolve, or the bind or connect fails (also
/// when neither address is given); [`EndpointError::Loop`] outside a running loop.
///
/// # Cancel safety
///
/// Cancel safe.
///
/// # Examples
///
/// See [`DatagramTransport`].
pub async fn create_datagram_endpoint<P, F>(
    factory: F,
    local_addr: Option<impl crate::ToSocketAddrs>,
    remote_addr: Option<impl crate::ToSocketAddrs>,
) -> Result<(DatagramTransport, Rc<RefCell<P>>), EndpointError>
where
    P: DatagramProtocol,
    F: FnOnce() -> P,
{
    let remote = match remote_addr {
        Some(a) => Some(first_addr(a).await?),
        None => None,
    };
    let local = match local_addr {
        Some(a) => first_addr(a).await?,
        None => match remote {
            Some(SocketAddr::V6(_)) => SocketAddr::from(([0u16; 8], 0)),
            Some(SocketAddr::V4(_)) => SocketAddr::from(([0u8; 4], 0)),
            None => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "create_datagram_endpoint needs a local or a remote address",
                )
                .into());
            }
        },
    };
    let socket = UdpSocket::bind(local)?;
    if let Some(r) = remote {
        socket.connect(r)?;
    }
    let socket = Async::new(socket)?;
    let protocol = Rc::new(RefCell::new(factory()));
    let (transport, driver) = datagram::start(socket, remote, protocol.clone());
    corio_runtime::try_spawn(driver)?;
    Ok((transport, protocol))
}

async fn first_addr(addr: impl crate::ToSocketAddrs) -> io::Result<SocketAddr> {
    crate::resolve::resolve(&addr)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no address to use"))
}
