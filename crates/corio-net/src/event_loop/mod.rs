//! The loop's socket and descriptor methods, as an extension trait of
//! [`EventLoop`](corio_runtime::EventLoop): asyncio's `sock_*` and `add_reader` family.

mod fd_watch;
mod sendfile;
mod sock;

use std::io;
use std::os::fd::{AsFd, AsRawFd};

use corio_runtime::{CallbackOutput, EventLoop};

/// Seals [`LoopSockExt`]: only [`EventLoop`] implements it.
mod sealed {
    // `pub` in a private module: nameable by no one outside.
    #[allow(unreachable_pub)]
    pub trait Sealed {
        /// The loop the methods run on.
        fn event_loop(&self) -> &corio_runtime::EventLoop;
    }
    impl Sealed for corio_runtime::EventLoop {
        fn event_loop(&self) -> &corio_runtime::EventLoop {
            self
        }
    }
}

/// asyncio's low-level socket and descriptor methods on the loop: `sock_recv`,
/// `sock_recv_into`, `sock_sendall`, `sock_recvfrom`, `sock_recvfrom_into`,
/// `sock_sendto`, `sock_accept`, `sock_connect`, and `add_reader` /
/// `add_writer` / `remove_reader` / `remove_writer`.
///
/// They work on sockets you made yourself (`socket2::Socket`, std sockets), which must
/// be in non-blocking mode, as asyncio requires. Each operation is tried first; only when
/// it would block is the descriptor registered with the loop's reactor (a duplicate of it,
/// for the time of the wait), as asyncio adds and removes a reader around each wait. For
/// sockets you keep, [`TcpStream`](crate::TcpStream) and friends are cheaper: they stay
/// registered.
///
/// # Examples
///
/// ```
/// use corio_net::LoopSockExt;
/// use corio_net::socket2::{Domain, Socket, Type};
///
/// corio_runtime::run(async {
///     let lp = corio_runtime::get_running_loop().unwrap();
///     let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
///     let addr = listener.local_addr()?;
///     let listener = Socket::from(listener);
///     listener.set_nonblocking(true)?;
///
///     let client = Socket::new(Domain::IPV4, Type::STREAM, None)?;
///     client.set_nonblocking(true)?;
///     lp.sock_connect(&client, addr).await?;
///     let (conn, _peer) = lp.sock_accept(&listener).await?;
///
///     lp.sock_sendall(&client, b"ping").await?;
///     assert_eq!(lp.sock_recv(&conn, 100).await?, b"ping");
///     std::io::Result::Ok(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
// The futures are `!Send` like the loop itself, so the lint's worry (no way to ask for a
// `Send` future) does not apply.
#[allow(async_fn_in_trait)]
pub trait LoopSockExt: sealed::Sealed {
    /// Receives up to `nbytes` bytes from a connected socket (asyncio's `sock_recv`); an
    /// empty vector means the peer closed its side.
    ///
    /// # Errors
    ///
    /// `InvalidInput` if the socket is in blocking mode; the OS error.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if cancelled, nothing was received.
    ///
    /// # Examples
    ///
    /// See [`LoopSockExt`].
    async fn sock_recv(&self, sock: &impl AsFd, nbytes: usize) -> io::Result<Vec<u8>> {
        sock::recv(self.event_loop(), sock.as_fd(), nbytes).await
    }

    /// Receives into `buf` (asyncio's `sock_recv_into`); returns how many bytes.
    ///
    /// # Errors
    ///
    /// As [`sock_recv`](LoopSockExt::sock_recv).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_net::LoopSockExt;
    ///
    /// corio_runtime::run(async {
    ///     let lp = corio_runtime::get_running_loop().unwrap();
    ///     let (a, b) = std::os::unix::net::UnixStream::pair()?;
    ///     a.set_nonblocking(true)?;
    ///     b.set_nonblocking(true)?;
    ///     lp.sock_sendall(&a, b"data").await?;
    ///     let mut buf = [0; 16];
    ///     let n = lp.sock_recv_into(&b, &mut buf).await?;
    ///     assert_eq!(&buf[..n], b"data");
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    async fn sock_recv_into(&self, sock: &impl AsFd, buf: &mut [u8]) -> io::Result<usize> {
        sock::recv_into(self.event_loop(), sock.as_fd(), buf).await
    }

