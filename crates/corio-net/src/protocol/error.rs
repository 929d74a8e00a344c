//! The errors of transports and endpoints.

use std::io;

/// Why a transport refused a call.
///
/// # Examples
///
/// ```
/// use corio_net::protocol::TransportError;
///
/// let err = TransportError::InvalidLimits { high: 10, low: 20 };
/// assert_eq!(err.to_string(), "high-water mark 10 is below low-water mark 20");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// `close()` or `abort()` was called, or the connection is lost: nothing more is sent.
    #[error("the transport is closing")]
    Closing,
    /// `write_eof()` was called: the writing side is shut.
    #[error("cannot write after write_eof()")]
    AfterEof,
    /// `set_write_buffer_limits` got a high-water mark below the low-water mark.
    #[error("high-water mark {high} is below low-water mark {low}")]
    InvalidLimits {
        /// The high-water mark asked for.
        high: usize,
        /// The low-water mark asked for.
        low: usize,
    },
    /// `sendto` on a connected datagram endpoint named another address, or on an unconnected
    /// one named none.
    #[error("{0}")]
    Address(&'static str),
    /// `write` on a read pipe's transport (asyncio's read pipe transport has no `write`).
    #[error("a read pipe transport cannot write")]
    NotWritable,
}

/// Why an endpoint (`create_connection`, `create_server`, `create_datagram_endpoint`...)
/// could not be made.
///
/// # Examples
///
/// ```
/// use corio_net::protocol::{BaseProtocol, EndpointError, Protocol, create_connection};
///
/// #[derive(Debug)]
/// struct Nothing;
/// impl BaseProtocol for Nothing {}
/// impl Protocol for Nothing {
///     fn data_received(&mut self, _: &[u8]) {}
/// }
///
/// corio_runtime::run(async {
///     // Nothing listens on port 1.
///     let err = create_connection(|| Nothing, "127.0.0.1:1").await.unwrap_err();
///     assert!(matches!(err, EndpointError::Io(_)));
/// })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EndpointError {
    /// The socket could not be resolved, bound, connected or accepted.
    #[error(transparent)]
    Io(#[from] io::Error),
    /// There is no running loop to run the transport on.
    #[error(transparent)]
    Loop(#[from] corio_runtime::LoopError),
    /// `connect_read_pipe`/`connect_write_pipe` got a descriptor that is no pipe.
    #[error(transparent)]
    Pipe(#[from] super::PipeError),
}
