//! [`Server`], [`start_server`] and [`start_unix_server`]: asyncio's servers. One
//! `Server` type serves both asyncio APIs: the stream servers here hand each connection to
//! a callback task; the protocol servers (`create_server`, in `crate::protocol`) run a
//! protocol on it. Listening, accepting, `serve_forever`, `close`, `wait_closed` and the
//! client bookkeeping are this file's, whoever handles the connections.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::{Future, poll_fn};
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Poll, Waker};
use std::time::Duration;

use corio_runtime::{CallbackOutput, Report, ReportKind, Task};

use crate::family::{AnyConnection, Listening, with_connection};
use crate::resolve::{ToSocketAddrs, resolve};
use crate::streams::open::streams;
use crate::streams::reader::DEFAULT_LIMIT;
use crate::tcp::DEFAULT_BACKLOG;
use crate::{SocketAddress, StreamReader, StreamWriter, TcpListener, UnixListener};

/// How long accepting pauses after the process ran out of descriptors or memory
/// (asyncio's `ACCEPT_RETRY_DELAY`).
const ACCEPT_RETRY_DELAY: Duration = Duration::from_secs(1);

/// The options of [`start_server_with`] (asyncio's keyword arguments of `start_server`).
///
/// # Examples
///
/// ```
/// let options = corio_net::ServerOptions::new().limit(1024).backlog(16).start_serving(false);
/// # drop(options);
/// ```
#[derive(Clone, Debug)]
pub struct ServerOptions {
    limit: usize,
    backlog: i32,
    reuse_port: bool,
    start_serving: bool,
    #[cfg(feature = "tls")]
    pub(crate) tls: Option<crate::tls::ServerTls>,
    #[cfg(feature = "tls")]
    pub(crate) tls_handshake_timeout: Duration,
}

impl Default for ServerOptions {
    fn default() -> ServerOptions {
        ServerOptions {
            limit: DEFAULT_LIMIT,
            backlog: DEFAULT_BACKLOG,
            reuse_port: false,
            start_serving: true,
            #[cfg(feature = "tls")]
            tls: None,
            #[cfg(feature = "tls")]
            tls_handshake_timeout: crate::tls::DEFAULT_HANDSHAKE_TIMEOUT,
        }
    }
}

impl ServerOptions {
    /// The defaults: 64 KiB reader limit, a backlog of 1024, serving at once.
    ///
    /// # Examples
    ///
    /// See [`ServerOptions`].
    #[must_use]
    pub fn new() -> ServerOptions {
        ServerOptions::default()
    }

    /// The readers' buffer limit (asyncio's `limit=`).
    ///
    /// # Examples
    ///
    /// See [`ServerOptions`].
    #[must_use]
    pub fn limit(mut self, limit: usize) -> ServerOptions {
        self.limit = limit;
        self
    }

    /// The listen backlog (asyncio's `backlog=`).
    ///
    /// # Examples
    ///
    /// See [`ServerOptions`].
    #[must_use]
    pub fn backlog(mut self, backlog: u32) -> ServerOptions {
        self.backlog = i32::try_from(backlog).unwrap_or(i32::MAX);
        self
    }

    /// `SO_REUSEPORT` on the listening sockets (asyncio's `reuse_port=`).
    ///
    /// # Examples
    ///
    /// ```
    /// let options = corio_net::ServerOptions::new().reuse_port(true);
    /// # drop(options);
    /// ```
    #[must_use]
    pub fn reuse_port(mut self, on: bool) -> ServerOptions {
        self.reuse_port = on;
        self
    }

    /// Whether to accept at once (asyncio's `start_serving=`, true by default); else
    /// [`Server::start_serving`] or [`Server::serve_forever`] starts it.
    ///
    /// # Examples
    ///
    /// See [`ServerOptions`].
    #[must_use]
    pub fn start_serving(mut self, on: bool) -> ServerOptions {
        self.start_serving = on;
        self
    }
}

/// A listening socket of a [`Server`].
pub(crate) enum Listener {
    Tcp(TcpListener),
    Unix(UnixListener),
}

