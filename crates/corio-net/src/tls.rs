//! TLS through rustls (ring provider): [`start_tls`], [`start_tls_server`], TLS options
//! for [`open_connection_with`](crate::open_connection_with) and
//! [`start_server_with`](crate::start_server_with), and the raw
//! [`TlsConnector`]/[`TlsAcceptor`] for streams of your own.
//!
//! A TLS stream is one object that both reads and writes (rustls keeps one session), so
//! the reader and writer halves share it behind a lock held only while one of them polls
//! it; on corio's single-thread loop that lock is never contended.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use futures_io::{AsyncRead, AsyncWrite};
use futures_rustls::pki_types::ServerName;
use rustls::{ClientConfig, ServerConfig};

#[doc(no_inline)]
pub use futures_rustls::{TlsAcceptor, TlsConnector, client, server};
#[doc(no_inline)]
pub use rustls;

use crate::family::{AnyConnection, Connection, with_connection};
use crate::{
    BoxRead, BoxWrite, ConnectOptions, ExtraInfo, ServerOptions, StreamReader, StreamWriter,
};

/// asyncio's `SSL_HANDSHAKE_TIMEOUT`: 60 seconds.
pub(crate) const DEFAULT_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(60);

/// The client side of TLS on a connection: a rustls configuration and the name the
/// server's certificate must carry.
#[derive(Clone)]
pub(crate) struct ClientTls {
    config: Arc<ClientConfig>,
    server_name: String,
}

impl std::fmt::Debug for ClientTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientTls")
            .field("server_name", &self.server_name)
            .finish_non_exhaustive()
    }
}

/// The server side of TLS: a rustls configuration (certificate chain and key).
#[derive(Clone)]
pub(crate) struct ServerTls {
    config: Arc<ServerConfig>,
}

impl std::fmt::Debug for ServerTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerTls").finish_non_exhaustive()
    }
}

impl ConnectOptions {
    /// Speak TLS on the connection (asyncio's `ssl=` and `server_hostname=`): `config`
    /// holds the trusted roots (and client certificate, if any); the server's certificate
    /// must be valid for `server_name` (a DNS name or an IP address).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use corio_net::tls::rustls;
    ///
    /// let roots = rustls::RootCertStore::empty();
    /// let config = rustls::ClientConfig::builder_with_provider(Arc::new(
    ///     rustls::crypto::ring::default_provider(),
    /// ))
    /// .with_safe_default_protocol_versions()
    /// .unwrap()
    /// .with_root_certificates(roots)
    /// .with_no_client_auth();
    /// let options = corio_net::ConnectOptions::new().tls(Arc::new(config), "example.com");
    /// # drop(options);
    /// ```
    #[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
    #[must_use]
    pub fn tls(
        mut self,
        config: Arc<ClientConfig>,
        server_name: impl Into<String>,
    ) -> ConnectOptions {
        let server_name: String = server_name.into();
        self.tls = Some(ClientTls::new(config, &server_name));
        self
    }

    /// The time limit of the TLS handshake (asyncio's `ssl_handshake_timeout`, 60 s by
    /// default); past it the connection fails with `TimedOut`.
    ///
    /// # Examples
    ///
    /// ```
    /// let options = corio_net::ConnectOptions::new()
    ///     .tls_handshake_timeout(std::time::Duration::from_secs(5));
    /// # drop(options);
    /// ```
    #[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
    #[doc(alias = "ssl_handshake_timeout")]
    #[must_use]
    pub fn tls_handshake_timeout(mut self, timeout: Duration) -> ConnectOptions {
        self.tls_handshake_timeout = timeout;
        self
    }
}

impl ServerOptions {
    /// Serve TLS (asyncio's `ssl=` on `start_server`): each accepted connection does the
    /// handshake in its own task before the callback runs; a failed handshake closes the
    /// connection without calling it.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use corio_net::tls::rustls;
    ///
    /// let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    /// let config = rustls::ServerConfig::builder_with_provider(Arc::new(
    ///     rustls::crypto::ring::default_provider(),
    /// ))
    /// .with_safe_default_protocol_versions()
    /// .unwrap()
    /// .with_no_client_auth()
    /// .with_single_cert(
    ///     vec![cert.cert.der().clone()],
    ///     rustls::pki_types::PrivateKeyDer::Pkcs8(cert.signing_key.serialize_der().into()),
    /// )
    /// .unwrap();
    /// let options = corio_net::ServerOptions::new().tls(Arc::new(config));
    /// # drop(options);
    /// ```
    #[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
    #[must_use]
    pub fn tls(mut self, config: Arc<ServerConfig>) -> ServerOptions {
        self.tls = Some(ServerTls::new(config));
        self
    }

