//! [`UnixListener`]: accepts Unix domain stream connections.

use std::fmt;
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::net::SocketAddr;
use std::path::Path;
use std::task::{Context, Poll};

use socket2::{Domain, SockAddr, Type};

use crate::UnixStream;
use crate::family::{Acceptor, poll_next_conn};
use crate::socket::new_socket;
use crate::tcp::DEFAULT_BACKLOG;

/// A Unix domain socket listening for connections.
///
/// Dropping it closes the socket but leaves its file in the file system, as std does
/// (the [`Server`](crate::Server) of [`start_unix_server`](crate::start_unix_server)
/// removes it, as asyncio 3.13 does).
///
/// # Examples
///
/// ```
/// use corio_net::{UnixListener, UnixStream};
///
/// corio_runtime::run(async {
///     let path = std::env::temp_dir().join(format!("corio-doc-l-{}.sock", std::process::id()));
///     let _ = std::fs::remove_file(&path);
///     let listener = UnixListener::bind(&path)?;
///     let _client = UnixStream::connect(&path).await?;
///     let (_conn, _addr) = listener.accept().await?;
///     std::fs::remove_file(&path)?;
///     std::io::Result::Ok(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct UnixListener {
    inner: Acceptor<std::os::unix::net::UnixListener>,
}

impl UnixListener {
    /// Binds to `path` and listens.
    ///
    /// # Errors
    ///
    /// The OS error (`AddrInUse` if the file exists); an error wrapping
    /// [`NoReactor`](corio_reactor::NoReactor) outside a running loop.
    ///
    /// # Examples
    ///
    /// See [`UnixListener`].
    pub fn bind(path: impl AsRef<Path>) -> io::Result<UnixListener> {
        UnixListener::bind_with_backlog(path.as_ref(), DEFAULT_BACKLOG)
    }

    pub(crate) fn bind_with_backlog(path: &Path, backlog: i32) -> io::Result<UnixListener> {
        let socket = new_socket(Domain::UNIX, Type::STREAM, None)?;
        socket.bind(&SockAddr::unix(path)?)?;
        socket.listen(backlog)?;
        UnixListener::from_std(std::os::unix::net::UnixListener::from(
            std::os::fd::OwnedFd::from(socket),
        ))
    }

    /// Wraps a bound, listening std listener.
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
    ///     let path = std::env::temp_dir().join(format!("corio-doc-fs-{}.sock", std::process::id()));
    ///     let _ = std::fs::remove_file(&path);
    ///     let listener = corio_net::UnixListener::from_std(std::os::unix::net::UnixListener::bind(&path)?)?;
    ///     assert!(listener.local_addr()?.as_pathname().is_some());
    ///     std::fs::remove_file(&path)?;
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_std(listener: std::os::unix::net::UnixListener) -> io::Result<UnixListener> {
        Ok(UnixListener {
            inner: Acceptor::new(listener)?,
        })
    }

    /// Waits for a connection.
    ///
    /// # Errors
    ///
    /// The OS error (e.g. `EMFILE`).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// # Examples
    ///
    /// See [`UnixListener`].
    pub async fn accept(&self) -> io::Result<(UnixStream, SocketAddr)> {
        self.inner.accept().await
    }

    /// Polls for a connection.
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
    ///     let path = std::env::temp_dir().join(format!("corio-doc-pa-{}.sock", std::process::id()));
    ///     let _ = std::fs::remove_file(&path);
    ///     let listener = corio_net::UnixListener::bind(&path)?;
    ///     assert!(listener.poll_accept(&mut Context::from_waker(Waker::noop())).is_pending());
    ///     std::fs::remove_file(&path)?;
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(UnixStream, SocketAddr)>> {
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
    ///     let path = std::env::temp_dir().join(format!("corio-doc-inc-{}.sock", std::process::id()));
    ///     let _ = std::fs::remove_file(&path);
    ///     let listener = corio_net::UnixListener::bind(&path)?;
    ///     let mut incoming = listener.incoming();
    ///     let _client = corio_net::UnixStream::connect(&path).await?;
    ///     let conn = incoming.next().await.unwrap()?;
    ///     assert!(conn.peer_addr().is_ok());
    ///     std::fs::remove_file(&path)?;
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
    /// See [`from_std`](UnixListener::from_std).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().local_addr()
    }
}

/// The stream of [`UnixListener::incoming`].
///
/// # Examples
///
/// See [`UnixListener::incoming`].
#[must_use = "streams do nothing unless polled"]
#[derive(Debug)]
pub struct Incoming<'a> {
    listener: &'a UnixListener,
}

impl futures_core::Stream for Incoming<'_> {
    type Item = io::Result<UnixStream>;

    fn poll_next(self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        poll_next_conn(self.listener, cx)
    }
}

crate::fd_impls::impl_fd!(UnixListener);

impl fmt::Debug for UnixListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnixListener")
            .field("local", &self.local_addr().ok())
            .field("fd", &self.as_raw_fd())
            .finish()
    }
}