impl Listener {
    fn poll_accept(&self, cx: &mut std::task::Context<'_>) -> Poll<io::Result<AnyConnection>> {
        match self {
            Listener::Tcp(l) => l.poll_accept_conn(cx).map_ok(AnyConnection::Tcp),
            Listener::Unix(l) => l.poll_accept_conn(cx).map_ok(AnyConnection::Unix),
        }
    }
}

type Handler = Rc<dyn Fn(StreamReader, StreamWriter) -> Pin<Box<dyn Future<Output = ()>>>>;

/// What a server does with each accepted connection: start a stream callback's task, or
/// run a protocol. The guard counts the connection until it is dropped.
pub(crate) type ServeConn = Box<dyn Fn(AnyConnection, ConnectionGuard)>;

/// An accepted connection as `close_clients`/`abort_clients` reach it: a stream writer or
/// a protocol's transport.
pub(crate) trait ClientHandle {
    /// Closes once what is buffered is sent.
    fn close_client(&self);
    /// Closes at once (a stream client's task is cancelled instead: nothing to do here).
    fn abort_client(&self) {}
}

impl ClientHandle for StreamWriter {
    fn close_client(&self) {
        self.close();
    }
}

/// The live connections of a server, for `wait_closed`.
#[derive(Default)]
struct Connections {
    active: Cell<usize>,
    wakers: RefCell<Vec<Waker>>,
    /// Each live connection's task and (once its streams are made) writer, for
    /// `close_clients` / `abort_clients`.
    clients: RefCell<slab::Slab<Client>>,
}

#[derive(Default)]
struct Client {
    task: Option<Task<()>>,
    handle: Option<Box<dyn ClientHandle>>,
}

/// Counts one connection while it lives (held by its task, so also when that is cancelled
/// or panics) and removes its entry from the clients when it ends.
pub(crate) struct ConnectionGuard {
    conns: Rc<Connections>,
    key: usize,
}

impl ConnectionGuard {
    fn new(conns: &Rc<Connections>) -> ConnectionGuard {
        conns.active.set(conns.active.get() + 1);
        let key = conns.clients.borrow_mut().insert(Client::default());
        ConnectionGuard {
            conns: Rc::clone(conns),
            key,
        }
    }

    /// Makes the connection reachable by `close_clients` and `abort_clients`.
    pub(crate) fn set_handle(&self, handle: impl ClientHandle + 'static) {
        if let Some(client) = self.conns.clients.borrow_mut().get_mut(self.key) {
            client.handle = Some(Box::new(handle));
        }
    }

    /// Spawns the connection's task, which owns this guard, and records it for
    /// `abort_clients`.
    pub(crate) fn spawn_with<Fut>(self, make: impl FnOnce(ConnectionGuard) -> Fut)
    where
        Fut: Future<Output = ()> + 'static,
    {
        let (conns, key) = (Rc::clone(&self.conns), self.key);
        match corio_runtime::try_spawn(make(self)) {
            Ok(task) => {
                if let Some(client) = conns.clients.borrow_mut().get_mut(key) {
                    client.task = Some(task);
                }
            }
            Err(e) => log::error!("cannot start a connection task: {e}"),
        }
    }
}

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        let conns = &self.conns;
        // Taken out before it drops: dropping a writer or task runs no code of ours,
        // but keep the borrow short anyway.
        let entry = conns.clients.borrow_mut().try_remove(self.key);
        drop(entry);
        conns.active.set(conns.active.get() - 1);
        if conns.active.get() == 0 {
            for w in conns.wakers.borrow_mut().drain(..) {
                w.wake();
            }
        }
    }
}

struct Inner {
    /// The listening sockets; emptied (closed) by `close`.
    listeners: RefCell<Vec<Listener>>,
    /// Their addresses, kept after close (asyncio's `sockets` is empty then).
    addrs: Vec<SocketAddress>,
    serving: Cell<bool>,
    closed: Cell<bool>,
    /// One accept task per listener while serving. They hold only a `Weak` to this.
    accept_tasks: RefCell<Vec<Task<()>>>,
    conns: Rc<Connections>,
    /// Woken by `close` (for `serve_forever`).
    close_wakers: RefCell<Vec<Waker>>,
    serve_conn: ServeConn,
    /// The Unix socket file to remove on close.
    unix_path: Option<PathBuf>,
}

