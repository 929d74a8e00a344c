//! [`StreamReader`]: asyncio's buffered reader (`read`, `readline`, `readuntil`,
//! `readexactly`) over any futures-io `AsyncRead`.

use std::fmt;
use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_io::{AsyncBufRead, AsyncRead};

use crate::{IncompleteReadError, LimitOverrunError, ReadError};

/// asyncio's default buffer limit: 64 KiB.
///
/// # Examples
///
/// ```
/// let reader = corio_net::StreamReader::new(&b""[..]);
/// assert_eq!(reader.limit(), corio_net::DEFAULT_LIMIT);
/// ```
pub const DEFAULT_LIMIT: usize = 64 * 1024;

/// The reader half [`open_connection`](crate::open_connection) and the servers hand out:
/// any byte stream, boxed.
///
/// # Examples
///
/// ```
/// let io: corio_net::BoxRead = Box::new(&b"any stream"[..]);
/// let reader: corio_net::StreamReader = corio_net::StreamReader::new(io);
/// # drop(reader);
/// ```
pub type BoxRead = Box<dyn AsyncRead + Send + Unpin + 'static>;

/// The first buffer a reader allocates (once its first bytes came, not before: an idle
/// connection costs no buffer).
const INITIAL_CAPACITY: usize = 8 * 1024;
/// A read is not started with less free room than this; the buffer is compacted or grown.
const MIN_READ: usize = 2 * 1024;

/// asyncio's `StreamReader` over any futures-io [`AsyncRead`]: a TCP or Unix stream, a
/// TLS stream, a pipe to a child process, or `&[u8]` in a test.
///
/// It reads from the stream only when its buffer cannot answer, and never past what one
/// read brings, so memory stays bounded by the [`limit`](StreamReader::limit) plus one read.
/// `readuntil` and `readline` fail with [`ReadError::LimitOverrun`] when no separator is
/// found within the limit (asyncio's `LimitOverrunError` and `ValueError`), and
/// `readexactly`/`readuntil` with [`ReadError::Incomplete`] at end-of-file, carrying the
/// bytes read so far.
///
/// Every method takes `&mut self`, so two tasks cannot read at once (asyncio raises
/// `RuntimeError` for that at run time). The reader also implements [`AsyncRead`] and
/// [`AsyncBufRead`] (buffered bytes first), and is a `Stream` of lines like asyncio's
/// `async for line in reader`.
///
/// # Examples
///
/// ```
/// use corio_net::StreamReader;
///
/// # corio_runtime::run(async {
/// let mut reader = StreamReader::new(&b"GET / HTTP/1.1\r\nHost: x\r\n\r\nbody"[..]);
/// assert_eq!(reader.readline().await?, b"GET / HTTP/1.1\r\n");
/// assert_eq!(reader.readuntil(b"\r\n\r\n").await?, b"Host: x\r\n\r\n");
/// assert_eq!(reader.readexactly(4).await?, b"body");
/// assert!(!reader.at_eof()); // the end-of-file was not read yet
/// assert!(reader.read(1).await?.is_empty());
/// assert!(reader.at_eof());
/// # Ok::<(), corio_net::ReadError>(())
/// # })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct StreamReader<R = BoxRead> {
    io: R,
    /// Initialized storage; the unread bytes are `buf[start..end]`.
    buf: Vec<u8>,
    start: usize,
    end: usize,
    limit: usize,
    /// The stream returned end-of-file (a read of 0 bytes).
    eof: bool,
    /// The stream failed: every later read that needs the stream fails the same way.
    error: Option<(io::ErrorKind, String)>,
}

impl<R: AsyncRead + Unpin> StreamReader<R> {
    /// A reader over `io` with asyncio's default limit of 64 KiB ([`DEFAULT_LIMIT`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let reader = corio_net::StreamReader::new(&b"data"[..]);
    /// assert_eq!(reader.limit(), 64 * 1024);
    /// ```
    pub fn new(io: R) -> StreamReader<R> {
        StreamReader::with_limit(io, DEFAULT_LIMIT)
    }

