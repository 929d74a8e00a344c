//! The endpoint calls: `create_connection`, `create_server`, their Unix twins and
//! `create_datagram_endpoint`, as free functions on the running loop and as loop methods.
//! Protocol servers are the streams' [`Server`], with a protocol per connection instead
//! of a callback task.

use std::cell::RefCell;
use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::path::Path;
use std::rc::Rc;

use corio_reactor::Async;
use futures_io::{AsyncRead, AsyncWrite};

use super::BaseProtocol;
use super::driver::{Buffered, Driver, Plain, Shared};
use super::transport::TransportState;
use super::{
    BufferedProtocol, DatagramProtocol, DatagramTransport, EndpointError, Protocol, SocketAddress,
    Transport, datagram,
};
use crate::family::{AnyConnection, Connection, RawSocket, with_connection};
use crate::streams::{ClientHandle, ConnectionGuard, ServeConn, bind_tcp, bind_unix};
use crate::{ConnectOptions, Server, ServerOptions, TcpStream, UnixStream};

/// Calls `connection_made` and spawns the transport task of a connected stream. `raw` is
/// the socket under a plain (not TLS) stream, for `sendfile`; `guard` counts a server's
/// connection until its transport task ends.
pub(super) fn attach<S, K>(
    stream: S,
    protocol: K,
    (peer, local): (Option<SocketAddress>, Option<SocketAddress>),
    raw: Option<Rc<dyn RawSocket>>,
    guard: Option<ConnectionGuard>,
) -> Result<Transport, EndpointError>
where
    S: AsyncRead + AsyncWrite + Unpin + 'static,
    K: Shared + Unpin + 'static,
{
    let state = Rc::new(TransportState::new(peer, local, raw));
    attach_state(stream, protocol, state, guard)
}

/// [`attach`] with the transport's state made by the caller (a pipe's, of its own kind).
pub(super) fn attach_state<S, K>(
    stream: S,
    protocol: K,
    state: Rc<TransportState>,
    guard: Option<ConnectionGuard>,
) -> Result<Transport, EndpointError>
where
    S: AsyncRead + AsyncWrite + Unpin + 'static,
    K: Shared + Unpin + 'static,
{
    let transport = Transport::from_state(state.clone());
    protocol
        .cell()
        .borrow_mut()
        .connection_made(transport.clone());
    let driver = Driver::new(stream, protocol, state);
    match guard {
        None => drop(corio_runtime::try_spawn(driver)?),
        Some(guard) => {
            guard.set_handle(transport.clone());
            drop(corio_runtime::try_spawn(async move {
                driver.await;
                drop(guard);
            })?);
        }
    }
    Ok(transport)
}

impl ClientHandle for Transport {
    fn close_client(&self) {
        self.close();
    }
    fn abort_client(&self) {
        self.abort();
    }
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
    guard: Option<ConnectionGuard>,
) -> Result<(Transport, Rc<RefCell<P>>), EndpointError>
where
    C: Connection,
    K: Shared<P = P> + Unpin + 'static,
{
    let names = names(&conn);
    let raw = conn.raw();
    let protocol = Rc::new(RefCell::new(protocol));
    let transport = attach(conn, wrap(protocol.clone()), names, Some(raw), guard)?;
    Ok((transport, protocol))
}