    /// The time limit of each client's TLS handshake (asyncio's
    /// `ssl_handshake_timeout`, 60 s by default); a client still handshaking then is
    /// dropped without the callback being called.
    ///
    /// # Examples
    ///
    /// ```
    /// let options = corio_net::ServerOptions::new()
    ///     .tls_handshake_timeout(std::time::Duration::from_secs(5));
    /// # drop(options);
    /// ```
    #[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
    #[doc(alias = "ssl_handshake_timeout")]
    #[must_use]
    pub fn tls_handshake_timeout(mut self, timeout: Duration) -> ServerOptions {
        self.tls_handshake_timeout = timeout;
        self
    }
}

fn server_name(name: &str) -> io::Result<ServerName<'static>> {
    ServerName::try_from(name.to_owned()).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("invalid server name {name:?}: {e}"),
        )
    })
}

fn tls_info(base: ExtraInfo, common: &rustls::CommonState) -> ExtraInfo {
    let certs = common
        .peer_certificates()
        .map(|chain| chain.iter().map(|c| c.as_ref().to_vec()).collect());
    base.with_tls(common.alpn_protocol().map(<[u8]>::to_vec), certs)
}

/// Splits a TLS stream into a reader and a writer sharing it.
fn split<T>(stream: T, info: ExtraInfo, limit: usize) -> (StreamReader, StreamWriter)
where
    T: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let shared = Arc::new(Mutex::new(stream));
    let reader = StreamReader::with_limit(Box::new(Half(Arc::clone(&shared))) as BoxRead, limit);
    // asyncio's SSL transports cannot write an EOF and keep reading.
    let writer = StreamWriter::with_info(Box::new(Half(shared)) as BoxWrite, info, false);
    (reader, writer)
}

impl ClientTls {
    pub(crate) fn new(config: Arc<ClientConfig>, server_name: &str) -> ClientTls {
        ClientTls {
            config,
            server_name: server_name.to_owned(),
        }
    }

    /// Fails early on a name that no certificate can carry.
    pub(crate) fn check_name(&self) -> io::Result<()> {
        server_name(&self.server_name).map(drop)
    }

    /// The client handshake over `io`: the one TLS connect path of streams and protocols.
    pub(crate) async fn handshake<IO>(&self, io: IO) -> io::Result<client::TlsStream<IO>>
    where
        IO: AsyncRead + AsyncWrite + Unpin,
    {
        let name = server_name(&self.server_name)?;
        TlsConnector::from(Arc::clone(&self.config))
            .connect(name, io)
            .await
    }

    pub(crate) async fn connect<IO>(
        &self,
        io: IO,
        info: ExtraInfo,
        limit: usize,
    ) -> io::Result<(StreamReader, StreamWriter)>
    where
        IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let stream = self.handshake(io).await?;
        let info = tls_info(info, stream.get_ref().1);
        Ok(split(stream, info, limit))
    }
}

impl ServerTls {
    pub(crate) fn new(config: Arc<ServerConfig>) -> ServerTls {
        ServerTls { config }
    }

    /// The server handshake over `io`: the one TLS accept path of streams and protocols.
    pub(crate) async fn handshake<IO>(&self, io: IO) -> io::Result<server::TlsStream<IO>>
    where
        IO: AsyncRead + AsyncWrite + Unpin,
    {
        TlsAcceptor::from(Arc::clone(&self.config)).accept(io).await
    }

    pub(crate) async fn accept(
        &self,
        conn: AnyConnection,
        limit: usize,
    ) -> io::Result<(StreamReader, StreamWriter)> {
        with_connection!(conn, |s| {
            let info = s.extra_info();
            let stream = self.handshake(s).await?;
            let info = tls_info(info, stream.get_ref().1);
            Ok(split(stream, info, limit))
        })
    }
}