/// A listening server (asyncio's `Server`), from [`start_server`] or
/// [`start_unix_server`], where each accepted connection runs the callback as a task of its
/// own with a `(StreamReader, StreamWriter)` pair, or from the protocol servers
/// ([`create_server`](crate::protocol::create_server),
/// [`create_unix_server`](crate::protocol::create_unix_server), their `_with` and TLS
/// forms), where each runs a fresh protocol. Both have asyncio's whole `Server` API.
///
/// [`close`](Server::close) stops listening (connections already accepted go on);
/// [`wait_closed`](Server::wait_closed) waits until those have ended too. Dropping the
/// `Server` closes it, as `async with server:` does. It belongs to its loop's thread:
///
/// ```compile_fail
/// fn send<T: Send>() {}
/// send::<corio_net::Server>();
/// ```
///
/// # Examples
///
/// ```
/// use corio_net::{open_connection, start_server};
///
/// corio_runtime::run(async {
///     let server = start_server(
///         |_reader, writer| async move {
///             writer.write(b"hello\n").unwrap();
///             writer.close();
///             writer.wait_closed().await
///         },
///         "127.0.0.1:0",
///     )
///     .await?;
///     let addr = server.sockets()[0].as_inet().unwrap();
///     let (mut reader, _writer) = open_connection(addr).await?;
///     assert_eq!(reader.readline().await.unwrap(), b"hello\n");
///     server.close();
///     server.wait_closed().await;
///     assert!(open_connection(addr).await.is_err()); // no longer listening
///     std::io::Result::Ok(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Server {
    inner: Rc<Inner>,
}

/// Starts a TCP server on `addr` (every address the host resolves to, as asyncio does)
/// that runs `client_connected_cb(reader, writer)` as a task for each connection
/// (`asyncio.start_server`).
///
/// The callback's future may return `()` or a `Result<(), E>`; an error is reported to
/// the loop's exception handler, as asyncio reports an exception in the callback.
///
/// # Errors
///
/// The resolver's or the bind error (e.g. `AddrInUse`); `NoRunningLoop`-style errors
/// (an `io::Error`) outside a running loop.
///
/// # Cancel safety
///
/// Cancel safe: a cancelled start leaves nothing listening.
///
/// # Examples
///
/// See [`Server`].
pub async fn start_server<F, Fut>(
    client_connected_cb: F,
    addr: impl ToSocketAddrs,
) -> io::Result<Server>
where
    F: Fn(StreamReader, StreamWriter) -> Fut + 'static,
    Fut: Future + 'static,
    Fut::Output: CallbackOutput,
{
    start_server_with(client_connected_cb, addr, ServerOptions::default()).await
}

/// [`start_server`] with options: reader limit, backlog, `SO_REUSEPORT`, whether to
/// serve at once, TLS.
///
/// # Errors
///
/// As [`start_server`].
///
/// # Cancel safety
///
/// Cancel safe.
///
/// # Examples
///
/// ```
/// use corio_net::{ServerOptions, start_server_with};
///
/// corio_runtime::run(async {
///     let options = ServerOptions::new().start_serving(false);
///     let server = start_server_with(|_r, _w| async {}, "127.0.0.1:0", options).await?;
///     assert!(!server.is_serving());
///     server.start_serving()?;
///     assert!(server.is_serving());
///     std::io::Result::Ok(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn start_server_with<F, Fut>(
    client_connected_cb: F,
    addr: impl ToSocketAddrs,
    options: ServerOptions,
) -> io::Result<Server>
where
    F: Fn(StreamReader, StreamWriter) -> Fut + 'static,
    Fut: Future + 'static,
    Fut::Output: CallbackOutput,
{
    let listeners = bind_tcp(&addr, &options).await?;
    let serve_conn = stream_conn(handler(client_connected_cb), &options);
    Server::new(listeners, serve_conn, &options, None)
}

/// Binds every address `addr` resolves to, as asyncio's `create_server` does.
pub(crate) async fn bind_tcp(
    addr: &impl ToSocketAddrs,
    options: &ServerOptions,
) -> io::Result<Vec<Listener>> {
    let mut listeners = Vec::new();
    for addr in resolve(addr).await? {
        let listener = TcpListener::bind_addr(addr, options.backlog, options.reuse_port)?;
        listeners.push(Listener::Tcp(listener));
    }
    Ok(listeners)
}

