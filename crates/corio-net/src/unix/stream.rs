//! [`UnixStream`]: a Unix domain stream socket with futures-io's traits.

use std::fmt;
use std::io;
use std::os::fd::AsRawFd;
use std::path::Path;
use std::sync::Arc;

use corio_reactor::Async;
use socket2::{Domain, SockAddr, Type};

use crate::io_impls::impl_stream_io;
use crate::socket::{connect, new_socket};

/// A Unix domain stream socket, registered with the running loop's reactor.
///
/// Like [`TcpStream`](crate::TcpStream): futures-io's `AsyncRead`/`AsyncWrite` on
/// `UnixStream` and `&UnixStream`, clones share the socket, `poll_close` shuts the write
/// half.
///
/// # Examples
///
/// ```
/// use corio_net::UnixStream;
/// use futures_lite::{AsyncReadExt, AsyncWriteExt};
///
/// corio_runtime::run(async {
///     let (mut a, mut b) = UnixStream::pair()?;
///     a.write_all(b"ping").await?;
///     let mut buf = [0; 4];
///     b.read_exact(&mut buf).await?;
///     assert_eq!(&buf, b"ping");
///     std::io::Result::Ok(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct UnixStream {
    pub(crate) inner: Arc<Async<std::os::unix::net::UnixStream>>,
}

impl UnixStream {
    /// Connects to the socket at `path`.
    ///
    /// # Errors
    ///
    /// The OS error (`NotFound`, `ConnectionRefused`...); an error wrapping
    /// [`NoReactor`](corio_reactor::NoReactor) outside a running loop.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_net::{UnixListener, UnixStream};
    ///
    /// corio_runtime::run(async {
    ///     let dir = std::env::temp_dir().join(format!("corio-doc-{}", std::process::id()));
    ///     std::fs::create_dir_all(&dir)?;
    ///     let path = dir.join("connect.sock");
    ///     let _ = std::fs::remove_file(&path);
    ///     let listener = UnixListener::bind(&path)?;
    ///     let stream = UnixStream::connect(&path).await?;
    ///     let (_conn, _) = listener.accept().await?;
    ///     assert_eq!(stream.peer_addr()?.as_pathname(), Some(path.as_path()));
    ///     std::fs::remove_file(&path)?;
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn connect(path: impl AsRef<Path>) -> io::Result<UnixStream> {
        let addr = SockAddr::unix(path)?;
        let socket = new_socket(Domain::UNIX, Type::STREAM, None)?;
        let inner = connect::<std::os::unix::net::UnixStream>(socket, &addr).await?;
        Ok(UnixStream::from_async(inner))
    }

    /// A connected pair of sockets (`socketpair(2)`).
    ///
    /// # Errors
    ///
    /// The OS error; an error wrapping [`NoReactor`](corio_reactor::NoReactor) outside a
    /// running loop.
    ///
    /// # Examples
    ///
    /// See [`UnixStream`].
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        let (a, b) = std::os::unix::net::UnixStream::pair()?;
        Ok((UnixStream::from_std(a)?, UnixStream::from_std(b)?))
    }

    /// Wraps a connected std stream, registering it with the running loop's reactor.
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
    ///     let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    ///     let a = corio_net::UnixStream::from_std(a)?;
    ///     assert!(a.peer_addr()?.is_unnamed());
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_std(stream: std::os::unix::net::UnixStream) -> io::Result<UnixStream> {
        Ok(UnixStream::from_async(Async::new(stream)?))
    }

    pub(crate) fn from_async(inner: Async<std::os::unix::net::UnixStream>) -> UnixStream {
        UnixStream {
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
    /// let (client, conn) = corio_net::UnixStream::pair()?;
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
        crate::streams::open::unix_streams(self, limit)
    }

    /// Reads into `buf`, waiting for data; `Ok(0)` is end-of-file.
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
    /// corio_runtime::run(async {
    ///     let (a, b) = corio_net::UnixStream::pair()?;
    ///     a.write(b"hi").await?;
    ///     let mut buf = [0; 8];
    ///     let n = b.read(&mut buf).await?;
    ///     assert_eq!(&buf[..n], b"hi");
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).await
    }

    /// Writes some of `buf`, waiting for room; returns how much.
    ///
    /// # Errors
    ///
    /// The OS error (e.g. `BrokenPipe`).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// # Examples
    ///
    /// See [`read`](UnixStream::read).
    pub async fn write(&self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf).await
    }
}

impl_stream_io!(UnixStream);

crate::fd_impls::impl_fd!(UnixStream);

impl fmt::Debug for UnixStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnixStream")
            .field("fd", &self.as_raw_fd())
            .finish()
    }
}
