//! [`Async<T>`]: a non-blocking descriptor registered with a reactor.

use std::fmt;
use std::future::Future;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use crate::source::{Dir, Slot, Source};
use crate::{NoReactor, Reactor, sys};

/// A non-blocking file descriptor (socket, pipe, terminal...) registered with
/// a [`Reactor`], with futures that wait for its readiness.
///
/// Do the I/O through [`read_with`](Async::read_with) /
/// [`write_with`](Async::write_with) (or [`read`](Async::read) /
/// [`write`](Async::write)): they try the operation first (unless an earlier
/// one found the descriptor not ready and no event came since), so when data is
/// there a read costs the read syscall and one atomic load, nothing else. On
/// `WouldBlock` they forget the cached readiness and wait for the next event.
///
/// Readiness is cached: [`readable`](Async::readable) returns at once while
/// the last event said "readable" and no operation run through `read_with`
/// has hit `WouldBlock` since. If you read through [`get_ref`](Async::get_ref)
/// yourself, a `WouldBlock` there does not clear the cache, and a loop of
/// `readable().await` + raw read would spin; use `read_with`.
///
/// Dropping an `Async` deregisters the descriptor, then closes it (by dropping
/// `T`).
///
/// # Examples
///
/// ```
/// use corio_reactor::{Async, Reactor};
/// use std::os::unix::net::UnixStream;
/// # fn block_on<F: std::future::Future>(reactor: &Reactor, f: F) -> F::Output {
/// #     let mut f = std::pin::pin!(f);
/// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// #     loop {
/// #         if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; }
/// #         reactor.poll(None).unwrap();
/// #     }
/// # }
///
/// let reactor = Reactor::new()?;
/// let _guard = reactor.enter();
/// let (a, b) = UnixStream::pair()?;
/// let (a, b) = (Async::new(a)?, Async::new(b)?);
///
/// block_on(&reactor, async {
///     a.write(b"hello").await?;
///     let mut buf = [0; 5];
///     let n = b.read(&mut buf).await?;
///     assert_eq!(&buf[..n], b"hello");
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub struct Async<T> {
    /// `Some` from construction until `into_inner` takes it or `Drop` runs.
    io: Option<T>,
    /// Registered with `reactor` under `source.key` for as long as `io` is
    /// `Some`; `io` (which owns the descriptor) is dropped only after.
    source: Arc<Source>,
    reactor: Reactor,
}

impl<T: AsFd> Async<T> {
    /// Puts `io` in non-blocking mode and registers it with the thread's
    /// current reactor (see [`Reactor::enter`]).
    ///
    /// # Errors
    ///
    /// An [`io::Error`] wrapping [`NoReactor`] if no reactor is current on
    /// this thread; otherwise the OS error from making the descriptor
    /// non-blocking or registering it.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::{Async, NoReactor, Reactor};
    /// use std::os::unix::net::UnixStream;
    ///
    /// let (a, b) = UnixStream::pair()?;
    /// let err = Async::new(a).unwrap_err();
    /// assert!(err.get_ref().is_some_and(|e| e.is::<NoReactor>()));
    ///
    /// let reactor = Reactor::new()?;
    /// let _guard = reactor.enter();
    /// let b = Async::new(b)?;
    /// assert_eq!(reactor.source_count(), 1);
    /// # drop(b);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn new(io: T) -> io::Result<Async<T>> {
        let reactor = Reactor::current().ok_or(NoReactor)?;
        Async::with_reactor(io, &reactor)
    }

    /// Puts `io` in non-blocking mode and registers it with `reactor`.
    ///
    /// # Errors
    ///
    /// The OS error from making the descriptor non-blocking or registering it
    /// (e.g. the descriptor is already registered with this reactor).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::{Async, Reactor};
    /// use std::net::TcpListener;
    ///
    /// let reactor = Reactor::new()?;
    /// let listener = Async::with_reactor(TcpListener::bind("127.0.0.1:0")?, &reactor)?;
    /// assert!(listener.get_ref().local_addr()?.port() > 0);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn with_reactor(io: T, reactor: &Reactor) -> io::Result<Async<T>> {
        sys::set_nonblocking(io.as_fd())?;
        let source = reactor.register(sys::as_raw(&io))?;
        Ok(Async {
            io: Some(io),
            source,
            reactor: reactor.clone(),
        })
    }
}

