//! The methods [`TcpStream`] and [`UnixStream`] share, written once: the std stream
//! underneath, the two addresses, `shutdown`, readiness and `SO_ERROR`.
//!
//! A macro stamps the delegation and its docs onto each type, with the family's own
//! connected pair in every example, so that each type's page documents and tests its own
//! methods (as `stream_sendfile!` does for `sendfile`). The logic is not in the macro: it
//! is the std socket's and the reactor's. Each family's own methods (connecting, TCP's
//! options, reading and writing) stay in `tcp/stream.rs` and `unix/stream.rs`.

use std::io;
use std::net::Shutdown;

use crate::{TcpStream, UnixStream};

/// One doc and one body for both families. `$std` is the std stream, `$addr` its address
/// type, and `$pair` the example's setup: a connected pair `a` (this type) and `b` (its
/// peer, also this type).
macro_rules! stream_methods {
    ($stream:ty, $std:ty, $addr:ty, $pair:literal) => {
        impl $stream {
            /// The std stream underneath (still non-blocking), for options corio does not
            /// wrap.
            ///
            /// # Examples
            ///
            /// ```
            /// corio_runtime::run(async {
            #[doc = $pair]
            ///     assert!(a.get_ref().peer_addr().is_ok());
            ///     # drop(b);
            ///     std::io::Result::Ok(())
            /// })??;
            /// # Ok::<(), Box<dyn std::error::Error>>(())
            /// ```
            #[must_use]
            pub fn get_ref(&self) -> &$std {
                self.inner.get_ref()
            }

            /// The address of the peer (asyncio's `get_extra_info("peername")`).
            ///
            /// # Errors
            ///
            /// The OS error (e.g. `NotConnected` after a reset).
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

            /// Shuts the read half, the write half or both down. Shutting the write half
            /// sends end-of-file (a TCP FIN): the peer's reads return 0.
            ///
            /// # Errors
            ///
            /// The OS error (e.g. `NotConnected`).
            ///
            /// # Examples
            ///
            /// ```
            /// use std::net::Shutdown;
            /// use futures_lite::AsyncReadExt;
            ///
            /// corio_runtime::run(async {
            #[doc = $pair]
            ///     a.shutdown(Shutdown::Write)?;
            ///     let mut rest = Vec::new();
            ///     assert_eq!((&b).read_to_end(&mut rest).await?, 0); // end-of-file
            ///     std::io::Result::Ok(())
            /// })??;
            /// # Ok::<(), Box<dyn std::error::Error>>(())
            /// ```
            pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
                self.get_ref().shutdown(how)
            }

            /// Waits until the socket is readable.
            ///
            /// # Errors
            ///
            /// The reactor's OS error.
            ///
            /// # Cancel safety
            ///
            /// Cancel safe.
            ///
            /// # Examples
            ///
            /// ```
            /// corio_runtime::run(async {
            #[doc = $pair]
            ///     a.write(b"x").await?;
            ///     b.readable().await?;
            ///     std::io::Result::Ok(())
            /// })??;
            /// # Ok::<(), Box<dyn std::error::Error>>(())
            /// ```
            pub async fn readable(&self) -> io::Result<()> {
                self.inner.readable().await
            }

            /// Waits until the socket is writable.
            ///
            /// # Errors
            ///
            /// The reactor's OS error.
            ///
            /// # Cancel safety
            ///
            /// Cancel safe.
            ///
            /// # Examples
            ///
            /// ```
            /// corio_runtime::run(async {
            #[doc = $pair]
            ///     a.writable().await?;
            ///     # drop(b);
            ///     std::io::Result::Ok(())
            /// })??;
            /// # Ok::<(), Box<dyn std::error::Error>>(())
            /// ```
            pub async fn writable(&self) -> io::Result<()> {
                self.inner.writable().await
            }

            /// Takes the pending socket error (`SO_ERROR`), if any.
            ///
            /// # Errors
            ///
            /// The OS error from reading it.
            ///
            /// # Examples
            ///
            /// ```
            /// corio_runtime::run(async {
            #[doc = $pair]
            ///     assert!(a.take_error()?.is_none());
            ///     # drop(b);
            ///     std::io::Result::Ok(())
            /// })??;
            /// # Ok::<(), Box<dyn std::error::Error>>(())
            /// ```
            pub fn take_error(&self) -> io::Result<Option<io::Error>> {
                self.get_ref().take_error()
            }
        }
    };
}

stream_methods!(
    TcpStream,
    std::net::TcpStream,
    std::net::SocketAddr,
    "    let listener = corio_net::TcpListener::bind(\"127.0.0.1:0\").await?;\n    let a = corio_net::TcpStream::connect(listener.local_addr()?).await?;\n    let (b, _) = listener.accept().await?;"
);
stream_methods!(
    UnixStream,
    std::os::unix::net::UnixStream,
    std::os::unix::net::SocketAddr,
    "    let (a, b) = corio_net::UnixStream::pair()?;"
);