    /// Sends all of `data` (asyncio's `sock_sendall`), waiting for room as needed.
    ///
    /// # Errors
    ///
    /// `InvalidInput` if the socket is in blocking mode; the OS error (`BrokenPipe`,
    /// `ConnectionReset`).
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe: a cancelled call may have sent part of the data (as in asyncio).
    ///
    /// # Examples
    ///
    /// See [`LoopSockExt`].
    async fn sock_sendall(&self, sock: &impl AsFd, data: &[u8]) -> io::Result<()> {
        sock::sendall(self.event_loop(), sock.as_fd(), data).await
    }

    /// Sends `count` bytes of `file` from `offset` (to its end with `None`) over a
    /// connected stream socket (asyncio's `sock_sendfile`); returns the bytes sent.
    ///
    /// The bytes go by Linux `sendfile(2)`, from the page cache to the socket with no copy
    /// through user space; while the socket is full the call waits for room on the loop.
    /// When `sendfile(2)` cannot send this file (it is not a regular file: a pipe, a
    /// socket), `fallback` reads it (on the loop's default executor, 256 KiB at a time) and
    /// sends what it read, as asyncio does; without `fallback` that is an error.
    ///
    /// The file's position ends at `offset` + the bytes sent (also after an error or a
    /// cancellation, when any were sent), as asyncio leaves it; a zero-copy send does not
    /// move it otherwise.
    ///
    /// # Errors
    ///
    /// [`SendfileError::NotAvailable`](crate::SendfileError::NotAvailable) without
    /// `fallback` for a file `sendfile(2)` cannot send (asyncio's
    /// `SendfileNotAvailableError`);
    /// [`SendfileError::InvalidArgument`](crate::SendfileError::InvalidArgument) for a
    /// `count` of 0, a socket that is not a stream socket or is in blocking mode;
    /// [`SendfileError::Io`](crate::SendfileError::Io) for the OS error (`BrokenPipe`,
    /// `ConnectionReset`...).
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe: a cancelled call may have sent part of the file (as in asyncio);
    /// the file's position says how much.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::{Read, Seek, Write};
    /// use corio_net::LoopSockExt;
    ///
    /// let mut file = tempfile_with(b"0123456789")?;
    /// corio_runtime::run(async move {
    ///     let lp = corio_runtime::get_running_loop().unwrap();
    ///     let (a, b) = std::os::unix::net::UnixStream::pair()?;
    ///     a.set_nonblocking(true)?;
    ///     let sent = lp.sock_sendfile(&a, &file, 2, Some(5), false).await?;
    ///     assert_eq!(sent, 5);
    ///     assert_eq!(file.stream_position()?, 7); // offset + sent
    ///     drop(a);
    ///     let mut got = String::new();
    ///     (&b).read_to_string(&mut got)?;
    ///     assert_eq!(got, "23456");
    ///     Ok::<(), Box<dyn std::error::Error>>(())
    /// })??;
    ///
    /// # fn tempfile_with(data: &[u8]) -> std::io::Result<std::fs::File> {
    /// #     let path = std::env::temp_dir().join(format!("corio-doc-sf-{}", std::process::id()));
    /// #     std::fs::write(&path, data)?;
    /// #     let file = std::fs::File::open(&path)?;
    /// #     std::fs::remove_file(&path)?;
    /// #     Ok(file)
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    async fn sock_sendfile(
        &self,
        sock: &impl AsFd,
        file: &std::fs::File,
        offset: u64,
        count: Option<u64>,
        fallback: bool,
    ) -> Result<u64, crate::SendfileError> {
        sendfile::sock_sendfile(
            self.event_loop(),
            sock.as_fd(),
            file,
            offset,
            count,
            fallback,
        )
        .await
    }

