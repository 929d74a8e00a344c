//! [`UnixDatagram`]: Unix domain datagram sockets.

use std::fmt;
use std::io;
use std::os::fd::AsRawFd;
use std::path::Path;

use corio_reactor::Async;

/// A Unix domain datagram socket, registered with the running loop's reactor.
///
/// # Examples
///
/// ```
/// use corio_net::UnixDatagram;
///
/// corio_runtime::run(async {
///     let (a, b) = UnixDatagram::pair()?;
///     a.send(b"one").await?;
///     a.send(b"two").await?;
///     let mut buf = [0; 8];
///     let n = b.recv(&mut buf).await?;
///     assert_eq!(&buf[..n], b"one"); // message boundaries are kept
///     std::io::Result::Ok(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct UnixDatagram {
    pub(crate) inner: Async<std::os::unix::net::UnixDatagram>,
}

impl UnixDatagram {
    /// A socket bound to `path`.
    ///
    /// # Errors
    ///
    /// The OS error; an error wrapping [`NoReactor`](corio_reactor::NoReactor) outside a
    /// running loop.
    ///
    /// # Examples
    ///
    /// ```
    /// corio_runtime::run(async {
    ///     let path = std::env::temp_dir().join(format!("corio-doc-dg-{}.sock", std::process::id()));
    ///     let _ = std::fs::remove_file(&path);
    ///     let server = corio_net::UnixDatagram::bind(&path)?;
    ///     let client = corio_net::UnixDatagram::unbound()?;
    ///     client.send_to(b"hi", &path).await?;
    ///     let mut buf = [0; 8];
    ///     let (n, _from) = server.recv_from(&mut buf).await?;
    ///     assert_eq!(&buf[..n], b"hi");
    ///     std::fs::remove_file(&path)?;
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn bind(path: impl AsRef<Path>) -> io::Result<UnixDatagram> {
        UnixDatagram::from_std(std::os::unix::net::UnixDatagram::bind(path)?)
    }

    /// A socket bound to no address.
    ///
    /// # Errors
    ///
    /// As [`bind`](UnixDatagram::bind).
    ///
    /// # Examples
    ///
    /// See [`bind`](UnixDatagram::bind).
    pub fn unbound() -> io::Result<UnixDatagram> {
        UnixDatagram::from_std(std::os::unix::net::UnixDatagram::unbound()?)
    }

    /// A connected pair.
    ///
    /// # Errors
    ///
    /// As [`bind`](UnixDatagram::bind).
    ///
    /// # Examples
    ///
    /// See [`UnixDatagram`].
    pub fn pair() -> io::Result<(UnixDatagram, UnixDatagram)> {
        let (a, b) = std::os::unix::net::UnixDatagram::pair()?;
        Ok((UnixDatagram::from_std(a)?, UnixDatagram::from_std(b)?))
    }

    /// Wraps a std socket.
    ///
    /// # Errors
    ///
    /// An error wrapping [`NoReactor`](corio_reactor::NoReactor) outside a running loop, or
    /// the OS error from registering it.
    ///
    /// # Examples
    ///
    /// ```
    /// corio_runtime::run(async {
    ///     let s = corio_net::UnixDatagram::from_std(std::os::unix::net::UnixDatagram::unbound()?)?;
    ///     assert!(s.local_addr()?.is_unnamed());
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_std(socket: std::os::unix::net::UnixDatagram) -> io::Result<UnixDatagram> {
        Ok(UnixDatagram {
            inner: Async::new(socket)?,
        })
    }

    /// Sets the default peer.
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Examples
    ///
    /// ```
    /// corio_runtime::run(async {
    ///     let path = std::env::temp_dir().join(format!("corio-doc-dc-{}.sock", std::process::id()));
    ///     let _ = std::fs::remove_file(&path);
    ///     let server = corio_net::UnixDatagram::bind(&path)?;
    ///     let client = corio_net::UnixDatagram::unbound()?;
    ///     client.connect(&path)?;
    ///     client.send(b"x").await?;
    ///     let mut buf = [0; 4];
    ///     assert_eq!(server.recv(&mut buf).await?, 1);
    ///     std::fs::remove_file(&path)?;
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn connect(&self, path: impl AsRef<Path>) -> io::Result<()> {
        self.inner.get_ref().connect(path)
    }

    /// Sends a datagram to `path`.
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// # Examples
    ///
    /// See [`bind`](UnixDatagram::bind).
    pub async fn send_to(&self, buf: &[u8], path: impl AsRef<Path>) -> io::Result<usize> {
        let path = path.as_ref();
        self.inner.write_with(|s| s.send_to(buf, path)).await
    }
}

crate::fd_impls::impl_fd!(UnixDatagram);

impl fmt::Debug for UnixDatagram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnixDatagram")
            .field("fd", &self.as_raw_fd())
            .finish()
    }
}