/// A protocol server's [`ServeConn`]: a fresh protocol on each connection, after the TLS
/// handshake (in a task of its own, within the options' handshake timeout) if the options
/// ask for one.
pub(super) fn protocol_conn<P, F>(factory: F, options: &ServerOptions) -> ServeConn
where
    P: Protocol,
    F: FnMut() -> P + 'static,
{
    let factory = Rc::new(RefCell::new(factory));
    #[cfg(feature = "tls")]
    if let Some(tls) = options.tls.clone() {
        let timeout = options.tls_handshake_timeout;
        return Box::new(move |conn: AnyConnection, guard: ConnectionGuard| {
            let (tls, factory) = (tls.clone(), Rc::clone(&factory));
            guard.spawn_with(move |guard| async move {
                let make = || (factory.borrow_mut())();
                let handshake = async {
                    with_connection!(conn, |s| {
                        super::tls::run_tls(s, |s| tls.handshake(s), make, Some(guard)).await
                    })
                };
                match corio_runtime::timeout(timeout, handshake).await {
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => log::debug!("TLS protocol server: {e}"),
                    Err(_) => log::debug!("TLS protocol server: handshake timed out"),
                }
            });
        });
    }
    #[cfg(not(feature = "tls"))]
    let _ = options;
    Box::new(move |conn: AnyConnection, guard: ConnectionGuard| {
        let protocol = (factory.borrow_mut())();
        if let Err(e) = with_connection!(conn, |s| run_on(s, protocol, Plain, Some(guard))) {
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
    run_on(stream, factory(), Plain, None)
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
/// assert!(!path.exists()); // the server removed it when it closed
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
        let handshake = super::tls::run_tls(conn, |c| tls.handshake(c), factory, None);
        return super::tls::within(options.tls_handshake_timeout, handshake).await;
    }
    #[cfg(not(feature = "tls"))]
    let _ = options;
    run_on(conn, factory(), Plain, None)
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
    run_on(stream, factory(), Buffered, None)
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
    run_on(stream, factory(), Plain, None)
}

/// Listens on `addr` over TCP (every address it resolves to, as asyncio does) and runs a
/// protocol made by `factory` on each connection it accepts (asyncio's
/// `loop.create_server`, serving at once). The [`Server`] is the streams' one, with all of
/// asyncio's `Server` API: `close`, `wait_closed` (until every connection is lost),
/// `serve_forever`, `close_clients`, `abort_clients`...; dropping it closes it.
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
) -> Result<Server, EndpointError>
where
    P: Protocol,
    F: FnMut() -> P + 'static,
{
    create_server_with(factory, addr, ServerOptions::new()).await
}

/// [`create_server`] with asyncio's keyword arguments as [`ServerOptions`] holds them:
/// `start_serving=False` (then [`Server::start_serving`] or [`Server::serve_forever`]
/// starts it), `backlog`, `reuse_port`, and TLS (`ssl=` and `ssl_handshake_timeout`). The
/// options' reader `limit` does not apply to protocols.
///
/// # Errors
///
/// As [`create_server`].
///
/// # Cancel safety
///
/// Cancel safe.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use corio_net::ServerOptions;
/// use corio_net::protocol::{BaseProtocol, Protocol, Transport, create_connection, create_server_with};
///
/// #[derive(Default)]
/// struct Hello;
/// impl BaseProtocol for Hello {
///     fn connection_made(&mut self, t: Transport) {
///         t.write(b"hello").unwrap();
///         t.close();
///     }
/// }
/// impl Protocol for Hello {
///     fn data_received(&mut self, _: &[u8]) {}
/// }
///
/// corio_runtime::run(async {
///     let options = ServerOptions::new().start_serving(false).backlog(16);
///     let server = create_server_with(Hello::default, "127.0.0.1:0", options).await?;
///     assert!(!server.is_serving());
///     let addr = server.local_addr()?;
///     // serve_forever starts serving; the timeout cancels it, which closes the server.
///     let serve = corio_runtime::timeout(Duration::from_millis(50), server.serve_forever());
///     let client = async {
///         let (t, _) = create_connection(|| Hello, addr).await?;
///         Ok::<_, Box<dyn std::error::Error>>(t)
///     };
///     let (_, client) = futures_lite::future::zip(serve, client).await;
///     assert!(client?.peername().is_some());
///     assert!(!server.is_serving() && server.sockets().is_empty());
///     server.wait_closed().await; // every connection is lost by now or soon
///     Ok::<(), Box<dyn std::error::Error>>(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn create_server_with<P, F>(
    factory: F,
    addr: impl crate::ToSocketAddrs,
    options: ServerOptions,
) -> Result<Server, EndpointError>
where
    P: Protocol,
    F: FnMut() -> P + 'static,
{
    let listeners = bind_tcp(&addr, &options).await?;
    let serve_conn = protocol_conn(factory, &options);
    Ok(Server::new(listeners, serve_conn, &options, None)?)
}

/// Listens on the Unix socket `path` and runs a protocol on each connection (asyncio's
/// `loop.create_unix_server`). The socket file is removed when the server closes.
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
) -> Result<Server, EndpointError>
where
    P: Protocol,
    F: FnMut() -> P + 'static,
{
    create_unix_server_with(factory, path, ServerOptions::new()).await
}

/// [`create_unix_server`] with options: `start_serving`, `backlog`, TLS (`reuse_port` does
/// not apply).
///
/// # Errors
///
/// As [`create_unix_server`].
///
/// # Cancel safety
///
/// Cancel safe.
///
/// # Examples
///
/// ```
/// use corio_net::ServerOptions;
/// use corio_net::protocol::{BaseProtocol, Protocol, create_unix_server_with};
///
/// struct Quiet;
/// impl BaseProtocol for Quiet {}
/// impl Protocol for Quiet {
///     fn data_received(&mut self, _: &[u8]) {}
/// }
///
/// let path = std::env::temp_dir().join(format!("corio-doc-cusw-{}.sock", std::process::id()));
/// let _ = std::fs::remove_file(&path);
/// let p = path.clone();
/// corio_runtime::run(async move {
///     let options = ServerOptions::new().start_serving(false);
///     let server = create_unix_server_with(|| Quiet, &p, options).await?;
///     assert!(!server.is_serving());
///     server.start_serving()?;
///     assert!(server.is_serving());
///     server.close();
///     server.wait_closed().await;
///     Ok::<(), Box<dyn std::error::Error>>(())
/// })??;
/// assert!(!path.exists()); // removed on close
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn create_unix_server_with<P, F>(
    factory: F,
    path: impl AsRef<Path>,
    options: ServerOptions,
) -> Result<Server, EndpointError>
where
    P: Protocol,
    F: FnMut() -> P + 'static,
{
    let path = path.as_ref();
    let serve_conn = protocol_conn(factory, &options);
    let listeners = bind_unix(path, &options)?;
    Ok(Server::new(
        listeners,
        serve_conn,
        &options,
        Some(path.to_owned()),
    )?)
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