/// Binds the Unix socket `path`.
pub(crate) fn bind_unix(path: &Path, options: &ServerOptions) -> io::Result<Vec<Listener>> {
    Ok(vec![Listener::Unix(UnixListener::bind_with_backlog(
        path,
        options.backlog,
    )?)])
}

/// Starts a Unix socket server at `path` (`asyncio.start_unix_server`). The socket file is
/// removed when the server closes (as asyncio 3.13 does).
///
/// # Errors
///
/// The bind error (`AddrInUse` if the file exists).
///
/// # Cancel safety
///
/// Cancel safe.
///
/// # Examples
///
/// See [`open_unix_connection`](crate::open_unix_connection).
pub async fn start_unix_server<F, Fut>(
    client_connected_cb: F,
    path: impl AsRef<Path>,
) -> io::Result<Server>
where
    F: Fn(StreamReader, StreamWriter) -> Fut + 'static,
    Fut: Future + 'static,
    Fut::Output: CallbackOutput,
{
    start_unix_server_with(client_connected_cb, path, ServerOptions::default()).await
}

/// [`start_unix_server`] with options: reader limit, backlog, whether to serve at once,
/// TLS (`reuse_port` does not apply).
///
/// # Errors
///
/// As [`start_unix_server`].
///
/// # Cancel safety
///
/// Cancel safe.
///
/// # Examples
///
/// ```
/// use corio_net::{ServerOptions, start_unix_server_with};
///
/// corio_runtime::run(async {
///     let path = std::env::temp_dir().join(format!("corio-doc-susw-{}.sock", std::process::id()));
///     let _ = std::fs::remove_file(&path);
///     let options = ServerOptions::new().backlog(8).start_serving(false);
///     let server = start_unix_server_with(|_r, _w| async {}, &path, options).await?;
///     assert!(!server.is_serving());
///     drop(server);
///     assert!(!path.exists()); // removed on close
///     std::io::Result::Ok(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn start_unix_server_with<F, Fut>(
    client_connected_cb: F,
    path: impl AsRef<Path>,
    options: ServerOptions,
) -> io::Result<Server>
where
    F: Fn(StreamReader, StreamWriter) -> Fut + 'static,
    Fut: Future + 'static,
    Fut::Output: CallbackOutput,
{
    let path = path.as_ref();
    let serve_conn = stream_conn(handler(client_connected_cb), &options);
    Server::new(
        bind_unix(path, &options)?,
        serve_conn,
        &options,
        Some(path.to_owned()),
    )
}

fn handler<F, Fut>(f: F) -> Handler
where
    F: Fn(StreamReader, StreamWriter) -> Fut + 'static,
    Fut: Future + 'static,
    Fut::Output: CallbackOutput,
{
    Rc::new(move |reader, writer| {
        let fut = f(reader, writer);
        Box::pin(async move {
            if let Some(failure) = fut.await.into_failure() {
                report(format!(
                    "Unhandled exception in client_connected_cb: {failure}"
                ));
            }
        })
    })
}

fn report(message: String) {
    match corio_runtime::get_running_loop() {
        Ok(lp) => lp.call_exception_handler(&Report {
            kind: ReportKind::CallbackFailed,
            message,
            task: corio_runtime::current_task(),
        }),
        Err(_) => log::error!("{message}"),
    }
}

impl Server {
    /// A server on `listeners`, serving now if `options` say so.
    pub(crate) fn new(
        listeners: Vec<Listener>,
        serve_conn: ServeConn,
        options: &ServerOptions,
        unix_path: Option<PathBuf>,
    ) -> io::Result<Server> {
        let addrs = listeners
            .iter()
            .filter_map(|l| match l {
                Listener::Tcp(l) => l.sockname(),
                Listener::Unix(l) => l.sockname(),
            })
            .collect();
        let server = Server {
            inner: Rc::new(Inner {
                listeners: RefCell::new(listeners),
                addrs,
                serving: Cell::new(false),
                closed: Cell::new(false),
                accept_tasks: RefCell::new(Vec::new()),
                conns: Rc::new(Connections::default()),
                close_wakers: RefCell::new(Vec::new()),
                serve_conn,
                unix_path,
            }),
        };
        if options.start_serving {
            server.start_serving()?;
        }
        Ok(server)
    }

