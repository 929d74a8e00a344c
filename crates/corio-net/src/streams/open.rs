//! [`open_connection`] and [`open_unix_connection`]: a connected (reader, writer) pair.

use std::io;
use std::path::Path;
use std::time::Duration;

use crate::family::Connection;
use crate::resolve::ToSocketAddrs;
use crate::streams::reader::DEFAULT_LIMIT;
use crate::{StreamReader, StreamWriter, TcpStream, UnixStream};

/// The options of [`open_connection_with`] (asyncio's keyword arguments of
/// `open_connection`).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use corio_net::ConnectOptions;
///
/// let options = ConnectOptions::new().limit(1024).timeout(Duration::from_secs(5));
/// assert_eq!(options.get_limit(), 1024);
/// ```
#[derive(Clone, Debug)]
pub struct ConnectOptions {
    pub(crate) limit: usize,
    pub(crate) timeout: Option<Duration>,
    pub(crate) local_addr: Option<std::net::SocketAddr>,
    pub(crate) happy_eyeballs_delay: Option<Duration>,
    pub(crate) interleave: Option<usize>,
    #[cfg(feature = "tls")]
    pub(crate) tls: Option<crate::tls::ClientTls>,
    #[cfg(feature = "tls")]
    pub(crate) tls_handshake_timeout: Duration,
}

impl Default for ConnectOptions {
    fn default() -> ConnectOptions {
        ConnectOptions {
            limit: DEFAULT_LIMIT,
            timeout: None,
            local_addr: None,
            happy_eyeballs_delay: None,
            interleave: None,
            #[cfg(feature = "tls")]
            tls: None,
            #[cfg(feature = "tls")]
            tls_handshake_timeout: crate::tls::DEFAULT_HANDSHAKE_TIMEOUT,
        }
    }
}

impl ConnectOptions {
    /// The defaults: a 64 KiB reader limit, no timeout, no TLS.
    ///
    /// # Examples
    ///
    /// See [`ConnectOptions`].
    #[must_use]
    pub fn new() -> ConnectOptions {
        ConnectOptions::default()
    }

    /// The reader's buffer limit (asyncio's `limit=`).
    ///
    /// # Examples
    ///
    /// See [`ConnectOptions`].
    #[must_use]
    pub fn limit(mut self, limit: usize) -> ConnectOptions {
        self.limit = limit;
        self
    }

    /// The reader's buffer limit.
    ///
    /// # Examples
    ///
    /// See [`ConnectOptions`].
    #[must_use]
    pub fn get_limit(&self) -> usize {
        self.limit
    }

    /// The local address to connect from (asyncio's `local_addr=`); only addresses of
    /// its family are tried. TCP only.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_net::{ConnectOptions, TcpListener, open_connection_with};
    ///
    /// corio_runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await?;
    ///     let options = ConnectOptions::new().local_addr(([127, 0, 0, 1], 0).into());
    ///     let (_reader, writer) = open_connection_with(listener.local_addr()?, &options).await?;
    ///     let local = writer.get_extra_info().sockname().and_then(|a| a.as_inet()).unwrap();
    ///     assert!(local.ip().is_loopback());
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn local_addr(mut self, addr: std::net::SocketAddr) -> ConnectOptions {
        self.local_addr = Some(addr);
        self
    }

    /// Race the host's addresses (asyncio's `happy_eyeballs_delay`, RFC 8305; 250 ms is
    /// the RFC's advice): the first address is tried; when it has not connected after
    /// `delay` (or fails), the next one is tried too, and so on. The first connection wins
    /// and the other attempts are closed. The addresses are interleaved by family (one of
    /// the first family, then one of the other, see [`interleave`](ConnectOptions::interleave)).
    /// Without it, addresses are tried one after the other, each to the end, as asyncio does
    /// by default.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use corio_net::{ConnectOptions, TcpListener, open_connection_with};
    ///
    /// corio_runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await?;
    ///     let port = listener.local_addr()?.port();
    ///     // "localhost" may resolve to ::1 and 127.0.0.1; whichever connects first wins.
    ///     let options = ConnectOptions::new().happy_eyeballs_delay(Duration::from_millis(250));
    ///     let (_reader, writer) = open_connection_with(("127.0.0.1", port), &options).await?;
    ///     assert!(writer.get_extra_info().peername().is_some());
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn happy_eyeballs_delay(mut self, delay: Duration) -> ConnectOptions {
        self.happy_eyeballs_delay = Some(delay);
        self
    }

    /// Reorder the host's addresses by family before trying them (asyncio's `interleave`):
    /// `first_family_count - 1` addresses of the first family, then one of each family in
    /// turn. Set alone, it changes only the order of the one-by-one attempts; with
    /// [`happy_eyeballs_delay`](ConnectOptions::happy_eyeballs_delay) and no `interleave`,
    /// asyncio's default of 1 applies.
    ///
    /// # Examples
    ///
    /// ```
    /// let options = corio_net::ConnectOptions::new().interleave(2);
    /// # drop(options);
    /// ```
    #[must_use]
    pub fn interleave(mut self, first_family_count: usize) -> ConnectOptions {
        self.interleave = Some(first_family_count);
        self
    }

    /// A time limit for connecting to each address.
    ///
    /// # Examples
    ///
    /// See [`ConnectOptions`].
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> ConnectOptions {
        self.timeout = Some(timeout);
        self
    }
}

