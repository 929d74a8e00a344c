//! `connect_accepted_socket`: a transport and protocol on a socket accepted (or connected)
//! elsewhere, as asyncio's `loop.connect_accepted_socket` does.

use std::cell::RefCell;
use std::io;
use std::rc::Rc;

use super::driver::Plain;
use super::endpoints::run_on;
use super::{EndpointError, Protocol, Transport};
use crate::family::{AnyConnection, with_connection};
use crate::{TcpStream, UnixStream};

// `pub` items in a private module: the seal of `StreamSocket`.
#[allow(unreachable_pub)]
mod sealed {
    pub trait Sealed {
        fn into_connection(self) -> std::io::Result<super::AnyConnection>;
    }
}

/// A connected stream socket that [`connect_accepted_socket`] can take: a std or corio TCP
/// or Unix stream, or a `socket2::Socket` of either family (Python's socket object). It is
/// registered with the running loop and put in non-blocking mode.
///
/// The trait is sealed.
///
/// # Examples
///
/// See [`connect_accepted_socket`].
pub trait StreamSocket: sealed::Sealed {}

impl<T: sealed::Sealed> StreamSocket for T {}

impl sealed::Sealed for std::net::TcpStream {
    fn into_connection(self) -> io::Result<AnyConnection> {
        TcpStream::from_std(self).map(AnyConnection::Tcp)
    }
}

impl sealed::Sealed for std::os::unix::net::UnixStream {
    fn into_connection(self) -> io::Result<AnyConnection> {
        UnixStream::from_std(self).map(AnyConnection::Unix)
    }
}

impl sealed::Sealed for TcpStream {
    fn into_connection(self) -> io::Result<AnyConnection> {
        Ok(AnyConnection::Tcp(self))
    }
}

impl sealed::Sealed for UnixStream {
    fn into_connection(self) -> io::Result<AnyConnection> {
        Ok(AnyConnection::Unix(self))
    }
}

impl sealed::Sealed for socket2::Socket {
    fn into_connection(self) -> io::Result<AnyConnection> {
        // asyncio: "A Stream Socket was expected".
        if self.r#type()? != socket2::Type::STREAM {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a stream socket was expected",
            ));
        }
        let fd = std::os::fd::OwnedFd::from(self);
        if rustix::net::getsockname(&fd)?.address_family() == rustix::net::AddressFamily::UNIX {
            std::os::unix::net::UnixStream::from(fd).into_connection()
        } else {
            std::net::TcpStream::from(fd).into_connection()
        }
    }
}

/// Runs a protocol made by `factory` on a socket already accepted, or connected, by other
/// means (asyncio's `loop.connect_accepted_socket`): for servers that accept outside the
/// loop, or sockets handed over by another process. Returns the transport and the protocol
/// after `connection_made` ran.
///
/// # Errors
///
/// [`EndpointError::Io`] for a socket that is not a stream socket (`InvalidInput`) or
/// cannot be registered; [`EndpointError::Loop`] outside a running loop. The socket is
/// closed then.
///
/// # Cancel safety
///
/// Cancel safe: nothing awaits before the transport exists.
///
/// # Examples
///
/// ```
/// use corio_net::protocol::{BaseProtocol, Protocol, Transport, connect_accepted_socket};
///
/// #[derive(Default)]
/// struct Hello;
/// impl BaseProtocol for Hello {
///     fn connection_made(&mut self, t: Transport) {
///         t.write(b"hello\n").unwrap();
///         t.close();
///     }
/// }
/// impl Protocol for Hello {
///     fn data_received(&mut self, _: &[u8]) {}
/// }
///
/// // A server that accepts with std, outside the loop.
/// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
/// let addr = listener.local_addr()?;
/// corio_runtime::run(async move {
///     let client = std::thread::spawn(move || {
///         let mut s = std::net::TcpStream::connect(addr).unwrap();
///         let mut got = String::new();
///         std::io::Read::read_to_string(&mut s, &mut got).unwrap();
///         got
///     });
///     let (conn, _) = listener.accept()?;
///     let (transport, _) = connect_accepted_socket(Hello::default, conn).await?;
///     assert!(transport.peername().is_some());
///     while !client.is_finished() {
///         corio_runtime::sleep(std::time::Duration::from_millis(1)).await;
///     }
///     assert_eq!(client.join().unwrap(), "hello\n");
///     Ok::<(), Box<dyn std::error::Error>>(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn connect_accepted_socket<P, F>(
    factory: F,
    sock: impl StreamSocket,
) -> Result<(Transport, Rc<RefCell<P>>), EndpointError>
where
    P: Protocol,
    F: FnOnce() -> P,
{
    with_connection!(sock.into_connection()?, |s| run_on(
        s,
        factory(),
        Plain,
        None
    ))
}

/// [`connect_accepted_socket`] with TLS, server side (asyncio's `ssl=` on
/// `connect_accepted_socket`): the handshake runs first (within asyncio's default
/// `ssl_handshake_timeout` of 60 s), then the protocol on the decrypted bytes.
///
/// # Errors
///
/// As [`connect_accepted_socket`]; the handshake's error, or `TimedOut`.
///
/// # Cancel safety
///
/// Cancel safe until it returns: a cancelled handshake closes the socket and made no
/// protocol.
///
/// # Examples
///
/// See the crate's `tests/protocol_accepted.rs`; the setup is that of
/// [`create_tls_connection`](super::create_tls_connection).
#[cfg(feature = "tls")]
#[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
pub async fn connect_accepted_tls_socket<P, F>(
    factory: F,
    sock: impl StreamSocket,
    config: std::sync::Arc<rustls::ServerConfig>,
) -> Result<(Transport, Rc<RefCell<P>>), EndpointError>
where
    P: Protocol,
    F: FnOnce() -> P,
{
    let tls = crate::tls::ServerTls::new(config);
    let conn = sock.into_connection()?;
    let handshake = async {
        with_connection!(conn, |s| {
            super::tls::run_tls(s, |s| tls.handshake(s), factory, None).await
        })
    };
    super::tls::within(crate::tls::DEFAULT_HANDSHAKE_TIMEOUT, handshake).await
}
