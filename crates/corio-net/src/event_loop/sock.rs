//! `sock_recv`, `sock_sendall`, `sock_accept`, `sock_connect`: try the operation, and
//! only when it would block, wait for readiness on a registration made for that wait.

use std::io;
use std::os::fd::{AsFd, BorrowedFd};

use corio_reactor::Async;
use corio_runtime::EventLoop;
use rustix::fs::OFlags;
use rustix::net::{RecvFlags, SendFlags};

/// asyncio requires non-blocking sockets; a blocking one would stall the loop.
pub(super) fn check_nonblocking(fd: BorrowedFd<'_>) -> io::Result<()> {
    if rustix::fs::fcntl_getfl(fd)?.contains(OFlags::NONBLOCK) {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the socket must be non-blocking",
        ))
    }
}

/// Waits until `fd` is readable (`write == false`) or writable, on the loop's reactor.
pub(super) async fn wait(lp: &EventLoop, fd: BorrowedFd<'_>, write: bool) -> io::Result<()> {
    // A duplicate is registered, so the caller's descriptor may be registered elsewhere
    // too (an `add_reader`, another wait): the backend keys registrations by number.
    let dup = Async::with_reactor(fd.try_clone_to_owned()?, lp.reactor())?;
    if write {
        dup.writable().await
    } else {
        dup.readable().await
    }
}

/// Runs `op` until it does not block, waiting in between.
pub(super) async fn retry<T>(
    lp: &EventLoop,
    fd: BorrowedFd<'_>,
    write: bool,
    mut op: impl FnMut() -> io::Result<T>,
) -> io::Result<T> {
    check_nonblocking(fd)?;
    loop {
        match op() {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => wait(lp, fd, write).await?,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            result => return result,
        }
    }
}

pub(super) async fn recv(lp: &EventLoop, fd: BorrowedFd<'_>, nbytes: usize) -> io::Result<Vec<u8>> {
    let mut buf = vec![0; nbytes];
    let n = recv_into(lp, fd, &mut buf).await?;
    buf.truncate(n);
    Ok(buf)
}

pub(super) async fn recv_into(
    lp: &EventLoop,
    fd: BorrowedFd<'_>,
    buf: &mut [u8],
) -> io::Result<usize> {
    retry(lp, fd, false, || {
        rustix::net::recv(fd, &mut *buf, RecvFlags::empty())
            .map(|(n, _)| n)
            .map_err(io::Error::from)
    })
    .await
}

pub(super) async fn sendall(lp: &EventLoop, fd: BorrowedFd<'_>, mut data: &[u8]) -> io::Result<()> {
    while !data.is_empty() {
        // NOSIGNAL: a closed peer is an EPIPE error, not a SIGPIPE.
        let n = retry(lp, fd, true, || {
            rustix::net::send(fd, data, SendFlags::NOSIGNAL).map_err(io::Error::from)
        })
        .await?;
        data = &data[n..];
    }
    Ok(())
}

pub(super) async fn recvfrom_into(
    lp: &EventLoop,
    sock: &std::net::UdpSocket,
    buf: &mut [u8],
) -> io::Result<(usize, std::net::SocketAddr)> {
    retry(lp, sock.as_fd(), false, || sock.recv_from(&mut *buf)).await
}

pub(super) async fn sendto(
    lp: &EventLoop,
    sock: &std::net::UdpSocket,
    data: &[u8],
    addr: std::net::SocketAddr,
) -> io::Result<usize> {
    retry(lp, sock.as_fd(), true, || sock.send_to(data, addr)).await
}

pub(super) async fn accept(
    lp: &EventLoop,
    sock: &socket2::Socket,
) -> io::Result<(socket2::Socket, socket2::SockAddr)> {
    let (conn, addr) = retry(lp, sock.as_fd(), false, || sock.accept()).await?;
    conn.set_nonblocking(true)?;
    Ok((conn, addr))
}

pub(super) async fn connect(
    lp: &EventLoop,
    sock: &socket2::Socket,
    addr: &socket2::SockAddr,
) -> io::Result<()> {
    check_nonblocking(sock.as_fd())?;
    match sock.connect(addr) {
        Ok(()) => return Ok(()),
        Err(e)
            if e.kind() == io::ErrorKind::WouldBlock
                || e.raw_os_error() == Some(rustix::io::Errno::INPROGRESS.raw_os_error()) => {}
        Err(e) => return Err(e),
    }
    wait(lp, sock.as_fd(), true).await?;
    match sock.take_error()? {
        Some(err) => Err(err),
        None => Ok(()),
    }
}