impl<T> Async<T> {
    /// The inner I/O object.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::{Async, Reactor};
    /// use std::os::unix::net::UnixStream;
    ///
    /// let reactor = Reactor::new()?;
    /// let (a, _b) = UnixStream::pair()?;
    /// let a = Async::with_reactor(a, &reactor)?;
    /// assert!(a.get_ref().peer_addr().is_ok());
    /// # std::io::Result::Ok(())
    /// ```
    #[must_use]
    pub fn get_ref(&self) -> &T {
        match &self.io {
            Some(io) => io,
            // `io` is taken only by `into_inner` and `Drop`, which consume
            // `self`: no `&self` can observe `None`.
            None => unreachable!("Async::io is Some while the Async is alive"),
        }
    }

    /// Deregisters the descriptor and returns the I/O object, still in
    /// non-blocking mode.
    ///
    /// # Errors
    ///
    /// The backend's error from deregistering (the object is lost with it:
    /// dropped, hence closed, as `async-io` does).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::{Async, Reactor};
    /// use std::os::unix::net::UnixStream;
    ///
    /// let reactor = Reactor::new()?;
    /// let (a, _b) = UnixStream::pair()?;
    /// let a = Async::with_reactor(a, &reactor)?;
    /// let a: UnixStream = a.into_inner()?;
    /// assert_eq!(reactor.source_count(), 0);
    /// # drop(a);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn into_inner(mut self) -> io::Result<T> {
        let io = self.io.take();
        self.reactor.deregister(&self.source)?;
        io.ok_or_else(|| unreachable!("Async::io is Some until into_inner"))
    }

    /// The reactor this source is registered with.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::{Async, Reactor};
    /// use std::os::unix::net::UnixStream;
    ///
    /// let reactor = Reactor::new()?;
    /// let (a, _b) = UnixStream::pair()?;
    /// let a = Async::with_reactor(a, &reactor)?;
    /// assert!(a.reactor().ptr_eq(&reactor));
    /// # std::io::Result::Ok(())
    /// ```
    #[must_use]
    pub fn reactor(&self) -> &Reactor {
        &self.reactor
    }

    /// Waits until the descriptor is (cached as) readable.
    ///
    /// Any number of tasks may wait at once; an event wakes all of them.
    /// Returns at once while cached readiness is set (see the type docs).
    ///
    /// # Errors
    ///
    /// With a oneshot backend, the OS error from re-arming the descriptor.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future removes its waker; no readiness is
    /// consumed by waiting.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::{Async, Reactor};
    /// use std::io::Write;
    /// use std::os::unix::net::UnixStream;
    /// # fn block_on<F: std::future::Future>(reactor: &Reactor, f: F) -> F::Output {
    /// #     let mut f = std::pin::pin!(f);
    /// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    /// #     loop {
    /// #         if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; }
    /// #         reactor.poll(None).unwrap();
    /// #     }
    /// # }
    ///
    /// let reactor = Reactor::new()?;
    /// let (a, mut b) = UnixStream::pair()?;
    /// let a = Async::with_reactor(a, &reactor)?;
    /// b.write_all(b"x")?;
    /// block_on(&reactor, a.readable())?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn readable(&self) -> io::Result<()> {
        Ready::new(self, Dir::Read).await
    }

    /// Waits until the descriptor is (cached as) writable.
    ///
    /// Also the way to wait for a non-blocking `connect` to finish.
    ///
    /// # Errors
    ///
    /// With a oneshot backend, the OS error from re-arming the descriptor.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, as [`readable`](Async::readable).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::{Async, Reactor};
    /// use std::os::unix::net::UnixStream;
    /// # fn block_on<F: std::future::Future>(reactor: &Reactor, f: F) -> F::Output {
    /// #     let mut f = std::pin::pin!(f);
    /// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    /// #     loop {
    /// #         if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; }
    /// #         reactor.poll(None).unwrap();
    /// #     }
    /// # }
    ///
    /// let reactor = Reactor::new()?;
    /// let (a, _b) = UnixStream::pair()?;
    /// let a = Async::with_reactor(a, &reactor)?;
    /// block_on(&reactor, a.writable())?; // an empty socket buffer is writable
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn writable(&self) -> io::Result<()> {
        Ready::new(self, Dir::Write).await
    }

    /// Polls for read readiness, for `AsyncRead`-style implementations.
    ///
    /// Uses a single waker slot per direction: only the last task to call it
    /// is woken (like `AsyncRead::poll_read`, which one task at a time owns).
    /// Use [`readable`](Async::readable) when several tasks wait.
    ///
    /// # Errors
    ///
    /// With a oneshot backend, the OS error from re-arming the descriptor.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::{Async, Reactor};
    /// use std::io::Write;
    /// use std::os::unix::net::UnixStream;
    /// use std::task::{Context, Poll, Waker};
    ///
    /// let reactor = Reactor::new()?;
    /// let (a, mut b) = UnixStream::pair()?;
    /// let a = Async::with_reactor(a, &reactor)?;
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert!(a.poll_readable(&mut cx).is_pending());
    /// b.write_all(b"x")?;
    /// reactor.poll(None)?;
    /// assert!(matches!(a.poll_readable(&mut cx), Poll::Ready(Ok(()))));
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_readable(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.reactor
            .poll_ready(&self.source, Dir::Read, cx, Slot::Poller)
    }

    /// Polls for write readiness; the write twin of
    /// [`poll_readable`](Async::poll_readable).
    ///
    /// # Errors
    ///
    /// With a oneshot backend, the OS error from re-arming the descriptor.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::{Async, Reactor};
    /// use std::os::unix::net::UnixStream;
    /// use std::task::{Context, Waker};
    ///
    /// let reactor = Reactor::new()?;
    /// let (a, _b) = UnixStream::pair()?;
    /// let a = Async::with_reactor(a, &reactor)?;
    /// let mut cx = Context::from_waker(Waker::noop());
    /// let _ = a.poll_writable(&mut cx); // registers the waker
    /// reactor.poll(None)?;
    /// assert!(a.poll_writable(&mut cx).is_ready());
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_writable(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.reactor
            .poll_ready(&self.source, Dir::Write, cx, Slot::Poller)
    }

    /// Runs a read-side operation until it does not return `WouldBlock`,
    /// waiting for read readiness in between.
    ///
    /// The operation runs first, before any readiness check: when data is
    /// there, this costs the operation alone. On `WouldBlock` the cached
    /// readiness is cleared (unless an event arrived meanwhile, in which case
    /// the operation is retried at once), then the task waits. Once an
    /// operation has hit `WouldBlock`, a later call waits for the next event
    /// without trying the operation first (the cleared bit is known true).
    ///
    /// # Errors
    ///
    /// The operation's error other than `WouldBlock`; with a oneshot backend,
    /// the OS error from re-arming the descriptor.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe if `op` is: the future can only be cancelled while it
    /// waits, between two calls of `op`, so no data is lost.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::{Async, Reactor};
    /// use std::net::{TcpListener, TcpStream};
    /// # fn block_on<F: std::future::Future>(reactor: &Reactor, f: F) -> F::Output {
    /// #     let mut f = std::pin::pin!(f);
    /// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    /// #     loop {
    /// #         if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; }
    /// #         reactor.poll(None).unwrap();
    /// #     }
    /// # }
    ///
    /// let reactor = Reactor::new()?;
    /// let listener = Async::with_reactor(TcpListener::bind("127.0.0.1:0")?, &reactor)?;
    /// let addr = listener.get_ref().local_addr()?;
    /// let _client = TcpStream::connect(addr)?;
    /// let (_conn, peer) = block_on(&reactor, listener.read_with(|l| l.accept()))?;
    /// assert!(peer.ip().is_loopback());
    /// # std::io::Result::Ok(())
    /// ```
    pub fn read_with<R, F>(&self, op: F) -> impl Future<Output = io::Result<R>> + use<'_, T, R, F>
    where
        F: FnMut(&T) -> io::Result<R>,
    {
        IoWith::new(self, Dir::Read, op)
    }

    /// Runs a write-side operation until it does not return `WouldBlock`,
    /// waiting for write readiness in between; the write twin of
    /// [`read_with`](Async::read_with).
    ///
    /// # Errors
    ///
    /// The operation's error other than `WouldBlock`; with a oneshot backend,
    /// the OS error from re-arming the descriptor.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe if `op` is, as [`read_with`](Async::read_with).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::{Async, Reactor};
    /// use std::io::Write;
    /// use std::os::unix::net::UnixStream;
    /// # fn block_on<F: std::future::Future>(reactor: &Reactor, f: F) -> F::Output {
    /// #     let mut f = std::pin::pin!(f);
    /// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    /// #     loop {
    /// #         if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; }
    /// #         reactor.poll(None).unwrap();
    /// #     }
    /// # }
    ///
    /// let reactor = Reactor::new()?;
    /// let (a, _b) = UnixStream::pair()?;
    /// let a = Async::with_reactor(a, &reactor)?;
    /// let n = block_on(&reactor, a.write_with(|mut s| s.write(b"ping")))?;
    /// assert_eq!(n, 4);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn write_with<R, F>(&self, op: F) -> impl Future<Output = io::Result<R>> + use<'_, T, R, F>
    where
        F: FnMut(&T) -> io::Result<R>,
    {
        IoWith::new(self, Dir::Write, op)
    }

    /// The poll form of [`read_with`](Async::read_with), for `AsyncRead`-style
    /// implementations; waits with the single slot of
    /// [`poll_readable`](Async::poll_readable).
    ///
    /// # Errors
    ///
    /// As [`read_with`](Async::read_with).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::{Async, Reactor};
    /// use std::io::{Read, Write};
    /// use std::os::unix::net::UnixStream;
    /// use std::task::{Context, Poll, Waker};
    ///
    /// let reactor = Reactor::new()?;
    /// let (a, mut b) = UnixStream::pair()?;
    /// let a = Async::with_reactor(a, &reactor)?;
    /// let mut cx = Context::from_waker(Waker::noop());
    /// let mut buf = [0; 8];
    /// assert!(a.poll_read_with(&mut cx, |mut s| s.read(&mut buf)).is_pending());
    /// b.write_all(b"hi")?;
    /// reactor.poll(None)?;
    /// let got = a.poll_read_with(&mut cx, |mut s| s.read(&mut buf));
    /// assert!(matches!(got, Poll::Ready(Ok(2))));
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_read_with<R>(
        &self,
        cx: &mut Context<'_>,
        op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        self.poll_io_with(Dir::Read, cx, op, |_| false)
    }

    /// The poll form of [`write_with`](Async::write_with); waits with the
    /// single slot of [`poll_writable`](Async::poll_writable).
    ///
    /// # Errors
    ///
    /// As [`write_with`](Async::write_with).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::{Async, Reactor};
    /// use std::io::Write;
    /// use std::os::unix::net::UnixStream;
    /// use std::task::{Context, Poll, Waker};
    ///
    /// let reactor = Reactor::new()?;
    /// let (a, _b) = UnixStream::pair()?;
    /// let a = Async::with_reactor(a, &reactor)?;
    /// let mut cx = Context::from_waker(Waker::noop());
    /// let got = a.poll_write_with(&mut cx, |mut s| s.write(b"hi"));
    /// assert!(matches!(got, Poll::Ready(Ok(2))));
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_write_with<R>(
        &self,
        cx: &mut Context<'_>,
        op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        self.poll_io_with(Dir::Write, cx, op, |_| false)
    }

    /// [`poll_read_with`](Async::poll_read_with) for a byte stream (a TCP or Unix
    /// stream socket, a pipe): `op` reads at most `len` bytes and returns how many
    /// it read. A read that returns fewer than `len` bytes (but not 0) shows that the
    /// kernel buffer was drained, so the cached readiness is cleared and the next read
    /// waits for the next event instead of paying a syscall that returns `WouldBlock`
    /// (tokio does the same). Readiness that arrived during the read survives, as with
    /// `WouldBlock`, and so does a source that hung up (its end of file is still to be
    /// read). The clearing is skipped on an edge-triggered backend that does not report
    /// hang-ups ([`Backend::reports_hangup`](crate::Backend::reports_hangup)).
    ///
    /// Do not use it for datagrams or terminals: a short read there does not mean the
    /// buffer is empty.
    ///
    /// # Errors
    ///
    /// As [`read_with`](Async::read_with).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::{Async, Reactor};
    /// use std::io::{Read, Write};
    /// use std::os::unix::net::UnixStream;
    /// use std::task::{Context, Poll, Waker};
    ///
    /// let reactor = Reactor::new()?;
    /// let (a, mut b) = UnixStream::pair()?;
    /// let a = Async::with_reactor(a, &reactor)?;
    /// let mut cx = Context::from_waker(Waker::noop());
    /// let mut buf = [0; 8];
    /// b.write_all(b"hi")?;
    /// reactor.poll(None)?;
    /// let got = a.poll_read_stream(&mut cx, buf.len(), |mut s| s.read(&mut buf));
    /// assert!(matches!(got, Poll::Ready(Ok(2))));
    /// // A short read: the next one waits for an event, without a syscall.
    /// assert!(a.poll_read_stream(&mut cx, buf.len(), |mut s| s.read(&mut buf)).is_pending());
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_read_stream(
        &self,
        cx: &mut Context<'_>,
        len: usize,
        op: impl FnMut(&T) -> io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        self.poll_stream_with(Dir::Read, cx, len, op)
    }

    /// [`poll_write_with`](Async::poll_write_with) for a byte stream; the write twin of
    /// [`poll_read_stream`](Async::poll_read_stream): a write that takes fewer than
    /// `len` bytes (but not 0) shows the kernel buffer full, and clears the cached
    /// write readiness.
    ///
    /// # Errors
    ///
    /// As [`write_with`](Async::write_with).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::{Async, Reactor};
    /// use std::io::Write;
    /// use std::os::unix::net::UnixStream;
    /// use std::task::{Context, Poll, Waker};
    ///
    /// let reactor = Reactor::new()?;
    /// let (a, _b) = UnixStream::pair()?;
    /// let a = Async::with_reactor(a, &reactor)?;
    /// let mut cx = Context::from_waker(Waker::noop());
    /// let got = a.poll_write_stream(&mut cx, 2, |mut s| s.write(b"hi"));
    /// assert!(matches!(got, Poll::Ready(Ok(2))));
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_write_stream(
        &self,
        cx: &mut Context<'_>,
        len: usize,
        op: impl FnMut(&T) -> io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        self.poll_stream_with(Dir::Write, cx, len, op)
    }

    /// Reads into `buf`, waiting for data if there is none yet.
    ///
    /// # Errors
    ///
    /// The read's error other than `WouldBlock`.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if cancelled, no data was read.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::{Async, Reactor};
    /// use std::io::PipeReader;
    /// # fn block_on<F: std::future::Future>(reactor: &Reactor, f: F) -> F::Output {
    /// #     let mut f = std::pin::pin!(f);
    /// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    /// #     loop {
    /// #         if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; }
    /// #         reactor.poll(None).unwrap();
    /// #     }
    /// # }
    ///
    /// let reactor = Reactor::new()?;
    /// let (r, w) = std::io::pipe()?;
    /// let r: Async<PipeReader> = Async::with_reactor(r, &reactor)?;
    /// let w = Async::with_reactor(w, &reactor)?;
    /// block_on(&reactor, async {
    ///     w.write(b"through a pipe").await?;
    ///     let mut buf = [0; 32];
    ///     let n = r.read(&mut buf).await?;
    ///     assert_eq!(&buf[..n], b"through a pipe");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn read<'a>(&'a self, buf: &'a mut [u8]) -> impl Future<Output = io::Result<usize>> + 'a
    where
        for<'b> &'b T: Read,
    {
        self.read_with(|mut io| io.read(buf))
    }

    /// Writes from `buf`, waiting for buffer space if there is none yet.
    ///
    /// # Errors
    ///
    /// The write's error other than `WouldBlock` (e.g. `BrokenPipe`).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if cancelled, nothing was written.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::{Async, Reactor};
    /// use std::os::unix::net::UnixStream;
    /// # fn block_on<F: std::future::Future>(reactor: &Reactor, f: F) -> F::Output {
    /// #     let mut f = std::pin::pin!(f);
    /// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    /// #     loop {
    /// #         if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; }
    /// #         reactor.poll(None).unwrap();
    /// #     }
    /// # }
    ///
    /// let reactor = Reactor::new()?;
    /// let (a, _b) = UnixStream::pair()?;
    /// let a = Async::with_reactor(a, &reactor)?;
    /// assert_eq!(block_on(&reactor, a.write(b"abc"))?, 3);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn write<'a>(&'a self, buf: &'a [u8]) -> impl Future<Output = io::Result<usize>> + 'a
    where
        for<'b> &'b T: Write,
    {
        self.write_with(|mut io| io.write(buf))
    }

    /// The poll forms' loop: wait (without trying `op`) while the direction is known not
    /// to be ready, run `op`, and clear the readiness on `WouldBlock`, or when `drained`
    /// says the result shows the kernel buffer drained (a short stream read/write).
    fn poll_io_with<R>(
        &self,
        dir: Dir,
        cx: &mut Context<'_>,
        mut op: impl FnMut(&T) -> io::Result<R>,
        drained: impl Fn(&R) -> bool,
    ) -> Poll<io::Result<R>> {
        loop {
            let before = self.source.snapshot();
            if before.must_wait(dir) {
                match self.reactor.poll_ready(&self.source, dir, cx, Slot::Poller) {
                    // An event arrived meanwhile: take a new snapshot and try.
                    Poll::Ready(Ok(())) => continue,
                    Poll::Ready(Err(err)) => return Poll::Ready(Err(err)),
                    Poll::Pending => return Poll::Pending,
                }
            }
            match op(self.get_ref()) {
                // Loop: the snapshot now says "must wait" unless an event arrived
                // meanwhile, in which case the operation is tried again.
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                    self.source.clear(dir, before);
                }
                Ok(r) => {
                    if drained(&r) {
                        self.source.clear_drained(dir, before);
                    }
                    return Poll::Ready(Ok(r));
                }
                Err(err) => return Poll::Ready(Err(err)),
            }
        }
    }
}

