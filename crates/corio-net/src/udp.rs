//! [`UdpSocket`]: UDP datagrams.

use std::fmt;
use std::future::ready;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::AsRawFd;
use std::task::{Context, Poll};

use corio_reactor::Async;
use socket2::{Domain, Protocol, Type};

use crate::resolve::{ToSocketAddrs, resolve};
use crate::socket::{new_socket, try_each};

/// A UDP socket, registered with the running loop's reactor. All methods take `&self`:
/// share it (`Rc`/`Arc`) between a sending and a receiving task.
///
/// # Examples
///
/// ```
/// use corio_net::UdpSocket;
///
/// corio_runtime::run(async {
///     let server = UdpSocket::bind("127.0.0.1:0").await?;
///     let client = UdpSocket::bind("127.0.0.1:0").await?;
///     client.send_to(b"ping", server.local_addr()?).await?;
///     let mut buf = [0; 16];
///     let (n, from) = server.recv_from(&mut buf).await?;
///     assert_eq!((&buf[..n], from), (&b"ping"[..], client.local_addr()?));
///     std::io::Result::Ok(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct UdpSocket {
    pub(crate) inner: Async<std::net::UdpSocket>,
}

impl UdpSocket {
    /// Binds to `addr` (the first address it resolves to that binds).
    ///
    /// # Errors
    ///
    /// The resolver's or the OS error; an error wrapping
    /// [`NoReactor`](corio_reactor::NoReactor) outside a running loop.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: only resolution awaits.
    ///
    /// # Examples
    ///
    /// See [`UdpSocket`].
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<UdpSocket> {
        try_each(resolve(&addr).await?, |addr| {
            ready(UdpSocket::bind_addr(addr))
        })
        .await
    }

