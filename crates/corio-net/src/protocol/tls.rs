//! TLS on the protocol endpoints (asyncio's `ssl=` on `create_connection` and
//! `create_server`), through the rustls streams of [`crate::tls`].

use std::cell::RefCell;
use std::future::Future;
use std::io;
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use futures_io::{AsyncRead, AsyncWrite};
use rustls::{ClientConfig, ServerConfig};

use super::driver::Plain;
use super::endpoints::{attach, create_server_with, create_unix_server_with, names};
use super::{EndpointError, Protocol, Transport};
use crate::family::Connection;
use crate::streams::ConnectionGuard;
use crate::tls::ClientTls;
use crate::{Server, ServerOptions, TcpStream, UnixStream};

/// [`create_connection`](super::create_connection) over TLS (asyncio's
/// `create_connection(..., ssl=context, server_hostname=name)`): connects, runs the TLS
/// handshake with `config`, checking that the server's certificate is valid for
/// `server_name`, then runs the protocol on the decrypted bytes.
///
/// # Errors
///
/// [`EndpointError::Io`] if the connection or the handshake fails (a certificate that does
/// not verify is an `InvalidData` error), or `server_name` is not a DNS name or an IP
/// address; [`EndpointError::Loop`] outside a running loop.
///
/// # Cancel safety
///
/// Cancel safe until it returns: a cancelled call leaves no socket and made no protocol.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use corio_net::protocol::{BaseProtocol, Protocol, Transport, create_tls_connection, create_tls_server};
/// use corio_net::tls::rustls;
///
/// # fn configs() -> (Arc<rustls::ServerConfig>, Arc<rustls::ClientConfig>) {
/// #     let provider = Arc::new(rustls::crypto::ring::default_provider());
/// #     let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
/// #     let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.signing_key.serialize_der().into());
/// #     let server = rustls::ServerConfig::builder_with_provider(provider.clone())
/// #         .with_safe_default_protocol_versions().unwrap()
/// #         .with_no_client_auth()
/// #         .with_single_cert(vec![cert.cert.der().clone()], key).unwrap();
/// #     let mut roots = rustls::RootCertStore::empty();
/// #     roots.add(cert.cert.der().clone()).unwrap();
/// #     let client = rustls::ClientConfig::builder_with_provider(provider)
/// #         .with_safe_default_protocol_versions().unwrap()
/// #         .with_root_certificates(roots)
/// #         .with_no_client_auth();
/// #     (Arc::new(server), Arc::new(client))
/// # }
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
/// struct Got(Vec<u8>);
/// impl BaseProtocol for Got {}
/// impl Protocol for Got {
///     fn data_received(&mut self, data: &[u8]) {
///         self.0.extend_from_slice(data);
///     }
/// }
///
/// let (server_config, client_config) = configs();
/// corio_runtime::run(async move {
///     let server = create_tls_server(Echo::default, "127.0.0.1:0", server_config).await?;
///     let (t, got) =
///         create_tls_connection(Got::default, server.local_addr()?, client_config, "localhost")
///             .await?;
///     t.write(b"secret")?;
///     while got.borrow().0.len() < 6 {
///         corio_runtime::sleep(std::time::Duration::from_millis(1)).await;
///     }
///     assert_eq!(got.borrow().0, b"secret");
///     Ok::<(), Box<dyn std::error::Error>>(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
pub async fn create_tls_connection<P, F>(
    factory: F,
    addr: impl crate::ToSocketAddrs,
    config: Arc<ClientConfig>,
    server_name: &str,
) -> Result<(Transport, Rc<RefCell<P>>), EndpointError>
where
    P: Protocol,
    F: FnOnce() -> P,
{
    connect_then_tls(TcpStream::connect(addr), factory, config, server_name).await
}

/// [`create_server`](super::create_server) over TLS (asyncio's `create_server(...,
/// ssl=context)`): each accepted connection runs its TLS handshake with `config` in a task
/// of its own (a slow client does not hold up the others), then gets a fresh protocol.
/// A connection whose handshake fails is closed and logged; no protocol is made for it.
///
/// # Errors
///
/// As [`create_server`](super::create_server).
///
/// # Cancel safety
///
/// Cancel safe: a cancelled call leaves no socket.
///
/// # Examples
///
/// See [`create_tls_connection`].
#[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
pub async fn create_tls_server<P, F>(
    factory: F,
    addr: impl crate::ToSocketAddrs,
    config: Arc<ServerConfig>,
) -> Result<Server, EndpointError>
where
    P: Protocol,
    F: FnMut() -> P + 'static,
{
    create_server_with(factory, addr, ServerOptions::new().tls(config)).await
}