/// Upgrades an open connection to TLS, client side (asyncio's `StreamWriter.start_tls`):
/// what the writer buffered is sent first, what the reader buffered is fed to the
/// handshake, and a new reader and writer speak TLS over the same connection.
///
/// # Errors
///
/// `InvalidInput` for a bad server name or a writer that has clones; the connection's
/// error; the handshake's error (kind `InvalidData` for a bad certificate).
///
/// # Cancel safety
///
/// Not cancel safe: a cancelled upgrade leaves the connection unusable (it is dropped).
///
/// # Examples
///
/// See the crate's `tests/tls.rs`; a self-contained round trip needs a certificate:
///
/// ```
/// use std::sync::Arc;
/// use corio_net::tls::{rustls, start_tls, start_tls_server};
/// use corio_net::UnixStream;
///
/// let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
/// let provider = Arc::new(rustls::crypto::ring::default_provider());
/// let server_config = rustls::ServerConfig::builder_with_provider(provider.clone())
///     .with_safe_default_protocol_versions().unwrap()
///     .with_no_client_auth()
///     .with_single_cert(
///         vec![cert.cert.der().clone()],
///         rustls::pki_types::PrivateKeyDer::Pkcs8(cert.signing_key.serialize_der().into()),
///     ).unwrap();
/// let mut roots = rustls::RootCertStore::empty();
/// roots.add(cert.cert.der().clone()).unwrap();
/// let client_config = rustls::ClientConfig::builder_with_provider(provider)
///     .with_safe_default_protocol_versions().unwrap()
///     .with_root_certificates(roots)
///     .with_no_client_auth();
///
/// corio_runtime::run(async move {
///     let (a, b) = UnixStream::pair()?;
///     let (ar, aw) = (corio_net::StreamReader::new(a.clone()).boxed(), corio_net::StreamWriter::new(a).boxed());
///     let (br, bw) = (corio_net::StreamReader::new(b.clone()).boxed(), corio_net::StreamWriter::new(b).boxed());
///     let server = corio_runtime::try_spawn(async move {
///         let (mut r, w) = start_tls_server(br, bw, Arc::new(server_config)).await?;
///         let line = r.readline().await?;
///         w.write(&line).unwrap();
///         w.close();
///         w.wait_closed().await
///     }).unwrap();
///     let (mut r, w) = start_tls(ar, aw, Arc::new(client_config), "localhost").await?;
///     w.write(b"secret\n").unwrap();
///     assert_eq!(r.readline().await?, b"secret\n");
///     server.await.unwrap()?;
///     std::io::Result::Ok(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
pub async fn start_tls(
    reader: StreamReader,
    writer: StreamWriter,
    config: Arc<ClientConfig>,
    server_name: &str,
) -> io::Result<(StreamReader, StreamWriter)> {
    let limit = reader.limit();
    let info = writer.get_extra_info().clone();
    let joined = join(reader, writer).await?;
    ClientTls::new(config, server_name)
        .connect(joined, info, limit)
        .await
}

/// Upgrades an open connection to TLS, server side (asyncio's `loop.start_tls(...,
/// server_side=True)`).
///
/// # Errors
///
/// As [`start_tls`].
///
/// # Cancel safety
///
/// Not cancel safe, as [`start_tls`].
///
/// # Examples
///
/// See [`start_tls`].
#[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
pub async fn start_tls_server(
    reader: StreamReader,
    writer: StreamWriter,
    config: Arc<ServerConfig>,
) -> io::Result<(StreamReader, StreamWriter)> {
    let limit = reader.limit();
    let info = writer.get_extra_info().clone();
    let joined = join(reader, writer).await?;
    let stream = ServerTls::new(config).handshake(joined).await?;
    let info = tls_info(info, stream.get_ref().1);
    Ok(split(stream, info, limit))
}

/// One duplex stream from a reader (its buffered bytes first) and a writer.
async fn join(reader: StreamReader, writer: StreamWriter) -> io::Result<Joined> {
    let write = writer.into_inner().await?;
    let (read, buffered) = reader.into_parts();
    Ok(Joined {
        read,
        buffered,
        pos: 0,
        write,
    })
}

struct Joined {
    read: BoxRead,
    buffered: Vec<u8>,
    pos: usize,
    write: BoxWrite,
}

impl AsyncRead for Joined {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.pos < this.buffered.len() {
            let n = (this.buffered.len() - this.pos).min(buf.len());
            buf[..n].copy_from_slice(&this.buffered[this.pos..this.pos + n]);
            this.pos += n;
            return Poll::Ready(Ok(n));
        }
        Pin::new(&mut this.read).poll_read(cx, buf)
    }
}

impl AsyncWrite for Joined {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().write).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().write).poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().write).poll_close(cx)
    }
}

/// One half of a shared TLS stream.
struct Half<T>(Arc<Mutex<T>>);

impl<T> Half<T> {
    fn lock(&self) -> MutexGuard<'_, T> {
        // A panic while polling leaves rustls's state as rustls left it; the next call
        // reports whatever error that state gives.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Half<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut *self.lock()).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Half<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut *self.lock()).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut *self.lock()).poll_write_vectored(cx, bufs)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.lock()).poll_flush(cx)
    }

    /// Sends `close_notify` and shuts the connection's write side.
    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.lock()).poll_close(cx)
    }
}
