//! [`HyperIo`]: a `futures-io` stream seen through hyper's own I/O traits.

use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_io::{AsyncRead, AsyncWrite};
use pin_project_lite::pin_project;

/// The most a single read copies into hyper's buffer: the size the read buffer grows to
/// once a read filled it (a body is streaming). Bytes beyond it are read by the next call.
const READ_CHUNK: usize = 16 * 1024;

/// The read buffer's first size: most HTTP requests' and responses' heads fit.
const SMALL_CHUNK: usize = 2 * 1024;

pin_project! {
    /// Adapts a `futures-io` stream (`AsyncRead + AsyncWrite`, as corio's
    /// [`TcpStream`](crate::TcpStream) is) to [`hyper::rt::Read`] and [`hyper::rt::Write`],
    /// the I/O traits hyper 1.x drives connections with. It plays the part `hyper-util`'s
    /// `TokioIo` plays for tokio.
    ///
    /// futures-io reads into initialized memory, and hyper's buffer is not: reads go
    /// through a buffer of the adapter's own (2 KiB from the first read, 16 KiB once a
    /// read fills it), zeroed once, then copied into hyper's.
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
        // Initialized (zeroed) once and reused: futures-io reads into `&mut [u8]`, and
        // zeroing a fresh stack buffer on every read was 3.6% of a small-request
        // server's user-space instructions (callgrind). Empty until the first read;
        // SMALL_CHUNK, then READ_CHUNK once a read filled it.
        buf: Vec<u8>,
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
            buf: Vec::new(),
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
        // `&mut [u8]`: read into this adapter's own buffer, initialized once, and copy with
        // the safe `put_slice` (a memcpy of the bytes read). Reading into hyper's buffer
        // would need it zeroed on every read plus an `unsafe` `advance`: no gain.
        let this = self.project();
        if this.buf.is_empty() {
            this.buf.resize(SMALL_CHUNK, 0);
        }
        let want = buf.remaining().min(this.buf.len());
        match this.inner.poll_read(cx, &mut this.buf[..want]) {
            Poll::Ready(Ok(n)) => {
                buf.put_slice(&this.buf[..n]);
                if n == this.buf.len() && n < READ_CHUNK {
                    // A read filled the buffer: a body is streaming, read more at once.
                    this.buf.resize(READ_CHUNK, 0);
                }
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
