//! Sending a file over a stream socket, asyncio's `sendfile` rules written once for the
//! loop's `sock_sendfile` and the transports' `sendfile`: Linux `sendfile(2)` (the kernel
//! copies from the page cache to the socket, no user-space buffer), or, where that cannot
//! work (a file that is not a regular one, a TLS transport), reads and writes if the caller
//! allows the fallback.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::fd::{AsFd, BorrowedFd};
use std::task::{Context, Poll};

use crate::family::RawSocket;

/// Why a `sendfile` failed (asyncio raises `SendfileNotAvailableError`, `ValueError` or
/// `RuntimeError` for these).
///
/// # Examples
///
/// ```
/// use corio_net::SendfileError;
///
/// let err = SendfileError::NotAvailable("not a regular file");
/// assert_eq!(err.to_string(), "sendfile is not available: not a regular file");
/// let io: std::io::Error = err.into();
/// assert_eq!(io.kind(), std::io::ErrorKind::Unsupported);
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SendfileError {
    /// The zero-copy path cannot send this file over this socket, and the fallback was
    /// not allowed (asyncio's `SendfileNotAvailableError`).
    #[doc(alias = "SendfileNotAvailableError")]
    #[error("sendfile is not available: {0}")]
    NotAvailable(&'static str),
    /// A bad argument: a `count` of 0, a socket that is not a stream socket or is in
    /// blocking mode (asyncio's `ValueError`).
    #[error("{0}")]
    InvalidArgument(&'static str),
    /// The transport is closing or closed (asyncio's `RuntimeError("Transport is closing")`).
    #[error("the transport is closing")]
    Closing,
    /// Another `sendfile` is running on this transport (asyncio's `RuntimeError`).
    #[error("a sendfile is already running on this transport")]
    Busy,
    /// The OS error of a read, a write or `sendfile(2)` (part of the file may have been
    /// sent; the file's position says how much).
    #[error(transparent)]
    Io(#[from] io::Error),
}

impl From<SendfileError> for io::Error {
    fn from(e: SendfileError) -> io::Error {
        match e {
            SendfileError::Io(e) => e,
            SendfileError::NotAvailable(_) => io::Error::new(io::ErrorKind::Unsupported, e),
            SendfileError::InvalidArgument(_) => io::Error::new(io::ErrorKind::InvalidInput, e),
            SendfileError::Closing => io::Error::new(io::ErrorKind::NotConnected, e),
            SendfileError::Busy => io::Error::new(io::ErrorKind::ResourceBusy, e),
        }
    }
}

/// One `sendfile(2)` on a registered socket: on `WouldBlock` the task waits for
/// writability on the reactor (no spinning, no extra registration).
pub(crate) fn poll_send_file(
    raw: &dyn RawSocket,
    cx: &mut Context<'_>,
    file: BorrowedFd<'_>,
    offset: &mut u64,
    len: usize,
) -> Poll<io::Result<usize>> {
    raw.poll_write_fd(cx, &mut |fd| {
        rustix::fs::sendfile(fd, file, Some(&mut *offset), len).map_err(io::Error::from)
    })
}

/// The largest `sendfile(2)` call (Linux caps one at 2 GiB less a page anyway).
const MAX_CALL: usize = 1 << 30;

/// Where the bytes go: a socket's zero-copy step, and a plain write for the fallback.
pub(crate) trait Sink {
    /// The fallback's read size: asyncio's `SENDFILE_FALLBACK_READBUFFER_SIZE` (256 KiB) for
    /// `sock_sendfile` and the stream sockets (the default); a transport's is smaller.
    const FALLBACK_CHUNK: usize = 256 * 1024;
    /// Whether the zero-copy path can be tried at all: always on a socket (the default),
    /// not for a TLS transport.
    fn native(&self) -> Result<(), SendfileError> {
        Ok(())
    }
    /// One `sendfile(2)` from `file` at `*offset` of at most `len` bytes, waiting for room
    /// in the socket while it would block; advances `*offset`.
    async fn send_file(
        &self,
        file: BorrowedFd<'_>,
        offset: &mut u64,
        len: usize,
    ) -> io::Result<usize>;
    /// Sends `data` (the fallback's copy of what it read).
    async fn send_copy(&self, data: &[u8]) -> Result<(), SendfileError>;
}

/// asyncio's `sendfile`: the zero-copy path, then the fallback if allowed and the first
/// `sendfile(2)` could not send anything.
pub(crate) async fn send<S: Sink>(
    sink: &S,
    file: &File,
    offset: u64,
    count: Option<u64>,
    fallback: bool,
) -> Result<u64, SendfileError> {
    if count == Some(0) {
        return Err(SendfileError::InvalidArgument(
            "count must be a positive integer (got 0)",
        ));
    }
    match native(sink, file, offset, count).await {
        Err(SendfileError::NotAvailable(why)) if fallback => {
            log::debug!("sendfile falls back to reads and writes: {why}");
            copy(sink, file, offset, count, S::FALLBACK_CHUNK).await
        }
        other => other,
    }
}

/// Moves the file's position to `offset + sent` when dropped if anything was sent (on
/// success, error or cancellation), as asyncio leaves it.
struct Position<'a> {
    file: &'a File,
    offset: u64,
    sent: u64,
}

impl Drop for Position<'_> {
    fn drop(&mut self) {
        if self.sent > 0 {
            // Nothing to report to: the bytes went out, and a file that cannot seek has
            // no position to leave wrong.
            let _ = (&*self.file).seek(SeekFrom::Start(self.offset + self.sent));
        }
    }
}

impl Position<'_> {
    /// How much to ask for next: what `count` leaves, at most `max`; 0 when done.
    fn next_len(&self, count: Option<u64>, max: usize) -> usize {
        match count {
            Some(c) => usize::try_from(c - self.sent).unwrap_or(max).min(max),
            None => max,
        }
    }
}

