//! [`HyperIo`]: a `futures-io` stream seen through hyper's own I/O traits.

use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_io::{AsyncRead, AsyncWrite};
use pin_project_lite::pin_project;

/// The most a single read copies into hyper's buffer. Reads go through a stack buffer (see
/// `poll_read`), so this bounds the stack used, not the data: hyper reads again while bytes
/// keep coming.
const READ_CHUNK: usize = 16 * 1024;

/// The stack buffer of a read while the last one did not fill its buffer: most HTTP
/// requests and responses' heads fit, and zeroing 2 KiB instead of 16 KiB per read is
/// measurable on a small-request server.
const SMALL_CHUNK: usize = 2 * 1024;

pin_project! {
    /// Adapts a `futures-io` stream (`AsyncRead + AsyncWrite`, as corio's
    /// [`TcpStream`](crate::TcpStream) is) to [`hyper::rt::Read`] and [`hyper::rt::Write`],
    /// the I/O traits hyper 1.x drives connections with. It plays the part `hyper-util`'s
    /// `TokioIo` plays for tokio.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_net::{TcpListener, TcpStream};
    /// use corio_net::hyper::HyperIo;
    ///
    /// corio_runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await?;
    ///     let stream = TcpStream::connect(listener.local_addr()?).await?;
    ///     let io = HyperIo::new(stream);
    ///     assert_eq!(io.get_ref().peer_addr()?, listener.local_addr()?);
    ///     std::io::Result::Ok(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[derive(Debug)]
    pub struct HyperIo<T> {
        #[pin]
        inner: T,
        // The last read filled its stack buffer: use the large one (a body is streaming).
        large_reads: bool,
    }
}

impl<T> HyperIo<T> {
    /// Wraps `inner`.
    ///
    /// # Examples
    ///
    /// ```
    /// let io = corio_net::hyper::HyperIo::new(futures_lite::io::Cursor::new(vec![1u8]));
    /// assert_eq!(io.into_inner().into_inner(), vec![1]);
    /// ```
    pub fn new(inner: T) -> HyperIo<T> {
        HyperIo {
            inner,
            large_reads: false,
        }
    }

    /// The wrapped stream.
    ///
    /// # Examples
    ///
    /// ```
    /// let io = corio_net::hyper::HyperIo::new(futures_lite::io::Cursor::new(vec![1u8]));
    /// assert_eq!(io.get_ref().get_ref(), &vec![1]);
    /// ```
    pub fn get_ref(&self) -> &T {
        &self.inner
    }

    /// The wrapped stream, mutably.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut io = corio_net::hyper::HyperIo::new(futures_lite::io::Cursor::new(vec![1u8]));
    /// io.get_mut().get_mut().push(2);
    /// assert_eq!(io.into_inner().into_inner(), vec![1, 2]);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.inner
    }

    /// Unwraps the stream.
    ///
    /// # Examples
    ///
    /// ```
    /// let io = corio_net::hyper::HyperIo::new(futures_lite::io::Cursor::new(vec![1u8]));
    /// assert_eq!(io.into_inner().position(), 0);
    /// ```
    pub fn into_inner(self) -> T {
        self.inner
    }
}

impl<T: AsyncRead> hyper::rt::Read for HyperIo<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        // hyper hands out uninitialized memory, and futures-io reads only into initialized
        // `&mut [u8]`. Reading into a stack buffer and copying with the safe `put_slice` costs
        // one memcpy of the bytes read; the alternative (zero hyper's buffer, read, then the
        // `unsafe` `advance`) costs the same memset plus an `unsafe` block, so it does not pay.
        let this = self.project();
        let (result, want) = if *this.large_reads {
            let mut chunk = [0u8; READ_CHUNK];
            let want = buf.remaining().min(READ_CHUNK);
            let r = this.inner.poll_read(cx, &mut chunk[..want]);
            if let Poll::Ready(Ok(n)) = r {
                buf.put_slice(&chunk[..n]);
            }
            (r, want)
        } else {
            let mut chunk = [0u8; SMALL_CHUNK];
            let want = buf.remaining().min(SMALL_CHUNK);
            let r = this.inner.poll_read(cx, &mut chunk[..want]);
            if let Poll::Ready(Ok(n)) = r {
                buf.put_slice(&chunk[..n]);
            }
            (r, want)
        };
        match result {
            Poll::Ready(Ok(n)) => {
                *this.large_reads = n == want && want > 0;
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: AsyncWrite> hyper::rt::Write for HyperIo<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.project().inner.poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().inner.poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().inner.poll_close(cx)
    }

    fn is_write_vectored(&self) -> bool {
        // futures-io has no way to ask; its sockets implement `poll_write_vectored` with
        // `writev`, and hyper then sends headers and body in one syscall.
        true
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.project().inner.poll_write_vectored(cx, bufs)
    }
}