/// [`create_unix_connection`](super::create_unix_connection) over TLS (asyncio's
/// `create_unix_connection(..., ssl=context, server_hostname=name)`), by the same path as
/// [`create_tls_connection`].
///
/// # Errors
///
/// As [`create_tls_connection`].
///
/// # Cancel safety
///
/// As [`create_tls_connection`].
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use corio_net::protocol::{BaseProtocol, Protocol, Transport};
/// use corio_net::protocol::{create_unix_tls_connection, create_unix_tls_server};
/// use corio_net::tls::rustls;
///
/// # fn configs() -> (Arc<rustls::ServerConfig>, Arc<rustls::ClientConfig>) {
/// #     let provider = Arc::new(rustls::crypto::ring::default_provider());
/// #     let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
/// #     let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.signing_key.serialize_der().into());
/// #     let server = rustls::ServerConfig::builder_with_provider(provider.clone())
/// #         .with_safe_default_protocol_versions().unwrap()
/// #         .with_no_client_auth()
/// #         .with_single_cert(vec![cert.cert.der().clone()], key).unwrap();
/// #     let mut roots = rustls::RootCertStore::empty();
/// #     roots.add(cert.cert.der().clone()).unwrap();
/// #     let client = rustls::ClientConfig::builder_with_provider(provider)
/// #         .with_safe_default_protocol_versions().unwrap()
/// #         .with_root_certificates(roots)
/// #         .with_no_client_auth();
/// #     (Arc::new(server), Arc::new(client))
/// # }
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
/// let (server_config, client_config) = configs();
/// let path = std::env::temp_dir().join(format!("corio-doc-utls-{}.sock", std::process::id()));
/// let _ = std::fs::remove_file(&path);
/// let p = path.clone();
/// corio_runtime::run(async move {
///     let _server = create_unix_tls_server(Echo::default, &p, server_config).await?;
///     let (t, got) =
///         create_unix_tls_connection(Echo::default, &p, client_config, "localhost").await?;
///     assert!(t.peername().is_some_and(|a| a.as_unix().is_some()));
///     # drop(got);
///     t.close();
///     Ok::<(), Box<dyn std::error::Error>>(())
/// })??;
/// assert!(!path.exists()); // the server removed it when it closed
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
pub async fn create_unix_tls_connection<P, F>(
    factory: F,
    path: impl AsRef<Path>,
    config: Arc<ClientConfig>,
    server_name: &str,
) -> Result<(Transport, Rc<RefCell<P>>), EndpointError>
where
    P: Protocol,
    F: FnOnce() -> P,
{
    connect_then_tls(UnixStream::connect(path), factory, config, server_name).await
}

/// [`create_unix_server`](super::create_unix_server) over TLS (asyncio's
/// `create_unix_server(..., ssl=context)`), by the same path as [`create_tls_server`].
///
/// # Errors
///
/// As [`create_unix_server`](super::create_unix_server).
///
/// # Cancel safety
///
/// Cancel safe.
///
/// # Examples
///
/// See [`create_unix_tls_connection`].
#[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
pub async fn create_unix_tls_server<P, F>(
    factory: F,
    path: impl AsRef<Path>,
    config: Arc<ServerConfig>,
) -> Result<Server, EndpointError>
where
    P: Protocol,
    F: FnMut() -> P + 'static,
{
    create_unix_server_with(factory, path, ServerOptions::new().tls(config)).await
}

/// Both families' `create_*tls_connection`: checks `server_name` before `connect` runs
/// (a name no certificate can carry fails with no socket made), then [`run_tls`].
async fn connect_then_tls<C, P, F>(
    connect: impl Future<Output = io::Result<C>>,
    factory: F,
    config: Arc<ClientConfig>,
    server_name: &str,
) -> Result<(Transport, Rc<RefCell<P>>), EndpointError>
where
    C: Connection,
    P: Protocol,
    F: FnOnce() -> P,
{
    let tls = ClientTls::new(config, server_name);
    tls.check_name()?;
    run_tls(connect.await?, |c| tls.handshake(c), factory, None).await
}

/// The TLS handshake on a connection of either family, client's or server's (`handshake`
/// runs it), then a protocol made by `factory` on the decrypted stream; no protocol is made
/// if the handshake fails. `guard` counts a server's connection.
pub(super) async fn run_tls<C, S, P, F>(
    conn: C,
    handshake: impl AsyncFnOnce(C) -> io::Result<S>,
    factory: F,
    guard: Option<ConnectionGuard>,
) -> Result<(Transport, Rc<RefCell<P>>), EndpointError>
where
    C: Connection,
    S: AsyncRead + AsyncWrite + Unpin + 'static,
    P: Protocol,
    F: FnOnce() -> P,
{
    let names = names(&conn);
    let stream = handshake(conn).await?;
    let protocol = Rc::new(RefCell::new(factory()));
    let transport = attach(stream, Plain(protocol.clone()), names, None, guard)?;
    Ok((transport, protocol))
}

/// `handshake` within `timeout`: a late one is a `TimedOut` error.
pub(super) async fn within<T>(
    timeout: Duration,
    handshake: impl Future<Output = Result<T, EndpointError>>,
) -> Result<T, EndpointError> {
    match corio_runtime::timeout(timeout, handshake).await {
        Ok(result) => result,
        Err(_) => Err(io::Error::new(io::ErrorKind::TimedOut, "TLS handshake timed out").into()),
    }
}