async fn native<S: Sink>(
    sink: &S,
    file: &File,
    offset: u64,
    count: Option<u64>,
) -> Result<u64, SendfileError> {
    sink.native()?;
    let regular = rustix::fs::fstat(file)
        .is_ok_and(|st| rustix::fs::FileType::from_raw_mode(st.st_mode).is_file());
    if !regular {
        return Err(SendfileError::NotAvailable("not a regular file"));
    }
    let mut pos = Position {
        file,
        offset,
        sent: 0,
    };
    let mut at = offset;
    loop {
        let len = pos.next_len(count, MAX_CALL);
        if len == 0 {
            break;
        }
        match sink.send_file(file.as_fd(), &mut at, len).await {
            Ok(0) => break, // the end of the file
            Ok(n) => pos.sent += n as u64,
            Err(e) if pos.sent == 0 && unsupported(&e) => {
                return Err(SendfileError::NotAvailable("sendfile(2) refused the pair"));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(pos.sent)
}

/// The errors by which `sendfile(2)` says it cannot do this pair, rather than that the
/// connection failed.
fn unsupported(e: &io::Error) -> bool {
    use rustix::io::Errno;
    [Errno::INVAL, Errno::NOSYS, Errno::OPNOTSUPP]
        .iter()
        .any(|errno| e.raw_os_error() == Some(errno.raw_os_error()))
}

/// asyncio's `_sock_sendfile_fallback`: seek to `offset`, then read (on a thread of the
/// loop's default executor, as asyncio does) and send, chunk by chunk.
async fn copy<S: Sink>(
    sink: &S,
    file: &File,
    offset: u64,
    count: Option<u64>,
    chunk: usize,
) -> Result<u64, SendfileError> {
    if offset > 0 {
        (&*file).seek(SeekFrom::Start(offset))?;
    }
    let mut pos = Position {
        file,
        offset,
        sent: 0,
    };
    // A second handle on the same open file (it shares the position) for the thread.
    let mut reader = Some(file.try_clone()?);
    let mut buf = vec![0; pos.next_len(count, chunk)];
    loop {
        let len = pos.next_len(count, chunk);
        if len == 0 {
            break;
        }
        let (mut r, mut b) = (reader.take(), std::mem::take(&mut buf));
        let job = move || {
            let n = r.as_mut().map_or(Ok(0), |f| f.read(&mut b[..len]));
            (r, b, n)
        };
        let (r, b, n) = corio_runtime::to_thread(job)
            .map_err(io::Error::other)?
            .await
            .map_err(io::Error::other)?;
        (reader, buf) = (r, b);
        let n = n?;
        if n == 0 {
            break;
        }
        sink.send_copy(&buf[..n]).await?;
        pos.sent += n as u64;
    }
    Ok(pos.sent)
}