    /// Starts accepting connections, if not already (asyncio's `start_serving`).
    ///
    /// # Errors
    ///
    /// `NotConnected`-kind error if the server is closed; an error if no loop is running.
    ///
    /// # Examples
    ///
    /// See [`start_server_with`].
    pub fn start_serving(&self) -> io::Result<()> {
        let inner = &self.inner;
        if inner.closed.get() {
            return Err(io::Error::new(
                io::ErrorKind::NotConnected,
                "server is closed",
            ));
        }
        if inner.serving.get() {
            return Ok(());
        }
        let count = inner.listeners.borrow().len();
        let mut tasks = inner.accept_tasks.borrow_mut();
        for index in 0..count {
            let task = corio_runtime::try_spawn(accept_loop(Rc::downgrade(inner), index))
                .map_err(io::Error::other)?;
            tasks.push(task);
        }
        inner.serving.set(true);
        Ok(())
    }

    /// Serves until the server is closed or this future is cancelled (asyncio's
    /// `serve_forever`); cancelling it closes the server, as asyncio does.
    ///
    /// # Errors
    ///
    /// As [`start_serving`](Server::start_serving).
    ///
    /// # Cancel safety
    ///
    /// Dropping the future closes the server (on purpose, as asyncio's cancellation
    /// does); connections already accepted go on.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// corio_runtime::run(async {
    ///     let server = corio_net::start_server(|_r, _w| async {}, "127.0.0.1:0").await?;
    ///     // Serve for a while, then the timeout cancels serve_forever, which closes it.
    ///     let _ = corio_runtime::timeout(Duration::from_millis(10), server.serve_forever()).await;
    ///     assert!(!server.is_serving());
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn serve_forever(&self) -> io::Result<()> {
        self.start_serving()?;
        let closer = CloseOnDrop(self);
        poll_fn(|cx| {
            if self.inner.closed.get() {
                return Poll::Ready(());
            }
            let mut wakers = self.inner.close_wakers.borrow_mut();
            if !wakers.iter().any(|w| w.will_wake(cx.waker())) {
                wakers.push(cx.waker().clone());
            }
            Poll::Pending
        })
        .await;
        drop(closer);
        Ok(())
    }

    /// Stops listening: the listening sockets are closed at once (and a Unix socket's file
    /// removed); connections already accepted go on. Idempotent.
    ///
    /// # Examples
    ///
    /// See [`Server`].
    pub fn close(&self) {
        let inner = &self.inner;
        if inner.closed.replace(true) {
            return;
        }
        inner.serving.set(false);
        for task in inner.accept_tasks.borrow_mut().drain(..) {
            task.cancel();
        }
        // Dropping the listeners closes their descriptors now, not when the cancelled
        // accept tasks are next polled.
        inner.listeners.borrow_mut().clear();
        if let Some(path) = &inner.unix_path
            && let Err(e) = std::fs::remove_file(path)
        {
            log::debug!("removing {}: {e}", path.display());
        }
        for w in inner.close_wakers.borrow_mut().drain(..) {
            w.wake();
        }
    }

    /// Waits until the server is closed and every connection task has ended (asyncio
    /// 3.12's `wait_closed`).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// # Examples
    ///
    /// See [`Server`].
    pub async fn wait_closed(&self) {
        poll_fn(|cx| {
            if self.inner.closed.get() && self.inner.conns.active.get() == 0 {
                return Poll::Ready(());
            }
            if !self.inner.closed.get() {
                let mut wakers = self.inner.close_wakers.borrow_mut();
                if !wakers.iter().any(|w| w.will_wake(cx.waker())) {
                    wakers.push(cx.waker().clone());
                }
            }
            let mut wakers = self.inner.conns.wakers.borrow_mut();
            if !wakers.iter().any(|w| w.will_wake(cx.waker())) {
                wakers.push(cx.waker().clone());
            }
            Poll::Pending
        })
        .await;
    }