    /// A reader with another limit: the longest line (separator excluded) that
    /// `readline`/`readuntil` accept. A limit of 0 is raised to 1.
    ///
    /// # Examples
    ///
    /// ```
    /// let reader = corio_net::StreamReader::with_limit(&b"data"[..], 1024);
    /// assert_eq!(reader.limit(), 1024);
    /// ```
    pub fn with_limit(io: R, limit: usize) -> StreamReader<R> {
        StreamReader {
            io,
            buf: Vec::new(),
            start: 0,
            end: 0,
            limit: limit.max(1),
            eof: false,
            error: None,
        }
    }

    /// Boxes the stream, giving the reader type that the rest of the API passes around.
    ///
    /// # Examples
    ///
    /// ```
    /// let reader: corio_net::StreamReader = corio_net::StreamReader::new(&b"x"[..]).boxed();
    /// # drop(reader);
    /// ```
    pub fn boxed(self) -> StreamReader
    where
        R: Send + 'static,
    {
        StreamReader {
            io: Box::new(self.io),
            buf: self.buf,
            start: self.start,
            end: self.end,
            limit: self.limit,
            eof: self.eof,
            error: self.error,
        }
    }

    /// Reads up to `n` bytes: waits until at least one byte is there (or end-of-file),
    /// then returns what the buffer holds, at most `n`. An empty result means end-of-file
    /// (or `n == 0`). The limit does not apply.
    ///
    /// # Errors
    ///
    /// The stream's error (e.g. `ConnectionReset`), once the buffer is empty.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: data read from the stream stays in the buffer.
    ///
    /// # Examples
    ///
    /// ```
    /// # corio_runtime::run(async {
    /// let mut reader = corio_net::StreamReader::new(&b"hello"[..]);
    /// assert_eq!(reader.read(3).await?, b"hel");
    /// assert_eq!(reader.read(100).await?, b"lo");
    /// assert_eq!(reader.read(100).await?, b""); // EOF
    /// # std::io::Result::Ok(())
    /// # })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn read(&mut self, n: usize) -> io::Result<Vec<u8>> {
        poll_fn(|cx| self.poll_read_n(cx, n)).await
    }

    /// Reads until end-of-file and returns everything (asyncio's `read()` / `read(-1)`).
    ///
    /// # Errors
    ///
    /// The stream's error; the bytes read before it stay in the reader.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: everything read so far stays in the buffer.
    ///
    /// # Examples
    ///
    /// ```
    /// # corio_runtime::run(async {
    /// let mut reader = corio_net::StreamReader::new(&b"all of it"[..]);
    /// assert_eq!(reader.read_to_eof().await?, b"all of it");
    /// # std::io::Result::Ok(())
    /// # })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "read(-1)")]
    pub async fn read_to_eof(&mut self) -> io::Result<Vec<u8>> {
        poll_fn(|cx| {
            while !self.eof {
                ready!(self.poll_fill(cx))?;
            }
            Poll::Ready(Ok(self.take(self.end - self.start)))
        })
        .await
    }

    /// Reads one line, up to and including `b'\n'`. At end-of-file it returns the partial
    /// last line without a newline, then empty vectors.
    ///
    /// # Errors
    ///
    /// [`ReadError::LimitOverrun`] if the line (newline excluded) is longer than the limit:
    /// as asyncio does, the line is dropped from the buffer if its newline was found, and
    /// the whole buffer otherwise. [`ReadError::Io`] for the stream's error.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: data read from the stream stays in the buffer.
    ///
    /// # Examples
    ///
    /// ```
    /// # corio_runtime::run(async {
    /// let mut reader = corio_net::StreamReader::new(&b"one\ntwo"[..]);
    /// assert_eq!(reader.readline().await?, b"one\n");
    /// assert_eq!(reader.readline().await?, b"two");
    /// assert_eq!(reader.readline().await?, b"");
    /// # Ok::<(), corio_net::ReadError>(())
    /// # })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn readline(&mut self) -> Result<Vec<u8>, ReadError> {
        poll_fn(|cx| self.poll_readline(cx)).await
    }

    /// Reads until `separator` and returns the data with the separator at its end.
    ///
    /// # Errors
    ///
    /// - [`ReadError::Incomplete`] at end-of-file before the separator: the buffer is
    ///   emptied into the error's `partial` (which may end with part of the separator);
    /// - [`ReadError::LimitOverrun`] if the data before the separator is longer than the
    ///   limit: the data stays in the buffer, `consumed` says how much to skip;
    /// - [`ReadError::EmptySeparator`] for an empty separator;
    /// - [`ReadError::Io`] for the stream's error.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: data read from the stream stays in the buffer.
    ///
    /// # Examples
    ///
    /// ```
    /// # corio_runtime::run(async {
    /// let mut reader = corio_net::StreamReader::new(&b"key=value;rest"[..]);
    /// assert_eq!(reader.readuntil(b"=").await?, b"key=");
    /// assert_eq!(reader.readuntil(b";").await?, b"value;");
    /// let err = reader.readuntil(b";").await.unwrap_err();
    /// assert_eq!(err.partial(), Some(&b"rest"[..]));
    /// # Ok::<(), corio_net::ReadError>(())
    /// # })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn readuntil(&mut self, separator: &[u8]) -> Result<Vec<u8>, ReadError> {
        poll_fn(|cx| self.poll_readuntil(cx, separator)).await
    }

    /// Reads until any of `separators` (asyncio 3.13's `readuntil` with a tuple): the
    /// match that ends first wins, and the data is returned with that separator.
    ///
    /// # Errors
    ///
    /// As [`readuntil`](StreamReader::readuntil); [`ReadError::EmptySeparator`] if the
    /// list is empty or holds an empty separator.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: data read from the stream stays in the buffer.
    ///
    /// # Examples
    ///
    /// ```
    /// # corio_runtime::run(async {
    /// let mut reader = corio_net::StreamReader::new(&b"unix\nwindows\r\nend"[..]);
    /// assert_eq!(reader.readuntil_any(&[b"\r\n", b"\n"]).await?, b"unix\n");
    /// assert_eq!(reader.readuntil_any(&[b"\r\n", b"\n"]).await?, b"windows\r\n");
    /// # Ok::<(), corio_net::ReadError>(())
    /// # })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn readuntil_any(&mut self, separators: &[&[u8]]) -> Result<Vec<u8>, ReadError> {
        poll_fn(|cx| self.poll_readuntil_any(cx, separators)).await
    }

    /// Reads exactly `n` bytes. The limit does not apply.
    ///
    /// # Errors
    ///
    /// [`ReadError::Incomplete`] at end-of-file before `n` bytes, with the bytes read
    /// (the buffer is emptied into it); [`ReadError::Io`] for the stream's error.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: data read from the stream stays in the buffer.
    ///
    /// # Examples
    ///
    /// ```
    /// # corio_runtime::run(async {
    /// let mut reader = corio_net::StreamReader::new(&b"\x00\x03abc"[..]);
    /// let len = reader.readexactly(2).await?;
    /// let n = u16::from_be_bytes([len[0], len[1]]) as usize;
    /// assert_eq!(reader.readexactly(n).await?, b"abc");
    /// # Ok::<(), corio_net::ReadError>(())
    /// # })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn readexactly(&mut self, n: usize) -> Result<Vec<u8>, ReadError> {
        poll_fn(|cx| self.poll_readexactly(cx, n)).await
    }

    /// The poll form of [`read`](StreamReader::read).
    ///
    /// # Errors
    ///
    /// As [`read`](StreamReader::read).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::task::{Context, Poll, Waker};
    ///
    /// let mut reader = corio_net::StreamReader::new(&b"abc"[..]);
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert!(matches!(reader.poll_read_n(&mut cx, 2), Poll::Ready(Ok(v)) if v == b"ab"));
    /// ```
    pub fn poll_read_n(&mut self, cx: &mut Context<'_>, n: usize) -> Poll<io::Result<Vec<u8>>> {
        if n == 0 {
            return Poll::Ready(Ok(Vec::new()));
        }
        if self.start == self.end && !self.eof {
            self.room_for(n);
            ready!(self.poll_fill(cx))?;
        }
        let n = n.min(self.end - self.start);
        Poll::Ready(Ok(self.take(n)))
    }

    /// The poll form of [`readline`](StreamReader::readline).
    ///
    /// # Errors
    ///
    /// As [`readline`](StreamReader::readline).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::task::{Context, Poll, Waker};
    ///
    /// let mut reader = corio_net::StreamReader::new(&b"a\nb"[..]);
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert!(matches!(reader.poll_readline(&mut cx), Poll::Ready(Ok(v)) if v == b"a\n"));
    /// ```
    pub fn poll_readline(&mut self, cx: &mut Context<'_>) -> Poll<Result<Vec<u8>, ReadError>> {
        match ready!(self.poll_readuntil(cx, b"\n")) {
            Ok(line) => Poll::Ready(Ok(line)),
            Err(ReadError::Incomplete(e)) => Poll::Ready(Ok(e.partial)),
            Err(ReadError::LimitOverrun(e)) => {
                // asyncio: drop the too-long line if its newline is there, else everything.
                let data = &self.buf[self.start..self.end];
                if data.get(e.consumed) == Some(&b'\n') {
                    self.start += e.consumed + 1;
                } else {
                    self.start = self.end;
                }
                Poll::Ready(Err(ReadError::LimitOverrun(e)))
            }
            Err(other) => Poll::Ready(Err(other)),
        }
    }

    /// The poll form of [`readuntil`](StreamReader::readuntil).
    ///
    /// # Errors
    ///
    /// As [`readuntil`](StreamReader::readuntil).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::task::{Context, Poll, Waker};
    ///
    /// let mut reader = corio_net::StreamReader::new(&b"a;b"[..]);
    /// let mut cx = Context::from_waker(Waker::noop());
    /// let got = reader.poll_readuntil(&mut cx, b";");
    /// assert!(matches!(got, Poll::Ready(Ok(v)) if v == b"a;"));
    /// ```
    pub fn poll_readuntil(
        &mut self,
        cx: &mut Context<'_>,
        separator: &[u8],
    ) -> Poll<Result<Vec<u8>, ReadError>> {
        self.poll_readuntil_any(cx, &[separator])
    }

    /// The poll form of [`readuntil_any`](StreamReader::readuntil_any).
    ///
    /// # Errors
    ///
    /// As [`readuntil_any`](StreamReader::readuntil_any).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::task::{Context, Poll, Waker};
    ///
    /// let mut reader = corio_net::StreamReader::new(&b"a\r\nb"[..]);
    /// let mut cx = Context::from_waker(Waker::noop());
    /// let got = reader.poll_readuntil_any(&mut cx, &[b"\n", b"\r\n"]);
    /// assert!(matches!(got, Poll::Ready(Ok(v)) if v == b"a\r\n"));
    /// ```
    pub fn poll_readuntil_any(
        &mut self,
        cx: &mut Context<'_>,
        separators: &[&[u8]],
    ) -> Poll<Result<Vec<u8>, ReadError>> {
        let (Some(min_seplen), Some(max_seplen)) = (
            separators.iter().map(|s| s.len()).min(),
            separators.iter().map(|s| s.len()).max(),
        ) else {
            return Poll::Ready(Err(ReadError::EmptySeparator));
        };
        if min_seplen == 0 {
            return Poll::Ready(Err(ReadError::EmptySeparator));
        }
        // asyncio's algorithm: `offset` is how far the buffer is known to hold no
        // separator; it only grows while this call waits for data.
        let mut offset = 0;
        let (match_start, match_end) = loop {
            let data = &self.buf[self.start..self.end];
            let buflen = data.len();
            if buflen - offset >= min_seplen {
                // The match that ends first wins (asyncio 3.13).
                let found = separators
                    .iter()
                    .filter_map(|sep| {
                        find(&data[offset..], sep).map(|i| (offset + i, offset + i + sep.len()))
                    })
                    .min_by_key(|&(start, end)| (end, end - start)); // ties: the shorter, as asyncio's sort
                if let Some(found) = found {
                    break found;
                }
                offset = (buflen + 1).saturating_sub(max_seplen);
                if offset > self.limit {
                    return Poll::Ready(Err(LimitOverrunError {
                        message: "Separator is not found, and chunk exceed the limit",
                        consumed: offset,
                    }
                    .into()));
                }
            }
            // A complete separator may have come with the last data before EOF: the
            // buffer is searched before EOF is looked at.
            if self.eof {
                let partial = self.take(buflen);
                return Poll::Ready(Err(IncompleteReadError {
                    partial,
                    expected: None,
                }
                .into()));
            }
            ready!(self.poll_fill(cx))?;
        };
        if match_start > self.limit {
            return Poll::Ready(Err(LimitOverrunError {
                message: "Separator is found, but chunk is longer than limit",
                consumed: match_start,
            }
            .into()));
        }
        Poll::Ready(Ok(self.take(match_end)))
    }

    /// The poll form of [`readexactly`](StreamReader::readexactly).
    ///
    /// # Errors
    ///
    /// As [`readexactly`](StreamReader::readexactly).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::task::{Context, Poll, Waker};
    ///
    /// let mut reader = corio_net::StreamReader::new(&b"abc"[..]);
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert!(matches!(reader.poll_readexactly(&mut cx, 3), Poll::Ready(Ok(v)) if v == b"abc"));
    /// ```
    pub fn poll_readexactly(
        &mut self,
        cx: &mut Context<'_>,
        n: usize,
    ) -> Poll<Result<Vec<u8>, ReadError>> {
        while self.end - self.start < n {
            if self.eof {
                let partial = self.take(self.end - self.start);
                return Poll::Ready(Err(IncompleteReadError {
                    partial,
                    expected: Some(n),
                }
                .into()));
            }
            ready!(self.poll_fill(cx))?;
        }
        Poll::Ready(Ok(self.take(n)))
    }

    /// Reads once from the stream into the buffer; end-of-file sets `eof`.
    fn poll_fill(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some((kind, message)) = &self.error {
            return Poll::Ready(Err(io::Error::new(*kind, message.clone())));
        }
        if self.eof {
            return Poll::Ready(Ok(()));
        }
        if self.buf.is_empty() {
            // No buffer yet: read into the stack first, so that a connection that waits
            // for its first bytes (an idle server connection) holds no buffer at all.
            let mut first = [0; MIN_READ];
            loop {
                match ready!(Pin::new(&mut self.io).poll_read(cx, &mut first)) {
                    Ok(0) => self.eof = true,
                    Ok(n) => {
                        self.make_room();
                        self.buf[..n].copy_from_slice(&first[..n]);
                        self.end = n;
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        self.error = Some((e.kind(), e.to_string()));
                        return Poll::Ready(Err(e));
                    }
                }
                return Poll::Ready(Ok(()));
            }
        }
        self.make_room();
        loop {
            match ready!(Pin::new(&mut self.io).poll_read(cx, &mut self.buf[self.end..])) {
                Ok(0) => self.eof = true,
                Ok(n) => self.end += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.error = Some((e.kind(), e.to_string()));
                    return Poll::Ready(Err(e));
                }
            }
            return Poll::Ready(Ok(()));
        }
    }

    /// Grows an empty buffer so that one read of the stream can bring the `n` bytes a
    /// `read(n)` asks for, up to the limit (at least 8 KiB): a `read(65536)` then costs one
    /// syscall, not one per 8 KiB. A reader that has no buffer yet keeps none until its
    /// first bytes come (the stack read of `poll_fill`), so an idle connection still holds
    /// no buffer.
    fn room_for(&mut self, n: usize) {
        let want = n.min(self.limit.max(INITIAL_CAPACITY));
        if self.start == self.end && !self.buf.is_empty() && self.buf.len() < want {
            self.start = 0;
            self.end = 0;
            self.buf.resize(want, 0);
        }
    }

    /// Makes at least `MIN_READ` bytes of free room after `end`.
    fn make_room(&mut self) {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
        if self.buf.len() - self.end >= MIN_READ {
            return;
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.buf.len() - self.end < MIN_READ {
            let want = (self.buf.len() * 2)
                .max(INITIAL_CAPACITY)
                .max(self.end + MIN_READ);
            self.buf.resize(want, 0);
        }
    }

    /// Removes and returns the first `n` buffered bytes.
    fn take(&mut self, n: usize) -> Vec<u8> {
        let out = self.buf[self.start..self.start + n].to_vec();
        self.start += n;
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
        out
    }
}