/// Connects to `addr` and returns asyncio's `(reader, writer)` pair
/// (`asyncio.open_connection(host, port)`).
///
/// # Errors
///
/// The resolver's or the connect error (e.g. `ConnectionRefused`).
///
/// # Cancel safety
///
/// Cancel safe: a cancelled connect leaves nothing open.
///
/// # Examples
///
/// ```
/// use corio_net::{open_connection, start_server};
///
/// corio_runtime::run(async {
///     let server = start_server(
///         |mut reader, writer| async move {
///             let line = reader.readline().await.unwrap();
///             writer.write(&line).unwrap();
///             writer.close();
///         },
///         ("127.0.0.1", 0),
///     )
///     .await?;
///     let addr = server.sockets()[0].as_inet().unwrap();
///
///     let (mut reader, writer) = open_connection(addr).await?;
///     writer.write(b"echo me\n").unwrap();
///     writer.drain().await?;
///     assert_eq!(reader.readline().await.unwrap(), b"echo me\n");
///     std::io::Result::Ok(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn open_connection(addr: impl ToSocketAddrs) -> io::Result<(StreamReader, StreamWriter)> {
    open_connection_with(addr, &ConnectOptions::default()).await
}

/// [`open_connection`] with options: reader limit, connect timeout, TLS.
///
/// # Errors
///
/// As [`open_connection`]; `TimedOut` after the timeout; with TLS, the handshake's error
/// (kind `InvalidData` for a bad certificate).
///
/// # Cancel safety
///
/// Cancel safe.
///
/// # Examples
///
/// ```
/// use corio_net::{ConnectOptions, TcpListener, open_connection_with};
///
/// corio_runtime::run(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await?;
///     let options = ConnectOptions::new().limit(16);
///     let (reader, _writer) = open_connection_with(listener.local_addr()?, &options).await?;
///     assert_eq!(reader.limit(), 16);
///     std::io::Result::Ok(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn open_connection_with(
    addr: impl ToSocketAddrs,
    options: &ConnectOptions,
) -> io::Result<(StreamReader, StreamWriter)> {
    let stream = crate::tcp::connect_with(&addr, options).await?;
    streams_with(stream, options).await
}

/// The reader and writer of a new connection of either family, after the TLS handshake
/// when the options ask for one.
async fn streams_with<C: Connection>(
    stream: C,
    options: &ConnectOptions,
) -> io::Result<(StreamReader, StreamWriter)> {
    #[cfg(feature = "tls")]
    if let Some(tls) = &options.tls {
        let info = stream.extra_info();
        return crate::socket::with_timeout(
            Some(options.tls_handshake_timeout),
            tls.connect(stream, info, options.limit),
        )
        .await;
    }
    Ok(streams(stream, options.limit))
}

/// Connects to the Unix socket at `path` and returns asyncio's `(reader, writer)` pair
/// (`asyncio.open_unix_connection(path)`).
///
/// # Errors
///
/// The connect error (`NotFound`, `ConnectionRefused`...).
///
/// # Cancel safety
///
/// Cancel safe.
///
/// # Examples
///
/// ```
/// use corio_net::{open_unix_connection, start_unix_server};
///
/// corio_runtime::run(async {
///     let path = std::env::temp_dir().join(format!("corio-doc-ouc-{}.sock", std::process::id()));
///     let _ = std::fs::remove_file(&path);
///     let _server = start_unix_server(
///         |_reader, writer| async move { writer.write(b"hello\n").unwrap() },
///         &path,
///     )
///     .await?;
///     let (mut reader, _writer) = open_unix_connection(&path).await?;
///     assert_eq!(reader.readline().await.unwrap(), b"hello\n");
///     std::io::Result::Ok(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn open_unix_connection(
    path: impl AsRef<Path>,
) -> io::Result<(StreamReader, StreamWriter)> {
    open_unix_connection_with(path, &ConnectOptions::default()).await
}

/// [`open_unix_connection`] with options: reader limit, connect timeout, TLS.
///
/// # Errors
///
/// As [`open_unix_connection`]; `TimedOut` after the timeout; with TLS, the
/// handshake's error.
///
/// # Cancel safety
///
/// Cancel safe.
///
/// # Examples
///
/// ```
/// use corio_net::{ConnectOptions, UnixListener, open_unix_connection_with};
///
/// corio_runtime::run(async {
///     let path = std::env::temp_dir().join(format!("corio-doc-oucw-{}.sock", std::process::id()));
///     let _ = std::fs::remove_file(&path);
///     let _listener = UnixListener::bind(&path)?;
///     let options = ConnectOptions::new().limit(100);
///     let (reader, _writer) = open_unix_connection_with(&path, &options).await?;
///     assert_eq!(reader.limit(), 100);
///     std::fs::remove_file(&path)?;
///     std::io::Result::Ok(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn open_unix_connection_with(
    path: impl AsRef<Path>,
    options: &ConnectOptions,
) -> io::Result<(StreamReader, StreamWriter)> {
    let stream = crate::socket::with_timeout(options.timeout, UnixStream::connect(path)).await?;
    streams_with(stream, options).await
}

/// The reader and writer over a connection of either family (two handles on one socket).
pub(crate) fn streams<C: Connection>(stream: C, limit: usize) -> (StreamReader, StreamWriter) {
    let info = stream.extra_info();
    let reader = StreamReader::with_limit(Box::new(stream.clone()) as crate::BoxRead, limit);
    let writer = StreamWriter::with_info(Box::new(stream) as crate::BoxWrite, info, true);
    (reader, writer)
}

/// The reader and writer over a TCP connection (named for `TcpStream::into_streams`).
pub(crate) fn tcp_streams(stream: TcpStream, limit: usize) -> (StreamReader, StreamWriter) {
    streams(stream, limit)
}

/// The reader and writer over a Unix stream connection.
pub(crate) fn unix_streams(stream: UnixStream, limit: usize) -> (StreamReader, StreamWriter) {
    streams(stream, limit)
}
