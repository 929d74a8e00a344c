//! [`ExtraInfo`]: what asyncio's `get_extra_info` answers, in Rust's shape.

use std::fmt;
use std::net::SocketAddr;

/// A socket address of either family corio's streams use.
///
/// # Examples
///
/// ```
/// use corio_net::SocketAddress;
///
/// let addr = SocketAddress::from(std::net::SocketAddr::from(([127, 0, 0, 1], 80)));
/// assert_eq!(addr.as_inet().map(|a| a.port()), Some(80));
/// assert_eq!(addr.to_string(), "127.0.0.1:80");
/// ```
#[derive(Clone, Debug)]
pub enum SocketAddress {
    /// An IPv4 or IPv6 address.
    Inet(SocketAddr),
    /// A Unix domain socket address (a path, unnamed, or abstract).
    Unix(std::os::unix::net::SocketAddr),
}

impl SocketAddress {
    /// The IP address, if this is one.
    ///
    /// # Examples
    ///
    /// See [`SocketAddress`].
    #[must_use]
    pub fn as_inet(&self) -> Option<SocketAddr> {
        match self {
            SocketAddress::Inet(a) => Some(*a),
            SocketAddress::Unix(_) => None,
        }
    }

    /// The Unix socket address, if this is one.
    ///
    /// # Examples
    ///
    /// ```
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let addr = corio_net::SocketAddress::from(a.local_addr()?);
    /// assert!(addr.as_unix().is_some_and(|u| u.is_unnamed()));
    /// # std::io::Result::Ok(())
    /// ```
    #[must_use]
    pub fn as_unix(&self) -> Option<&std::os::unix::net::SocketAddr> {
        match self {
            SocketAddress::Inet(_) => None,
            SocketAddress::Unix(a) => Some(a),
        }
    }
}

impl From<SocketAddr> for SocketAddress {
    fn from(addr: SocketAddr) -> SocketAddress {
        SocketAddress::Inet(addr)
    }
}

impl From<std::os::unix::net::SocketAddr> for SocketAddress {
    fn from(addr: std::os::unix::net::SocketAddr) -> SocketAddress {
        SocketAddress::Unix(addr)
    }
}

impl fmt::Display for SocketAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SocketAddress::Inet(a) => a.fmt(f),
            SocketAddress::Unix(a) => match a.as_pathname() {
                Some(path) => path.display().fmt(f),
                None => f.write_str("(unnamed)"),
            },
        }
    }
}

/// What a stream knows about its connection: asyncio's `get_extra_info("peername")`,
/// `("sockname")` and, with TLS, the negotiated protocol and the peer's certificates.
///
/// Streams over a socket fill it in; a [`StreamWriter`](crate::StreamWriter) over
/// another byte stream (a pipe, a test buffer) starts with an empty one.
///
/// # Examples
///
/// ```
/// use corio_net::ExtraInfo;
///
/// let info = ExtraInfo::new().with_peername(std::net::SocketAddr::from(([127, 0, 0, 1], 80)));
/// assert_eq!(info.peername().and_then(|a| a.as_inet()).map(|a| a.port()), Some(80));
/// assert!(info.sockname().is_none());
/// ```
#[derive(Clone, Debug, Default)]
pub struct ExtraInfo {
    peername: Option<SocketAddress>,
    sockname: Option<SocketAddress>,
    alpn_protocol: Option<Vec<u8>>,
    peer_certificates: Option<Vec<Vec<u8>>>,
}

impl ExtraInfo {
    /// Nothing known.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(corio_net::ExtraInfo::new().peername().is_none());
    /// ```
    #[must_use]
    pub fn new() -> ExtraInfo {
        ExtraInfo::default()
    }

    /// With the peer's address.
    ///
    /// # Examples
    ///
    /// See [`ExtraInfo`].
    #[must_use]
    pub fn with_peername(mut self, addr: impl Into<SocketAddress>) -> ExtraInfo {
        self.peername = Some(addr.into());
        self
    }

    /// With the local address.
    ///
    /// # Examples
    ///
    /// ```
    /// let info = corio_net::ExtraInfo::new()
    ///     .with_sockname(std::net::SocketAddr::from(([127, 0, 0, 1], 8080)));
    /// assert!(info.sockname().is_some());
    /// ```
    #[must_use]
    pub fn with_sockname(mut self, addr: impl Into<SocketAddress>) -> ExtraInfo {
        self.sockname = Some(addr.into());
        self
    }

    /// With the TLS details: the ALPN protocol agreed on and the peer's certificate chain
    /// (DER).
    ///
    /// # Examples
    ///
    /// ```
    /// let info = corio_net::ExtraInfo::new().with_tls(Some(b"h2".to_vec()), None);
    /// assert_eq!(info.alpn_protocol(), Some(&b"h2"[..]));
    /// ```
    #[must_use]
    pub fn with_tls(
        mut self,
        alpn: Option<Vec<u8>>,
        peer_certificates: Option<Vec<Vec<u8>>>,
    ) -> ExtraInfo {
        self.alpn_protocol = alpn;
        self.peer_certificates = peer_certificates;
        self
    }

    /// The peer's address (`get_extra_info("peername")`).
    ///
    /// # Examples
    ///
    /// See [`ExtraInfo`].
    #[must_use]
    pub fn peername(&self) -> Option<&SocketAddress> {
        self.peername.as_ref()
    }

    /// The local address (`get_extra_info("sockname")`).
    ///
    /// # Examples
    ///
    /// See [`with_sockname`](ExtraInfo::with_sockname).
    #[must_use]
    pub fn sockname(&self) -> Option<&SocketAddress> {
        self.sockname.as_ref()
    }

    /// The ALPN protocol agreed on in the TLS handshake (`ssl_object.selected_alpn_protocol()`).
    ///
    /// # Examples
    ///
    /// See [`with_tls`](ExtraInfo::with_tls).
    #[must_use]
    pub fn alpn_protocol(&self) -> Option<&[u8]> {
        self.alpn_protocol.as_deref()
    }

    /// The peer's certificate chain in DER, leaf first (`get_extra_info("peercert")`).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(corio_net::ExtraInfo::new().peer_certificates().is_none());
    /// ```
    #[doc(alias = "peercert")]
    #[must_use]
    pub fn peer_certificates(&self) -> Option<&[Vec<u8>]> {
        self.peer_certificates.as_deref()
    }
}