    /// Whether the server accepts connections (asyncio's `is_serving`).
    ///
    /// # Examples
    ///
    /// See [`start_server_with`].
    #[must_use]
    pub fn is_serving(&self) -> bool {
        self.inner.serving.get()
    }

    /// The addresses of the listening sockets (asyncio's `sockets`, whose elements one
    /// calls `getsockname()` on); empty once closed.
    ///
    /// # Examples
    ///
    /// See [`Server`].
    #[must_use]
    pub fn sockets(&self) -> &[SocketAddress] {
        if self.inner.closed.get() {
            &[]
        } else {
            &self.inner.addrs
        }
    }

    /// The first TCP address the server listens on (for a server on one address, as on
    /// `127.0.0.1:0`, the port the system chose).
    ///
    /// # Errors
    ///
    /// An [`io::ErrorKind::AddrNotAvailable`] error for a Unix server, or once closed.
    ///
    /// # Examples
    ///
    /// ```
    /// corio_runtime::run(async {
    ///     let server = corio_net::start_server(|_r, _w| async {}, "127.0.0.1:0").await?;
    ///     assert!(server.local_addr()?.port() > 0);
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.sockets()
            .iter()
            .find_map(SocketAddress::as_inet)
            .ok_or_else(|| io::Error::new(io::ErrorKind::AddrNotAvailable, "no TCP socket"))
    }

    /// The number of live connections: stream callbacks still running, or protocol
    /// connections not yet lost.
    ///
    /// # Examples
    ///
    /// ```
    /// corio_runtime::run(async {
    ///     let server = corio_net::start_server(|_r, _w| async {}, "127.0.0.1:0").await?;
    ///     assert_eq!(server.active_connections(), 0);
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn active_connections(&self) -> usize {
        self.inner.conns.active.get()
    }

    /// Closes every accepted connection's writer or transport (asyncio 3.13's
    /// `close_clients`): what they buffered is still sent, then each peer reads
    /// end-of-file. Stream callbacks go on (a closed writer refuses further writes); a
    /// protocol gets `connection_lost`.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_net::{open_connection, start_server};
    ///
    /// corio_runtime::run(async {
    ///     let server = start_server(
    ///         |mut reader, _writer| async move { let _ = reader.read_to_eof().await; },
    ///         "127.0.0.1:0",
    ///     )
    ///     .await?;
    ///     let (mut reader, _writer) = open_connection(server.sockets()[0].as_inet().unwrap()).await?;
    ///     while server.active_connections() == 0 {
    ///         corio_runtime::sleep(std::time::Duration::from_millis(1)).await;
    ///     }
    ///     server.close_clients();
    ///     assert_eq!(reader.read_to_eof().await?, b""); // the server closed its side
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn close_clients(&self) {
        // Taken out while they close: closing runs no code of ours, but keep the borrow
        // short anyway; put back for a later `abort_clients`.
        let handles: Vec<(usize, Box<dyn ClientHandle>)> = self
            .inner
            .conns
            .clients
            .borrow_mut()
            .iter_mut()
            .filter_map(|(key, c)| c.handle.take().map(|h| (key, h)))
            .collect();
        for (_, handle) in &handles {
            handle.close_client();
        }
        let mut clients = self.inner.conns.clients.borrow_mut();
        for (key, handle) in handles {
            if let Some(client) = clients.get_mut(key) {
                client.handle = Some(handle);
            }
        }
    }

    /// Ends every accepted connection at once (asyncio 3.13's `abort_clients`): stream
    /// callback tasks are cancelled, which drops their streams and closes the sockets;
    /// protocol transports are aborted (`connection_lost(None)` follows); buffered data is
    /// lost.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_net::{open_connection, start_server};
    ///
    /// corio_runtime::run(async {
    ///     let server = start_server(
    ///         |mut reader, _writer| async move { let _ = reader.read_to_eof().await; },
    ///         "127.0.0.1:0",
    ///     )
    ///     .await?;
    ///     let (mut reader, _writer) = open_connection(server.sockets()[0].as_inet().unwrap()).await?;
    ///     while server.active_connections() == 0 {
    ///         corio_runtime::sleep(std::time::Duration::from_millis(1)).await;
    ///     }
    ///     server.abort_clients();
    ///     assert!(reader.read_to_eof().await.map_or(true, |rest| rest.is_empty()));
    ///     server.close();
    ///     server.wait_closed().await; // the aborted callbacks have ended
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn abort_clients(&self) {
        let clients: Vec<Client> = self
            .inner
            .conns
            .clients
            .borrow_mut()
            .iter_mut()
            .map(|(_, c)| std::mem::take(c))
            .collect();
        for client in clients {
            if let Some(task) = client.task {
                task.cancel();
            }
            if let Some(handle) = client.handle {
                handle.abort_client();
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.close();
    }
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("sockets", &self.inner.addrs)
            .field("serving", &self.inner.serving.get())
            .field("closed", &self.inner.closed.get())
            .field("active", &self.inner.conns.active.get())
            .finish_non_exhaustive()
    }
}

