//! The two ends of a pipe as the transport task sees them: a descriptor registered
//! non-blocking with the reactor, read or written with plain `read(2)`/`write(2)`.
//!
//! Written here rather than with `Async<File>`'s std traits because the write end needs one
//! thing a file has not: telling, while idle, that the reader went away (asyncio watches a
//! write pipe for readability for the same reason).

use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::pin::Pin;
use std::task::{Context, Poll};

use corio_reactor::Async;
use futures_io::{AsyncRead, AsyncWrite};
use rustix::fs::FileType;

/// Why a descriptor cannot carry a pipe transport.
///
/// # Examples
///
/// ```
/// use corio_net::protocol::{BaseProtocol, EndpointError, PipeError, Protocol, connect_read_pipe};
///
/// #[derive(Debug)]
/// struct Quiet;
/// impl BaseProtocol for Quiet {}
/// impl Protocol for Quiet {
///     fn data_received(&mut self, _: &[u8]) {}
/// }
///
/// let file = std::fs::File::open("Cargo.toml")?;
/// corio_runtime::run(async move {
///     let err = connect_read_pipe(|| Quiet, file).await.unwrap_err();
///     assert!(matches!(err, EndpointError::Pipe(PipeError::NotAPipe { .. })));
/// })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PipeError {
    /// The descriptor is a regular file, a directory...: asyncio refuses it too ("Pipe
    /// transport is for pipes/sockets only"), since the reactor cannot wait on it.
    #[error("pipe transport is for pipes, sockets and character devices only, not a {kind}")]
    NotAPipe {
        /// What the descriptor is instead.
        kind: &'static str,
    },
    /// `fstat` failed, or the descriptor could not be made non-blocking or registered
    /// with the reactor (e.g. `/dev/null`, which epoll refuses).
    #[error("cannot register the pipe: {0}")]
    Register(#[source] io::Error),
}

/// Checks that `fd` is a FIFO, a socket or a character device, and registers it.
pub(super) fn register(fd: OwnedFd) -> Result<(Async<OwnedFd>, FileType), PipeError> {
    let kind = FileType::from_raw_mode(
        rustix::fs::fstat(&fd)
            .map_err(|e| PipeError::Register(e.into()))?
            .st_mode,
    );
    let refused = match kind {
        FileType::Fifo | FileType::Socket | FileType::CharacterDevice => None,
        FileType::RegularFile => Some("regular file"),
        FileType::Directory => Some("directory"),
        FileType::Symlink => Some("symbolic link"),
        FileType::BlockDevice => Some("block device"),
        _ => Some("file of unknown type"),
    };
    if let Some(kind) = refused {
        return Err(PipeError::NotAPipe { kind });
    }
    Ok((Async::new(fd).map_err(PipeError::Register)?, kind))
}

/// The read end of a pipe. Its writing side refuses (nothing writes to a read pipe: the
/// transport's `write` refuses first) and closes as a no-op (dropping closes the descriptor).
pub(super) struct PipeReader(pub(super) Async<OwnedFd>);

impl AsyncRead for PipeReader {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.0.poll_read_with(cx, |fd| {
            rustix::io::read(fd, &mut *buf).map_err(io::Error::from)
        })
    }
}

impl AsyncWrite for PipeReader {
    fn poll_write(self: Pin<&mut Self>, _: &mut Context<'_>, _: &[u8]) -> Poll<io::Result<usize>> {
        Poll::Ready(Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "a read pipe cannot be written",
        )))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// The write end of a pipe. Its reading side is asyncio's hang-up watch: it waits until
/// the descriptor reports an error or a hang-up (the reader closed its end) and then reads
/// as end-of-file; it never reads data. A character device is not watched (as in asyncio:
/// a terminal reports readability for its input).
pub(super) struct PipeWriter {
    pub(super) io: Async<OwnedFd>,
    pub(super) watch: bool,
}

impl AsyncRead for PipeWriter {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        _: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        if !self.watch {
            return Poll::Pending;
        }
        self.io.poll_read_with(cx, |fd| {
            let mut fds = [rustix::event::PollFd::new(
                fd,
                rustix::event::PollFlags::empty(),
            )];
            rustix::event::poll(&mut fds, Some(&rustix::event::Timespec::default()))?;
            let hung_up = rustix::event::PollFlags::HUP | rustix::event::PollFlags::ERR;
            if fds[0].revents().intersects(hung_up) {
                Ok(0)
            } else {
                Err(io::ErrorKind::WouldBlock.into())
            }
        })
    }
}

impl AsyncWrite for PipeWriter {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write_with(cx, |fd| {
            rustix::io::write(fd.as_fd(), buf).map_err(io::Error::from)
        })
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    /// A pipe has no half-close: the transport closes it by dropping it.
    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
