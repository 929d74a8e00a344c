//! What TCP and Unix stream sockets have in common, so that the code above them (listeners,
//! protocol endpoints, stream pairs, TLS, sendfile) is written once for both families.

use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::task::{Context, Poll};

use corio_reactor::Async;
use futures_io::{AsyncRead, AsyncWrite};

use crate::{ExtraInfo, SocketAddress, TcpListener, TcpStream, UnixListener, UnixStream};

/// A connected stream socket, TCP or Unix. Clones are handles on one socket.
pub(crate) trait Connection:
    AsyncRead + AsyncWrite + Clone + Unpin + Send + 'static
{
    /// The peer's address, if the socket still has one.
    fn peer(&self) -> Option<SocketAddress>;
    /// The local address.
    fn local(&self) -> Option<SocketAddress>;
    /// A handle on the socket for [`sendfile`](crate::sendfile), kept by a transport.
    fn raw(&self) -> std::rc::Rc<dyn RawSocket>;

    /// `peername`/`sockname` as asyncio's `get_extra_info` has them.
    fn extra_info(&self) -> ExtraInfo {
        let mut info = ExtraInfo::new();
        if let Some(peer) = self.peer() {
            info = info.with_peername(peer);
        }
        if let Some(local) = self.local() {
            info = info.with_sockname(local);
        }
        info
    }
}

/// The registered socket under a connection: a syscall on its descriptor, retried when the
/// socket is writable again (the reactor's cached readiness, no extra registration).
pub(crate) trait RawSocket {
    /// Runs `op` on the descriptor; on `WouldBlock` waits for writability.
    fn poll_write_fd(
        &self,
        cx: &mut Context<'_>,
        op: &mut dyn FnMut(BorrowedFd<'_>) -> io::Result<usize>,
    ) -> Poll<io::Result<usize>>;
}

/// One `impl Connection` per family: the names differ in address type only.
macro_rules! connection {
    ($stream:ty, $variant:ident) => {
        impl Connection for $stream {
            fn peer(&self) -> Option<SocketAddress> {
                self.peer_addr().ok().map(SocketAddress::$variant)
            }
            fn local(&self) -> Option<SocketAddress> {
                self.local_addr().ok().map(SocketAddress::$variant)
            }
            fn raw(&self) -> std::rc::Rc<dyn RawSocket> {
                std::rc::Rc::new(RawHandle(self.inner.clone()))
            }
        }
    };
}

connection!(TcpStream, Inet);
connection!(UnixStream, Unix);

/// A shared registration, as a [`RawSocket`].
struct RawHandle<T>(std::sync::Arc<Async<T>>);

impl<T: AsFd> RawSocket for RawHandle<T> {
    fn poll_write_fd(
        &self,
        cx: &mut Context<'_>,
        op: &mut dyn FnMut(BorrowedFd<'_>) -> io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        self.0.poll_write_with(cx, |s| op(s.as_fd()))
    }
}

/// A std listener of either family, as the generic [`Acceptor`] drives it.
pub(crate) trait StdListener: AsFd + Sized {
    /// The std stream `accept` gives.
    type Std: AsFd;
    /// The peer address type.
    type Addr;
    /// The corio stream made of an accepted socket.
    type Conn: Connection;
    fn accept_std(&self) -> io::Result<(Self::Std, Self::Addr)>;
    fn wrap(stream: Async<Self::Std>) -> Self::Conn;
}

impl StdListener for std::net::TcpListener {
    type Std = std::net::TcpStream;
    type Addr = std::net::SocketAddr;
    type Conn = TcpStream;
    fn accept_std(&self) -> io::Result<(Self::Std, Self::Addr)> {
        self.accept()
    }
    fn wrap(stream: Async<Self::Std>) -> TcpStream {
        TcpStream::from_async(stream)
    }
}

impl StdListener for std::os::unix::net::UnixListener {
    type Std = std::os::unix::net::UnixStream;
    type Addr = std::os::unix::net::SocketAddr;
    type Conn = UnixStream;
    fn accept_std(&self) -> io::Result<(Self::Std, Self::Addr)> {
        self.accept()
    }
    fn wrap(stream: Async<Self::Std>) -> UnixStream {
        UnixStream::from_async(stream)
    }
}

/// A registered listening socket: the accept logic both listener types share.
pub(crate) struct Acceptor<L> {
    inner: Async<L>,
}

impl<L: StdListener> Acceptor<L> {
    pub(crate) fn new(listener: L) -> io::Result<Acceptor<L>> {
        Ok(Acceptor {
            inner: Async::new(listener)?,
        })
    }

    pub(crate) fn get_ref(&self) -> &L {
        self.inner.get_ref()
    }

    pub(crate) async fn accept(&self) -> io::Result<(L::Conn, L::Addr)> {
        let (stream, addr) = self.inner.read_with(L::accept_std).await?;
        Ok((L::wrap(Async::new(stream)?), addr))
    }

    pub(crate) fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(L::Conn, L::Addr)>> {
        match self.inner.poll_read_with(cx, L::accept_std) {
            Poll::Ready(Ok((stream, addr))) => {
                Poll::Ready(Async::new(stream).map(|s| (L::wrap(s), addr)))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// A corio listener of either family, for the servers written once for both.
pub(crate) trait Listening: 'static {
    type Conn: Connection;
    fn poll_accept_conn(&self, cx: &mut Context<'_>) -> Poll<io::Result<Self::Conn>>;
    fn sockname(&self) -> Option<SocketAddress>;
}

impl Listening for TcpListener {
    type Conn = TcpStream;
    fn poll_accept_conn(&self, cx: &mut Context<'_>) -> Poll<io::Result<TcpStream>> {
        self.poll_accept(cx).map(|r| r.map(|(s, _)| s))
    }
    fn sockname(&self) -> Option<SocketAddress> {
        self.local_addr().ok().map(SocketAddress::Inet)
    }
}

impl Listening for UnixListener {
    type Conn = UnixStream;
    fn poll_accept_conn(&self, cx: &mut Context<'_>) -> Poll<io::Result<UnixStream>> {
        self.poll_accept(cx).map(|r| r.map(|(s, _)| s))
    }
    fn sockname(&self) -> Option<SocketAddress> {
        self.local_addr().ok().map(SocketAddress::Unix)
    }
}

/// `Incoming::poll_next` of either listener: each accept, error or not, is an item.
pub(crate) fn poll_next_conn<L: Listening>(
    listener: &L,
    cx: &mut Context<'_>,
) -> Poll<Option<io::Result<L::Conn>>> {
    listener.poll_accept_conn(cx).map(Some)
}

/// A connection of either family, as accepted or handed over by the caller. `pub` in this
/// private module: the seal of `StreamSocket` names it, and no one outside can.
#[allow(unreachable_pub)]
#[derive(Debug)]
pub enum AnyConnection {
    Tcp(TcpStream),
    Unix(UnixStream),
}

/// Runs a generic function on whichever connection an [`AnyConnection`] holds.
macro_rules! with_connection {
    ($conn:expr, |$s:ident| $body:expr) => {
        match $conn {
            $crate::family::AnyConnection::Tcp($s) => $body,
            $crate::family::AnyConnection::Unix($s) => $body,
        }
    };
}
pub(crate) use with_connection;
