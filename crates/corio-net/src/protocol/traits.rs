//! The protocol traits: asyncio's `BaseProtocol`, `Protocol`, `BufferedProtocol` and
//! `DatagramProtocol`.

use std::io;
use std::net::SocketAddr;

use super::{DatagramTransport, Transport};

/// The callbacks every protocol has (asyncio's `BaseProtocol`).
///
/// The transport calls them on the loop's thread, in asyncio's order:
/// [`connection_made`](BaseProtocol::connection_made) first, then the data callbacks of
/// [`Protocol`] or [`BufferedProtocol`], and [`connection_lost`](BaseProtocol::connection_lost)
/// last, exactly once. [`pause_writing`](BaseProtocol::pause_writing) and
/// [`resume_writing`](BaseProtocol::resume_writing) alternate, starting with a pause, and a
/// pause may be followed by `connection_lost` with no resume.
///
/// # Examples
///
/// ```
/// use corio_net::protocol::{BaseProtocol, Protocol, Transport};
///
/// #[derive(Default)]
/// struct Echo(Option<Transport>);
///
/// impl BaseProtocol for Echo {
///     fn connection_made(&mut self, transport: Transport) {
///         self.0 = Some(transport);
///     }
/// }
///
/// impl Protocol for Echo {
///     fn data_received(&mut self, data: &[u8]) {
///         if let Some(t) = &self.0 {
///             let _ = t.write(data);
///         }
///     }
/// }
/// ```
pub trait BaseProtocol: 'static {
    /// The connection is up; `transport` is the protocol's handle on it (clone it to keep it).
    fn connection_made(&mut self, transport: Transport) {
        let _ = transport;
    }

    /// The connection is gone: `None` after a clean close (by either side, or an abort),
    /// `Some(error)` after an I/O error. The last callback, called exactly once.
    fn connection_lost(&mut self, error: Option<io::Error>) {
        let _ = error;
    }

    /// The transport's write buffer went above its high-water mark: stop writing until
    /// [`resume_writing`](BaseProtocol::resume_writing).
    fn pause_writing(&mut self) {}

    /// The transport's write buffer drained to its low-water mark: writing may go on.
    fn resume_writing(&mut self) {}
}

/// A stream protocol that receives data as byte slices (asyncio's `Protocol`).
///
/// # Examples
///
/// ```
/// use corio_net::protocol::{BaseProtocol, Protocol};
///
/// struct Count(usize);
/// impl BaseProtocol for Count {}
/// impl Protocol for Count {
///     fn data_received(&mut self, data: &[u8]) {
///         self.0 += data.len();
///     }
/// }
/// ```
pub trait Protocol: BaseProtocol {
    /// Bytes arrived. The slice is only valid during the call.
    fn data_received(&mut self, data: &[u8]);

    /// The peer closed its writing side. Return `false` (the default) to have the transport
    /// close itself; `true` keeps it open for writing (a half-closed connection).
    fn eof_received(&mut self) -> bool {
        false
    }
}

/// A stream protocol that lends its own buffer to be read into (asyncio's
/// `BufferedProtocol`), which saves a copy for protocols that parse in place.
///
/// # Examples
///
/// ```
/// use corio_net::protocol::{BaseProtocol, BufferedProtocol};
///
/// struct Collect {
///     buf: Vec<u8>,
///     got: Vec<u8>,
/// }
/// impl BaseProtocol for Collect {}
/// impl BufferedProtocol for Collect {
///     fn get_buffer(&mut self, _size_hint: usize) -> &mut [u8] {
///         self.buf.resize(4096, 0);
///         &mut self.buf
///     }
///     fn buffer_updated(&mut self, nbytes: usize) {
///         self.got.extend_from_slice(&self.buf[..nbytes]);
///     }
/// }
/// ```
pub trait BufferedProtocol: BaseProtocol {
    /// The buffer the next read fills. `size_hint` is the size the transport would like
    /// (asyncio passes -1 for "any"; corio passes its read size). An empty buffer is an
    /// error: the transport closes with [`io::ErrorKind::InvalidInput`].
    fn get_buffer(&mut self, size_hint: usize) -> &mut [u8];

    /// The first `nbytes` bytes of the buffer last returned by
    /// [`get_buffer`](BufferedProtocol::get_buffer) were filled.
    fn buffer_updated(&mut self, nbytes: usize);

    /// As [`Protocol::eof_received`].
    fn eof_received(&mut self) -> bool {
        false
    }
}

/// A datagram protocol (asyncio's `DatagramProtocol`).
///
/// # Examples
///
/// ```
/// use std::net::SocketAddr;
/// use corio_net::protocol::{DatagramProtocol, DatagramTransport};
///
/// #[derive(Default)]
/// struct EchoUdp(Option<DatagramTransport>);
/// impl DatagramProtocol for EchoUdp {
///     fn connection_made(&mut self, transport: DatagramTransport) {
///         self.0 = Some(transport);
///     }
///     fn datagram_received(&mut self, data: &[u8], addr: SocketAddr) {
///         if let Some(t) = &self.0 {
///             let _ = t.sendto(data, Some(addr));
///         }
///     }
/// }
/// ```
pub trait DatagramProtocol: 'static {
    /// The endpoint is up.
    fn connection_made(&mut self, transport: DatagramTransport) {
        let _ = transport;
    }

    /// A datagram arrived from `addr`.
    fn datagram_received(&mut self, data: &[u8], addr: SocketAddr);

    /// A send or receive failed (for example ICMP port unreachable on a connected socket);
    /// the endpoint stays open.
    fn error_received(&mut self, error: io::Error) {
        let _ = error;
    }

    /// The endpoint is closed: the last callback, called exactly once.
    fn connection_lost(&mut self, error: Option<io::Error>) {
        let _ = error;
    }

    /// The send queue went above its high-water mark.
    fn pause_writing(&mut self) {}

    /// The send queue drained to its low-water mark.
    fn resume_writing(&mut self) {}
}