struct CloseOnDrop<'a>(&'a Server);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// Out of descriptors or memory: an accept loop pauses rather than spin on the error.
pub(crate) fn is_resource_error(e: &io::Error) -> bool {
    use rustix::io::Errno;
    let code = e.raw_os_error();
    [Errno::MFILE, Errno::NFILE, Errno::NOBUFS, Errno::NOMEM]
        .iter()
        .any(|errno| code == Some(errno.raw_os_error()))
}

/// Accepts on one listener until the server closes, spawning a task per connection.
async fn accept_loop(server: Weak<Inner>, index: usize) {
    loop {
        let accepted = poll_fn(|cx| {
            let Some(inner) = server.upgrade() else {
                return Poll::Ready(None);
            };
            let listeners = inner.listeners.borrow();
            match listeners.get(index) {
                Some(listener) => listener.poll_accept(cx).map(Some),
                None => Poll::Ready(None),
            }
        })
        .await;
        let Some(inner) = server.upgrade() else {
            return;
        };
        match accepted {
            None => return,
            Some(Ok(conn)) => inner.spawn_connection(conn),
            Some(Err(e)) if is_resource_error(&e) => {
                // asyncio: out of descriptors or memory; stop accepting for a while
                // instead of spinning on the same error.
                log::error!("accept failed: {e}; retrying in {ACCEPT_RETRY_DELAY:?}");
                drop(inner);
                corio_runtime::sleep(ACCEPT_RETRY_DELAY).await;
            }
            Some(Err(e)) => log::debug!("accept failed: {e}"),
        }
    }
}

impl Inner {
    fn spawn_connection(&self, conn: AnyConnection) {
        (self.serve_conn)(conn, ConnectionGuard::new(&self.conns));
    }
}

/// A stream server's [`ServeConn`]: a task per connection (after the TLS handshake if
/// any) that runs the callback with the connection's streams.
fn stream_conn(handler: Handler, options: &ServerOptions) -> ServeConn {
    let limit = options.limit;
    #[cfg(feature = "tls")]
    let (tls, handshake_timeout) = (options.tls.clone(), options.tls_handshake_timeout);
    Box::new(move |conn, guard| {
        let handler = Rc::clone(&handler);
        #[cfg(feature = "tls")]
        let tls = tls.clone();
        guard.spawn_with(move |guard| async move {
            #[cfg(feature = "tls")]
            let streams = match tls {
                // A client that never finishes its handshake is dropped (asyncio's
                // ssl_handshake_timeout).
                Some(tls) => {
                    crate::socket::with_timeout(Some(handshake_timeout), tls.accept(conn, limit))
                        .await
                }
                None => Ok(plain_streams(conn, limit)),
            };
            #[cfg(not(feature = "tls"))]
            let streams: io::Result<_> = Ok(plain_streams(conn, limit));
            match streams {
                Ok((reader, writer)) => {
                    guard.set_handle(writer.clone());
                    handler(reader, writer).await;
                }
                Err(e) => log::debug!("connection setup failed: {e}"),
            }
            drop(guard);
        });
    })
}

pub(crate) fn plain_streams(conn: AnyConnection, limit: usize) -> (StreamReader, StreamWriter) {
    with_connection!(conn, |s| streams(s, limit))
}
