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
//! [`connect_read_pipe`] and [`connect_write_pipe`] run a protocol on one end of a pipe (a
//! child's stdio, a FIFO, a terminal) with the same transport, one direction only.
//!
//! The same endpoints are methods of the loop through [`ProtocolLoopExt`].
//!
//! # Examples
//!
//! See [`Transport`] for a TCP echo, [`DatagramTransport`] for a UDP echo.

mod accepted;
mod control;
mod datagram;
mod driver;
mod endpoints;
mod error;
mod loop_ext;
mod pipe;
mod pipe_io;
mod sendfile;
#[cfg(feature = "tls")]
mod tls;
mod traits;
mod transport;

#[cfg(feature = "tls")]
#[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
pub use accepted::connect_accepted_tls_socket;
pub use accepted::{StreamSocket, connect_accepted_socket};
pub use datagram::DatagramTransport;
pub use endpoints::{
    create_buffered_connection, create_connection, create_connection_with,
    create_datagram_endpoint, create_server, create_server_with, create_unix_connection,
    create_unix_connection_with, create_unix_server, create_unix_server_with,
};
pub use error::{EndpointError, TransportError};
pub use loop_ext::ProtocolLoopExt;
pub use pipe::{connect_read_pipe, connect_write_pipe};
pub use pipe_io::PipeError;
#[cfg(feature = "tls")]
#[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
pub use tls::{
    create_tls_connection, create_tls_server, create_unix_tls_connection, create_unix_tls_server,
};
pub use traits::{BaseProtocol, BufferedProtocol, DatagramProtocol, Protocol};
pub use transport::Transport;

#[doc(no_inline)]
pub use crate::{Server, ServerOptions, SocketAddress};