impl<T> Async<T> {
    fn poll_stream_with(
        &self,
        dir: Dir,
        cx: &mut Context<'_>,
        len: usize,
        op: impl FnMut(&T) -> io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        let trust_short = self.reactor.trusts_short_ops();
        self.poll_io_with(dir, cx, op, |&n| trust_short && n > 0 && n < len)
    }
}

impl<T> Drop for Async<T> {
    fn drop(&mut self) {
        if self.io.is_some() {
            // Deregister before `io` (and so the descriptor) is dropped.
            if let Err(err) = self.reactor.deregister(&self.source) {
                log::debug!("deregistering source {} failed: {err}", self.source.key());
            }
            self.io = None;
        }
    }
}

impl<T: AsFd> AsFd for Async<T> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.get_ref().as_fd()
    }
}

impl<T: AsRawFd> AsRawFd for Async<T> {
    fn as_raw_fd(&self) -> RawFd {
        self.get_ref().as_raw_fd()
    }
}

impl<T: fmt::Debug> fmt::Debug for Async<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Async")
            .field("io", &self.io)
            .field("key", &self.source.key())
            .finish_non_exhaustive()
    }
}

/// The future of [`Async::read_with`] / [`Async::write_with`]: one flat struct (the
/// operation and a waiter key), so a task that awaits a read weighs little more than its
/// buffer; an idle connection is mostly this future.
struct IoWith<'a, T, F> {
    io: &'a Async<T>,
    dir: Dir,
    op: F,
    /// The waiter slab entry, removed on drop.
    key: Option<usize>,
}

