//! Making non-blocking sockets and connecting them without blocking the loop.

use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::time::Duration;

use corio_reactor::Async;
use socket2::{Domain, Protocol, SockAddr, Socket, Type};

/// A new non-blocking, close-on-exec socket.
pub(crate) fn new_socket(
    domain: Domain,
    ty: Type,
    protocol: Option<Protocol>,
) -> io::Result<Socket> {
    // socket2 sets SOCK_CLOEXEC atomically where the OS allows it.
    let socket = Socket::new(domain, ty, protocol)?;
    socket.set_nonblocking(true)?;
    Ok(socket)
}

/// Starts a non-blocking connect of `socket` to `addr`, registers it with the current
/// reactor, and waits until the connection is made or fails.
pub(crate) async fn connect<T>(socket: Socket, addr: &SockAddr) -> io::Result<Async<T>>
where
    T: From<OwnedFd> + AsFd,
{
    match socket.connect(addr) {
        Ok(()) => {}
        Err(e) if in_progress(&e) => {}
        Err(e) => return Err(e),
    }
    let sock_ref_fd: OwnedFd = socket.into();
    let io = Async::new(T::from(sock_ref_fd))?;
    // Writable means the handshake ended, one way or the other.
    io.writable().await?;
    let sock = socket2::SockRef::from(io.get_ref());
    if let Some(err) = sock.take_error()? {
        return Err(err);
    }
    // Some systems report writability for a refused connect before SO_ERROR is set;
    // `peer_addr` tells a connected socket from one that is not.
    if let Err(e) = sock.peer_addr() {
        return Err(match sock.take_error()? {
            Some(err) => err,
            None => e,
        });
    }
    Ok(io)
}

fn in_progress(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::WouldBlock
        || e.raw_os_error() == Some(rustix::io::Errno::INPROGRESS.raw_os_error())
}

/// Runs `fut` with an optional timeout on the running loop's clock; a timeout is an
/// `io::ErrorKind::TimedOut` error.
pub(crate) async fn with_timeout<T>(
    timeout: Option<Duration>,
    fut: impl Future<Output = io::Result<T>>,
) -> io::Result<T> {
    match timeout {
        None => fut.await,
        Some(t) => match corio_runtime::timeout(t, fut).await {
            Ok(result) => result,
            Err(_) => Err(io::Error::new(io::ErrorKind::TimedOut, "timed out")),
        },
    }
}

/// Tries each address in turn, returning the first success or the last error.
pub(crate) async fn try_each<T, F, Fut>(addrs: Vec<std::net::SocketAddr>, mut f: F) -> io::Result<T>
where
    F: FnMut(std::net::SocketAddr) -> Fut,
    Fut: Future<Output = io::Result<T>>,
{
    let mut last = None;
    for addr in addrs {
        match f(addr).await {
            Ok(v) => return Ok(v),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "could not resolve to any address",
        )
    }))
}