    /// Receives a datagram of at most `nbytes` bytes and its sender (asyncio's
    /// `sock_recvfrom`).
    ///
    /// # Errors
    ///
    /// `InvalidInput` if the socket is in blocking mode; the OS error.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if cancelled, nothing was received.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_net::LoopSockExt;
    ///
    /// corio_runtime::run(async {
    ///     let lp = corio_runtime::get_running_loop().unwrap();
    ///     let (a, b) = (std::net::UdpSocket::bind("127.0.0.1:0")?, std::net::UdpSocket::bind("127.0.0.1:0")?);
    ///     a.set_nonblocking(true)?;
    ///     b.set_nonblocking(true)?;
    ///     assert_eq!(lp.sock_sendto(&a, b"hi", b.local_addr()?).await?, 2);
    ///     let (data, from) = lp.sock_recvfrom(&b, 16).await?;
    ///     assert_eq!((data.as_slice(), from), (&b"hi"[..], a.local_addr()?));
    ///     let mut buf = [0; 16];
    ///     lp.sock_sendto(&a, b"again", b.local_addr()?).await?;
    ///     let (n, _) = lp.sock_recvfrom_into(&b, &mut buf).await?;
    ///     assert_eq!(&buf[..n], b"again");
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    async fn sock_recvfrom(
        &self,
        sock: &std::net::UdpSocket,
        nbytes: usize,
    ) -> io::Result<(Vec<u8>, std::net::SocketAddr)> {
        let mut buf = vec![0; nbytes];
        let (n, from) = sock::recvfrom_into(self.event_loop(), sock, &mut buf).await?;
        buf.truncate(n);
        Ok((buf, from))
    }

    /// Receives a datagram into `buf` and returns its length and sender (asyncio's
    /// `sock_recvfrom_into`).
    ///
    /// # Errors
    ///
    /// As [`sock_recvfrom`](LoopSockExt::sock_recvfrom).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// # Examples
    ///
    /// See [`sock_recvfrom`](LoopSockExt::sock_recvfrom).
    async fn sock_recvfrom_into(
        &self,
        sock: &std::net::UdpSocket,
        buf: &mut [u8],
    ) -> io::Result<(usize, std::net::SocketAddr)> {
        sock::recvfrom_into(self.event_loop(), sock, buf).await
    }

    /// Sends a datagram to `addr` (asyncio's `sock_sendto`); returns the bytes sent.
    ///
    /// # Errors
    ///
    /// `InvalidInput` if the socket is in blocking mode; the OS error.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if cancelled, nothing was sent.
    ///
    /// # Examples
    ///
    /// See [`sock_recvfrom`](LoopSockExt::sock_recvfrom).
    async fn sock_sendto(
        &self,
        sock: &std::net::UdpSocket,
        data: &[u8],
        addr: std::net::SocketAddr,
    ) -> io::Result<usize> {
        sock::sendto(self.event_loop(), sock, data, addr).await
    }

    /// Accepts a connection on a listening socket (asyncio's `sock_accept`); the new
    /// socket is non-blocking and close-on-exec.
    ///
    /// # Errors
    ///
    /// `InvalidInput` if the socket is in blocking mode; the OS error.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a cancelled accept takes no connection.
    ///
    /// # Examples
    ///
    /// See [`LoopSockExt`].
    async fn sock_accept(
        &self,
        sock: &socket2::Socket,
    ) -> io::Result<(socket2::Socket, socket2::SockAddr)> {
        sock::accept(self.event_loop(), sock).await
    }

    /// Connects a socket (asyncio's `sock_connect`), waiting for the handshake.
    ///
    /// # Errors
    ///
    /// `InvalidInput` if the socket is in blocking mode; the connect error
    /// (`ConnectionRefused`...).
    ///
    /// # Cancel safety
    ///
    /// A cancelled connect leaves the socket mid-handshake: close it.
    ///
    /// # Examples
    ///
    /// See [`LoopSockExt`].
    async fn sock_connect(
        &self,
        sock: &socket2::Socket,
        addr: impl Into<socket2::SockAddr>,
    ) -> io::Result<()> {
        sock::connect(self.event_loop(), sock, &addr.into()).await
    }