impl<'a, T, F> IoWith<'a, T, F> {
    fn new(io: &'a Async<T>, dir: Dir, op: F) -> IoWith<'a, T, F> {
        IoWith {
            io,
            dir,
            op,
            key: None,
        }
    }
}

// Nothing in `IoWith` relies on being pinned (the operation is only called, never
// polled), so it is `Unpin` whatever the closure is.
impl<T, F> Unpin for IoWith<'_, T, F> {}

impl<T, R, F> Future for IoWith<'_, T, F>
where
    F: FnMut(&T) -> io::Result<R>,
{
    type Output = io::Result<R>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<R>> {
        let this = self.get_mut();
        let io = this.io;
        loop {
            let before = io.source.snapshot();
            if before.must_wait(this.dir) {
                let slot = Slot::Waiter(&mut this.key);
                match io.reactor.poll_ready(&io.source, this.dir, cx, slot) {
                    // An event arrived meanwhile: take a new snapshot and try.
                    Poll::Ready(Ok(())) => continue,
                    Poll::Ready(Err(err)) => return Poll::Ready(Err(err)),
                    Poll::Pending => return Poll::Pending,
                }
            }
            match (this.op)(io.get_ref()) {
                // Loop: the snapshot now says "must wait" unless an event arrived
                // meanwhile, in which case the operation is tried again.
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                    io.source.clear(this.dir, before);
                }
                result => return Poll::Ready(result),
            }
        }
    }
}

impl<T, F> Drop for IoWith<'_, T, F> {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            self.io.source.remove_waiter(self.dir, key);
        }
    }
}

/// Waits for one direction's readiness with a waiter slot of its own.
struct Ready<'a, T> {
    io: &'a Async<T>,
    dir: Dir,
    /// The waiter slab entry, removed on drop.
    key: Option<usize>,
}

impl<'a, T> Ready<'a, T> {
    fn new(io: &'a Async<T>, dir: Dir) -> Ready<'a, T> {
        Ready { io, dir, key: None }
    }
}

impl<T> Future for Ready<'_, T> {
    type Output = io::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        this.io
            .reactor
            .poll_ready(&this.io.source, this.dir, cx, Slot::Waiter(&mut this.key))
    }
}

impl<T> Drop for Ready<'_, T> {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            self.io.source.remove_waiter(self.dir, key);
        }
    }
}
