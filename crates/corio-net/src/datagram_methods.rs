//! The methods [`UdpSocket`] and [`UnixDatagram`] share, written once: the std socket
//! underneath, sending and receiving on a connected socket, `recv_from` and its poll form,
//! and the two addresses.
//!
//! A macro stamps the delegation and its docs onto each type, with the family's own
//! connected pair in every example, so that each type's page documents and tests its own
//! methods (as `stream_methods!` does for the stream sockets). The logic is not in the
//! macro: it is the std socket's and the reactor's. Each family's own methods (binding,
//! connecting, `send_to` with its address type, UDP's options) stay in `udp.rs` and
//! `unix/datagram.rs`.

use std::io;
use std::task::{Context, Poll};

use crate::{UdpSocket, UnixDatagram};

/// One doc and one body for both families. `$std` is the std socket, `$addr` its address
/// type, and `$pair` the example's setup: two sockets `a` and `b` (this type), each
/// connected to the other.
macro_rules! datagram_methods {
    ($socket:ty, $std:ty, $addr:ty, $pair:literal) => {
        impl $socket {
            /// The std socket underneath (still non-blocking), for options corio does not
            /// wrap.
            ///
            /// # Examples
            ///
            /// ```
            /// corio_runtime::run(async {
            #[doc = $pair]
            ///     assert!(a.get_ref().local_addr().is_ok());
            ///     # drop(b);
            ///     std::io::Result::Ok(())
            /// })??;
            /// # Ok::<(), Box<dyn std::error::Error>>(())
            /// ```
            #[must_use]
            pub fn get_ref(&self) -> &$std {
                self.inner.get_ref()
            }

            /// Receives a datagram; returns its length and sender. A datagram longer than
            /// `buf` is truncated.
            ///
            /// # Errors
            ///
            /// The OS error.
            ///
            /// # Cancel safety
            ///
            /// Cancel safe: if cancelled, nothing was received.
            ///
            /// # Examples
            ///
            /// ```
            /// corio_runtime::run(async {
            #[doc = $pair]
            ///     a.send(b"ping").await?;
            ///     let mut buf = [0; 8];
            ///     let (n, _from) = b.recv_from(&mut buf).await?;
            ///     assert_eq!(&buf[..n], b"ping");
            ///     std::io::Result::Ok(())
            /// })??;
            /// # Ok::<(), Box<dyn std::error::Error>>(())
            /// ```
            pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, $addr)> {
                self.inner.read_with(|s| s.recv_from(buf)).await
            }

            /// Sends a datagram to the connected peer; returns the bytes sent.
            ///
            /// # Errors
            ///
            /// The OS error (`NotConnected` without `connect`; `ConnectionRefused` when
            /// no one receives at the peer's address, after an ICMP port unreachable for
            /// UDP).
            ///
            /// # Cancel safety
            ///
            /// Cancel safe: if cancelled, nothing was sent.
            ///
            /// # Examples
            ///
            /// ```
            /// corio_runtime::run(async {
            #[doc = $pair]
            ///     assert_eq!(a.send(b"one").await?, 3);
            ///     a.send(b"two").await?;
            ///     let mut buf = [0; 8];
            ///     let n = b.recv(&mut buf).await?;
            ///     assert_eq!(&buf[..n], b"one"); // message boundaries are kept
            ///     std::io::Result::Ok(())
            /// })??;
            /// # Ok::<(), Box<dyn std::error::Error>>(())
            /// ```
            pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
                self.inner.write_with(|s| s.send(buf)).await
            }

            /// Receives a datagram from the connected peer; returns its length.
            ///
            /// # Errors
            ///
            /// The OS error.
            ///
            /// # Cancel safety
            ///
            /// Cancel safe: if cancelled, nothing was received.
            ///
            /// # Examples
            ///
            /// See [`send`](Self::send).
            pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
                self.inner.read_with(|s| s.recv(buf)).await
            }

            /// Polls to receive a datagram (for datagram transports).
            ///
            /// # Errors
            ///
            /// The OS error.
            ///
            /// # Examples
            ///
            /// ```
            /// use std::task::{Context, Waker};
            ///
            /// corio_runtime::run(async {
            #[doc = $pair]
            ///     let mut buf = [0; 8];
            ///     let mut cx = Context::from_waker(Waker::noop());
            ///     assert!(a.poll_recv_from(&mut cx, &mut buf).is_pending());
            ///     # drop(b);
            ///     std::io::Result::Ok(())
            /// })??;
            /// # Ok::<(), Box<dyn std::error::Error>>(())
            /// ```
            pub fn poll_recv_from(
                &self,
                cx: &mut Context<'_>,
                buf: &mut [u8],
            ) -> Poll<io::Result<(usize, $addr)>> {
                self.inner.poll_read_with(cx, |s| s.recv_from(buf))
            }

            /// The local address (asyncio's `get_extra_info("sockname")`).
            ///
            /// # Errors
            ///
            /// The OS error.
            ///
            /// # Examples
            ///
            /// ```
            /// corio_runtime::run(async {
            #[doc = $pair]
            ///     assert_eq!(
            ///         format!("{:?}", a.local_addr()?),
            ///         format!("{:?}", b.peer_addr()?),
            ///     );
            ///     std::io::Result::Ok(())
            /// })??;
            /// # Ok::<(), Box<dyn std::error::Error>>(())
            /// ```
            pub fn local_addr(&self) -> io::Result<$addr> {
                self.get_ref().local_addr()
            }

            /// The connected peer's address (asyncio's `get_extra_info("peername")`).
            ///
            /// # Errors
            ///
            /// `NotConnected` without `connect`.
            ///
            /// # Examples
            ///
            /// ```
            /// corio_runtime::run(async {
            #[doc = $pair]
            ///     assert_eq!(
            ///         format!("{:?}", a.peer_addr()?),
            ///         format!("{:?}", b.local_addr()?),
            ///     );
            ///     std::io::Result::Ok(())
            /// })??;
            /// # Ok::<(), Box<dyn std::error::Error>>(())
            /// ```
            pub fn peer_addr(&self) -> io::Result<$addr> {
                self.get_ref().peer_addr()
            }
        }
    };
}

datagram_methods!(
    UdpSocket,
    std::net::UdpSocket,
    std::net::SocketAddr,
    "    let a = corio_net::UdpSocket::bind(\"127.0.0.1:0\").await?;\n    let b = corio_net::UdpSocket::bind(\"127.0.0.1:0\").await?;\n    a.connect(b.local_addr()?).await?;\n    b.connect(a.local_addr()?).await?;"
);
datagram_methods!(
    UnixDatagram,
    std::os::unix::net::UnixDatagram,
    std::os::unix::net::SocketAddr,
    "    let (a, b) = corio_net::UnixDatagram::pair()?;"
);
