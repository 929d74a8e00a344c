//! TLS on the protocol endpoints (asyncio's `ssl=` on `create_connection` and
//! `create_server`), through the rustls streams of [`crate::tls`].

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use futures_rustls::pki_types::ServerName;
use futures_rustls::{TlsAcceptor, TlsConnector};
use rustls::{ClientConfig, ServerConfig};

use super::driver::Plain;
use super::endpoints::{accept_error, attach, tcp_names};
use super::{EndpointError, Protocol, ProtocolServer, SocketAddress, Transport};
use crate::{TcpListener, TcpStream};

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
    let name = ServerName::try_from(server_name.to_owned())
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let stream = TcpStream::connect(addr).await?;
    let (peer, local) = tcp_names(&stream);
    let stream = TlsConnector::from(config).connect(name, stream).await?;
    let protocol = Rc::new(RefCell::new(factory()));
    let transport = attach(stream, Plain(protocol.clone()), peer, local)?;
    Ok((transport, protocol))
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
) -> Result<ProtocolServer, EndpointError>
where
    P: Protocol,
    F: FnMut() -> P + 'static,
{
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr().ok().map(SocketAddress::Inet);
    let factory = Rc::new(RefCell::new(factory));
    let acceptor = TlsAcceptor::from(config);
    let accept = corio_runtime::try_spawn(async move {
        loop {
            match listener.accept().await {
                Ok((stream, _)) => {
                    let (peer, local) = tcp_names(&stream);
                    let acceptor = acceptor.clone();
                    let factory = factory.clone();
                    let handshake = async move {
                        match acceptor.accept(stream).await {
                            Ok(tls) => {
                                let protocol = Rc::new(RefCell::new((factory.borrow_mut())()));
                                if let Err(e) = attach(tls, Plain(protocol), peer, local) {
                                    log::error!("create_tls_server: {e}");
                                }
                            }
                            Err(e) => log::warn!("create_tls_server: TLS handshake failed: {e}"),
                        }
                    };
                    if let Err(e) = corio_runtime::try_spawn(handshake) {
                        log::error!("create_tls_server: {e}");
                    }
                }
                Err(e) => accept_error(e).await,
            }
        }
    })?;
    Ok(ProtocolServer {
        accept: Some(accept.cancel_on_drop()),
        local,
    })
}