    fn bind_addr(addr: SocketAddr) -> io::Result<UdpSocket> {
        let socket = new_socket(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))?;
        socket.bind(&addr.into())?;
        UdpSocket::from_std(std::net::UdpSocket::from(socket))
    }

    /// Wraps a bound std socket.
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
    ///     let socket = corio_net::UdpSocket::from_std(std::net::UdpSocket::bind("127.0.0.1:0")?)?;
    ///     assert!(socket.local_addr()?.port() > 0);
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_std(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        Ok(UdpSocket {
            inner: Async::new(socket)?,
        })
    }

    /// Sets the default peer: `send`/`recv` then talk to it only.
    ///
    /// # Errors
    ///
    /// The resolver's or the OS error.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: only resolution awaits.
    ///
    /// # Examples
    ///
    /// ```
    /// corio_runtime::run(async {
    ///     let a = corio_net::UdpSocket::bind("127.0.0.1:0").await?;
    ///     let b = corio_net::UdpSocket::bind("127.0.0.1:0").await?;
    ///     a.connect(b.local_addr()?).await?;
    ///     b.connect(a.local_addr()?).await?;
    ///     a.send(b"hi").await?;
    ///     let mut buf = [0; 8];
    ///     assert_eq!(b.recv(&mut buf).await?, 2);
    ///     assert_eq!(a.peer_addr()?, b.local_addr()?);
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn connect(&self, addr: impl ToSocketAddrs) -> io::Result<()> {
        try_each(resolve(&addr).await?, |addr| {
            ready(self.get_ref().connect(addr))
        })
        .await
    }

    /// Sends a datagram to `addr`; returns the bytes sent.
    ///
    /// # Errors
    ///
    /// The resolver's or the OS error (e.g. `MessageTooLong` surfaces as an OS error).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if cancelled, nothing was sent.
    ///
    /// # Examples
    ///
    /// See [`UdpSocket`].
    pub async fn send_to(&self, buf: &[u8], addr: impl ToSocketAddrs) -> io::Result<usize> {
        let addr = resolve(&addr).await?[0];
        self.inner.write_with(|s| s.send_to(buf, addr)).await
    }

    /// Receives a datagram without removing it from the queue.
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
    /// ```
    /// corio_runtime::run(async {
    ///     let a = corio_net::UdpSocket::bind("127.0.0.1:0").await?;
    ///     let b = corio_net::UdpSocket::bind("127.0.0.1:0").await?;
    ///     a.send_to(b"x", b.local_addr()?).await?;
    ///     let mut buf = [0; 8];
    ///     let (n, _) = b.peek_from(&mut buf).await?;
    ///     assert_eq!(b.recv_from(&mut buf).await?.0, n); // still there
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.inner.read_with(|s| s.peek_from(buf)).await
    }

    /// Polls to send a datagram to `addr`.
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::task::{Context, Poll, Waker};
    ///
    /// corio_runtime::run(async {
    ///     let s = corio_net::UdpSocket::bind("127.0.0.1:0").await?;
    ///     let to = s.local_addr()?;
    ///     let sent = s.poll_send_to(&mut Context::from_waker(Waker::noop()), b"me", to);
    ///     assert!(matches!(sent, Poll::Ready(Ok(2))));
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn poll_send_to(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        addr: SocketAddr,
    ) -> Poll<io::Result<usize>> {
        self.inner.poll_write_with(cx, |s| s.send_to(buf, addr))
    }

    /// `SO_BROADCAST`.
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Examples
    ///
    /// ```
    /// corio_runtime::run(async {
    ///     let s = corio_net::UdpSocket::bind("127.0.0.1:0").await?;
    ///     s.set_broadcast(true)?;
    ///     assert!(s.broadcast()?);
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn broadcast(&self) -> io::Result<bool> {
        self.get_ref().broadcast()
    }

    /// Sets `SO_BROADCAST`.
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Examples
    ///
    /// See [`broadcast`](UdpSocket::broadcast).
    pub fn set_broadcast(&self, on: bool) -> io::Result<()> {
        self.get_ref().set_broadcast(on)
    }

    /// `IP_TTL`.
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Examples
    ///
    /// ```
    /// corio_runtime::run(async {
    ///     let s = corio_net::UdpSocket::bind("127.0.0.1:0").await?;
    ///     s.set_ttl(9)?;
    ///     assert_eq!(s.ttl()?, 9);
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn ttl(&self) -> io::Result<u32> {
        self.get_ref().ttl()
    }

    /// Sets `IP_TTL`.
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Examples
    ///
    /// See [`ttl`](UdpSocket::ttl).
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.get_ref().set_ttl(ttl)
    }

    /// Joins an IPv4 multicast group on the interface `interface` (`0.0.0.0`: any).
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::Ipv4Addr;
    ///
    /// corio_runtime::run(async {
    ///     let s = corio_net::UdpSocket::bind("0.0.0.0:0").await?;
    ///     let group = Ipv4Addr::new(239, 255, 0, 1);
    ///     if s.join_multicast_v4(group, Ipv4Addr::UNSPECIFIED).is_ok() { // needs a multicast route
    ///         s.leave_multicast_v4(group, Ipv4Addr::UNSPECIFIED)?;
    ///     }
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn join_multicast_v4(&self, group: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.get_ref().join_multicast_v4(&group, &interface)
    }

    /// Leaves an IPv4 multicast group.
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Examples
    ///
    /// See [`join_multicast_v4`](UdpSocket::join_multicast_v4).
    pub fn leave_multicast_v4(&self, group: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.get_ref().leave_multicast_v4(&group, &interface)
    }

    /// Joins an IPv6 multicast group on interface index `interface` (0: any).
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::Ipv6Addr;
    ///
    /// corio_runtime::run(async {
    ///     if let Ok(s) = corio_net::UdpSocket::bind("[::]:0").await { // needs IPv6
    ///         let group: Ipv6Addr = "ff02::1:3".parse().unwrap();
    ///         if s.join_multicast_v6(&group, 0).is_ok() {
    ///             s.leave_multicast_v6(&group, 0)?;
    ///         }
    ///     }
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn join_multicast_v6(&self, group: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.get_ref().join_multicast_v6(group, interface)
    }

    /// Leaves an IPv6 multicast group.
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Examples
    ///
    /// See [`join_multicast_v6`](UdpSocket::join_multicast_v6).
    pub fn leave_multicast_v6(&self, group: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.get_ref().leave_multicast_v6(group, interface)
    }
}

crate::fd_impls::impl_fd!(UdpSocket);

impl fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UdpSocket")
            .field("local", &self.local_addr().ok())
            .field("fd", &self.as_raw_fd())
            .finish()
    }
}