impl<R> StreamReader<R> {
    /// Whether the stream ended and the buffer is empty (asyncio's `at_eof`).
    ///
    /// # Examples
    ///
    /// ```
    /// # corio_runtime::run(async {
    /// let mut reader = corio_net::StreamReader::new(&b"x"[..]);
    /// assert!(!reader.at_eof());
    /// reader.read_to_eof().await?;
    /// assert!(reader.at_eof());
    /// # std::io::Result::Ok(())
    /// # })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn at_eof(&self) -> bool {
        self.eof && self.start == self.end
    }

    /// The buffer limit (asyncio's `limit` argument).
    ///
    /// # Examples
    ///
    /// See [`new`](StreamReader::new).
    #[must_use]
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The bytes read from the stream and not yet consumed.
    ///
    /// # Examples
    ///
    /// ```
    /// # corio_runtime::run(async {
    /// let mut reader = corio_net::StreamReader::new(&b"ab\ncd"[..]);
    /// reader.readline().await?;
    /// assert_eq!(reader.buffer(), b"cd");
    /// # Ok::<(), corio_net::ReadError>(())
    /// # })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn buffer(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// The stream underneath.
    ///
    /// # Examples
    ///
    /// ```
    /// let reader = corio_net::StreamReader::new(&b"x"[..]);
    /// assert_eq!(*reader.get_ref(), b"x");
    /// ```
    #[must_use]
    pub fn get_ref(&self) -> &R {
        &self.io
    }

    /// The stream underneath, and the bytes buffered but not consumed (which reading the
    /// stream alone would lose).
    ///
    /// # Examples
    ///
    /// ```
    /// # corio_runtime::run(async {
    /// let mut reader = corio_net::StreamReader::new(&b"ab\ncd"[..]);
    /// reader.readline().await?;
    /// let (_stream, buffered) = reader.into_parts();
    /// assert_eq!(buffered, b"cd");
    /// # Ok::<(), corio_net::ReadError>(())
    /// # })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn into_parts(self) -> (R, Vec<u8>) {
        let rest = self.buf[self.start..self.end].to_vec();
        (self.io, rest)
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    match needle {
        [byte] => memchr::memchr(*byte, haystack),
        _ => memchr::memmem::find(haystack, needle),
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for StreamReader<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        out: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        // Nothing buffered and a large read: skip the copy through the buffer.
        if this.start == this.end && out.len() >= INITIAL_CAPACITY && this.error.is_none() {
            return Pin::new(&mut this.io).poll_read(cx, out);
        }
        let data = ready!(AsyncBufRead::poll_fill_buf(Pin::new(this), cx))?;
        let n = data.len().min(out.len());
        out[..n].copy_from_slice(&data[..n]);
        this.consume_bytes(n);
        Poll::Ready(Ok(n))
    }
}

impl<R: AsyncRead + Unpin> AsyncBufRead for StreamReader<R> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let this = self.get_mut();
        if this.start == this.end && !this.eof {
            ready!(this.poll_fill(cx))?;
        }
        Poll::Ready(Ok(&this.buf[this.start..this.end]))
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        self.get_mut().consume_bytes(amt);
    }
}

impl<R> StreamReader<R> {
    fn consume_bytes(&mut self, amt: usize) {
        self.start = (self.start + amt).min(self.end);
    }
}

/// `async for line in reader`: lines until end-of-file (the last one may lack its
/// newline).
impl<R: AsyncRead + Unpin> futures_core::Stream for StreamReader<R> {
    type Item = Result<Vec<u8>, ReadError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match ready!(self.get_mut().poll_readline(cx)) {
            Ok(line) if line.is_empty() => Poll::Ready(None),
            other => Poll::Ready(Some(other)),
        }
    }
}

impl<R> fmt::Debug for StreamReader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamReader")
            .field("buffered", &(self.end - self.start))
            .field("limit", &self.limit)
            .field("eof", &self.eof)
            .field("error", &self.error.as_ref().map(|e| e.0))
            .finish_non_exhaustive()
    }
}
