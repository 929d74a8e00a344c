//! asyncio's transports and protocols: callback-style networking on the loop.
//!
//! [`create_connection`] and [`create_server`] (and their Unix twins) connect a socket to a
//! protocol object made by a factory: the transport, a task of the loop, reads the socket and
//! calls the protocol back ([`Protocol::data_received`], [`Protocol::eof_received`],
//! [`BaseProtocol::connection_lost`]...), and the protocol writes through its [`Transport`].
//! [`create_datagram_endpoint`] does the same for UDP with a [`DatagramProtocol`].
//!
//! The callbacks come in asyncio's order: `connection_made` first (before the endpoint call
//! returns), then `data_received`... (or `get_buffer`/`buffer_updated` for a
//! [`BufferedProtocol`]), `eof_received` when the peer shuts its side, and `connection_lost`
//! last, exactly once. Flow control is asyncio's: the write buffer has a high- and a
//! low-water mark (64 KiB and 16 KiB by default); above the high one the protocol gets
//! `pause_writing`, and `resume_writing` once the buffer drains to the low one.
//!
//! Most code is simpler with the stream API ([`open_connection`](crate::open_connection),
//! [`start_server`](crate::start_server)); protocols pay where a callback per chunk fits
//! (parsers, proxies, ports of asyncio code).
//!
//! The same endpoints are methods of the loop through [`ProtocolLoopExt`].
//!
//! # Examples
//!
//! See [`Transport`] for a TCP echo, [`DatagramTransport`] for a UDP echo.

mod datagram;
mod driver;
mod endpoints;
mod error;
mod traits;
mod transport;

use std::fmt;
use std::net::SocketAddr;

pub use datagram::DatagramTransport;
pub use endpoints::{
    ProtocolLoopExt, ProtocolServer, create_buffered_connection, create_connection,
    create_datagram_endpoint, create_server, create_unix_connection, create_unix_server,
};
pub use error::{EndpointError, TransportError};
pub use traits::{BaseProtocol, BufferedProtocol, DatagramProtocol, Protocol};
pub use transport::Transport;

/// A socket's address as a transport reports it (`peername`, `sockname`).
///
/// # Examples
///
/// ```
/// use corio_net::protocol::SocketAddress;
///
/// let a = SocketAddress::Inet("127.0.0.1:80".parse().unwrap());
/// assert_eq!(a.to_string(), "127.0.0.1:80");
/// assert_eq!(a.as_inet().map(|a| a.port()), Some(80));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum SocketAddress {
    /// An IPv4 or IPv6 address (TCP).
    Inet(SocketAddr),
    /// A Unix socket's address (a path, or unnamed).
    Unix(std::os::unix::net::SocketAddr),
}

impl SocketAddress {
    /// The IP address, if it is one.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_net::protocol::SocketAddress;
    ///
    /// let a = SocketAddress::Inet("[::1]:8080".parse().unwrap());
    /// assert!(a.as_inet().unwrap().is_ipv6());
    /// ```
    pub fn as_inet(&self) -> Option<SocketAddr> {
        match self {
            SocketAddress::Inet(a) => Some(*a),
            SocketAddress::Unix(_) => None,
        }
    }
}

impl fmt::Display for SocketAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SocketAddress::Inet(a) => a.fmt(f),
            SocketAddress::Unix(a) => match a.as_pathname() {
                Some(p) => p.display().fmt(f),
                None => f.write_str("(unnamed)"),
            },
        }
    }
}