    /// Calls `callback` on the loop whenever `fd` is readable (asyncio's `add_reader`):
    /// once per loop iteration for as long as it stays readable (level-triggered), until
    /// [`remove_reader`](LoopSockExt::remove_reader). A reader already set for `fd` is
    /// replaced. The callback may return `()` or `Result<(), E>`; an error or a panic goes
    /// to the loop's exception handler and the reader stays.
    ///
    /// The loop watches a duplicate of `fd` (so closing `fd` without `remove_reader`
    /// does not stop the watch), and the descriptor is put in non-blocking mode.
    ///
    /// # Errors
    ///
    /// The OS error from duplicating or registering `fd`; `Other` if the loop is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::cell::RefCell;
    /// use std::io::{Read, Write};
    /// use std::rc::Rc;
    /// use corio_net::LoopSockExt;
    ///
    /// let lp = corio_runtime::EventLoop::new()?;
    /// let (mut a, b) = std::os::unix::net::UnixStream::pair()?;
    /// let got = Rc::new(RefCell::new(Vec::new()));
    /// let (g, mut reader) = (got.clone(), b.try_clone()?);
    /// lp.add_reader(&b, move || {
    ///     let mut buf = [0; 64];
    ///     let n = reader.read(&mut buf).unwrap();
    ///     g.borrow_mut().extend_from_slice(&buf[..n]);
    ///     // The running loop, not a clone of `lp`: a loop's callbacks should not own it.
    ///     corio_runtime::get_running_loop().unwrap().stop();
    /// })?;
    /// a.write_all(b"ready")?;
    /// lp.run_forever()?;
    /// assert_eq!(*got.borrow(), b"ready");
    /// assert!(lp.remove_reader(&b));
    /// assert!(!lp.remove_reader(&b));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn add_reader<R: CallbackOutput + 'static>(
        &self,
        fd: &impl AsFd,
        callback: impl FnMut() -> R + 'static,
    ) -> io::Result<()> {
        fd_watch::add(self.event_loop(), fd.as_fd(), fd_watch::Dir::Read, callback)
    }

    /// Calls `callback` on the loop whenever `fd` is writable (asyncio's `add_writer`);
    /// the write twin of [`add_reader`](LoopSockExt::add_reader).
    ///
    /// # Errors
    ///
    /// As [`add_reader`](LoopSockExt::add_reader).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// use corio_net::LoopSockExt;
    ///
    /// let lp = corio_runtime::EventLoop::new()?;
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let calls = Rc::new(Cell::new(0));
    /// let c = calls.clone();
    /// let fd = std::os::fd::AsRawFd::as_raw_fd(&a);
    /// lp.add_writer(&a, move || {
    ///     c.set(c.get() + 1);
    ///     if c.get() == 3 {
    ///         let lp = corio_runtime::get_running_loop().unwrap();
    ///         lp.remove_writer(&fd);
    ///         lp.stop();
    ///     }
    /// })?;
    /// lp.run_forever()?;
    /// assert_eq!(calls.get(), 3); // once per iteration while writable, until removed
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn add_writer<R: CallbackOutput + 'static>(
        &self,
        fd: &impl AsFd,
        callback: impl FnMut() -> R + 'static,
    ) -> io::Result<()> {
        fd_watch::add(
            self.event_loop(),
            fd.as_fd(),
            fd_watch::Dir::Write,
            callback,
        )
    }

    /// Stops watching `fd` for reading (asyncio's `remove_reader`); true if a reader was
    /// set.
    ///
    /// # Examples
    ///
    /// See [`add_reader`](LoopSockExt::add_reader).
    fn remove_reader(&self, fd: &impl AsRawFd) -> bool {
        fd_watch::remove(self.event_loop(), fd.as_raw_fd(), fd_watch::Dir::Read)
    }

    /// Stops watching `fd` for writing (asyncio's `remove_writer`); true if a writer was
    /// set.
    ///
    /// # Examples
    ///
    /// See [`add_writer`](LoopSockExt::add_writer).
    fn remove_writer(&self, fd: &impl AsRawFd) -> bool {
        fd_watch::remove(self.event_loop(), fd.as_raw_fd(), fd_watch::Dir::Write)
    }
}

// Every method's one body is the trait's default above, on the loop that `Sealed` hands out.
impl LoopSockExt for EventLoop {}
