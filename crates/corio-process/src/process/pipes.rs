//! The parent's ends of a child's pipes: [`ChildStdin`], [`ChildStdout`], [`ChildStderr`],
//! non-blocking and registered with the loop's reactor, implementing futures-io's
//! `AsyncWrite` / `AsyncRead`.

use std::fmt;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::pin::Pin;
use std::task::{Context, Poll};

use corio_reactor::Async;

/// A pipe end registered with the reactor current when it was made.
struct PipeEnd {
    io: Async<OwnedFd>,
}

impl PipeEnd {
    fn new(fd: OwnedFd) -> io::Result<PipeEnd> {
        Ok(PipeEnd {
            io: Async::new(fd)?,
        })
    }

    fn poll_read(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.io.poll_read_with(cx, |fd| {
            rustix::io::read(fd, &mut *buf).map_err(io::Error::from)
        })
    }

    fn poll_write(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.io
            .poll_write_with(cx, |fd| rustix::io::write(fd, buf).map_err(io::Error::from))
    }
}

macro_rules! reader {
    ($name:ident, $what:literal, $fd:literal) => {
        #[doc = concat!("The parent's end of a child's ", $what, " pipe (set with [`Stdio::piped`](crate::Stdio::piped)): a non-blocking `AsyncRead`, which the [`Process`](crate::Process) wraps in a corio-net `StreamReader`.")]
        ///
        /// # Examples
        ///
        /// ```
        /// use futures_lite::AsyncReadExt;
        /// use corio_process::{Command, Stdio};
        ///
        /// corio_runtime::run(async {
        #[doc = concat!("    let mut child = Command::shell(\"echo hi 1>&", $fd, "\")")]
        #[doc = concat!("        .", $what, "(Stdio::piped())")]
        ///         .spawn()?;
        #[doc = concat!("    let (mut pipe, _) = child.", $what, ".take().unwrap().into_parts();")]
        ///     let mut text = String::new();
        ///     pipe.read_to_string(&mut text).await?;
        ///     assert_eq!(text, "hi\n");
        ///     child.wait().await?;
        ///     Ok::<(), Box<dyn std::error::Error>>(())
        /// })??;
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        pub struct $name {
            end: PipeEnd,
        }

        impl $name {
            pub(crate) fn new(fd: OwnedFd) -> io::Result<$name> {
                Ok($name {
                    end: PipeEnd::new(fd)?,
                })
            }
        }

        impl futures_io::AsyncRead for $name {
            fn poll_read(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &mut [u8],
            ) -> Poll<io::Result<usize>> {
                self.end.poll_read(cx, buf)
            }
        }

        impl AsFd for $name {
            fn as_fd(&self) -> BorrowedFd<'_> {
                self.end.io.get_ref().as_fd()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("fd", &self.end.io.get_ref())
                    .finish()
            }
        }
    };
}

reader!(ChildStdout, "stdout", "1");
reader!(ChildStderr, "stderr", "2");

/// The parent's end of a child's stdin pipe (set with
/// [`Stdio::piped`](crate::Stdio::piped)): a non-blocking `AsyncWrite`. Closing it
/// (`close().await`, or dropping it) gives the child end-of-file.
///
/// # Examples
///
/// The [`Process`](crate::Process) wraps it in a corio-net `StreamWriter`:
///
/// ```
/// use corio_process::{Command, Stdio};
///
/// corio_runtime::run(async {
///     let mut child = Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?;
///     let stdin = child.stdin.take().unwrap();
///     stdin.write(b"through cat")?;
///     stdin.close(); // EOF for cat, once written
///     stdin.wait_closed().await?;
///     let out = child.stdout.as_mut().unwrap().read_to_eof().await?;
///     assert_eq!(out, b"through cat");
///     assert_eq!(child.wait().await?, 0);
///     Ok::<(), Box<dyn std::error::Error>>(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct ChildStdin {
    /// `None` once closed.
    end: Option<PipeEnd>,
}

impl ChildStdin {
    pub(crate) fn new(fd: OwnedFd) -> io::Result<ChildStdin> {
        Ok(ChildStdin {
            end: Some(PipeEnd::new(fd)?),
        })
    }
}

fn closed() -> io::Error {
    io::Error::new(io::ErrorKind::BrokenPipe, "the child's stdin was closed")
}

impl futures_io::AsyncWrite for ChildStdin {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match &self.end {
            Some(end) => end.poll_write(cx, buf),
            None => Poll::Ready(Err(closed())),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // A pipe has no user-space buffer here: every write went to the kernel.
        Poll::Ready(Ok(()))
    }

    fn poll_close(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.end = None;
        Poll::Ready(Ok(()))
    }
}

impl fmt::Debug for ChildStdin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChildStdin")
            .field("fd", &self.end.as_ref().map(|e| e.io.get_ref()))
            .finish()
    }
}
