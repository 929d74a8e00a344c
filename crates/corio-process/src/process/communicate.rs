//! [`Process::communicate`]: feed stdin, read stdout and stderr to the end — all three at
//! once, so that no pipe fills while another is waited on — then reap.

use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_io::{AsyncRead, AsyncWrite};

use super::child::{Output, Process};
use crate::ProcessError;

/// How much is read per call: large enough that 10 MB take a few hundred reads.
const CHUNK: usize = 64 * 1024;

impl Process {
    /// Sends `input` to the child's stdin and closes it, reads its stdout and stderr to the
    /// end, waits for it to exit, and returns all of it (asyncio's `communicate(input)`).
    ///
    /// The three pipes are served together, so a child that writes megabytes to both stdout
    /// and stderr while reading its input never deadlocks. A child that exits (or closes its
    /// stdin) before reading all of `input` is no error: the rest is dropped, as asyncio
    /// ignores `BrokenPipeError` there. Streams not piped come back empty; stdin is closed even
    /// when `input` is `None`.
    ///
    /// # Errors
    ///
    /// [`ProcessError::NotPiped`] if `input` is given and stdin is not piped (asyncio ignores
    /// the input then); [`ProcessError::Io`] for a read, write or wait error.
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe: the pipes are taken from the `Process` when it starts; if cancelled,
    /// they are closed and what was read is lost (the child can still be waited for).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_process::{Command, Stdio};
    ///
    /// corio_runtime::run(async {
    ///     let mut child = Command::new("tr")
    ///         .args(["a-z", "A-Z"])
    ///         .stdin(Stdio::piped())
    ///         .stdout(Stdio::piped())
    ///         .spawn()?;
    ///     let out = child.communicate(Some(b"shout")).await?;
    ///     assert_eq!(out.stdout, b"SHOUT");
    ///     assert_eq!(out.returncode, 0);
    ///     Ok::<(), corio_process::ProcessError>(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn communicate(&mut self, input: Option<&[u8]>) -> Result<Output, ProcessError> {
        if input.is_some() && self.stdin.is_none() {
            return Err(ProcessError::NotPiped("stdin"));
        }
        let mut stdin = self.stdin.take();
        let mut remaining = input.unwrap_or_default();
        let mut stdout = self.stdout.take().map(|p| (p, Vec::new(), false));
        let mut stderr = self.stderr.take().map(|p| (p, Vec::new(), false));
        poll_fn(|cx| {
            let mut pending = false;
            if let Some(pipe) = stdin.as_mut() {
                match feed(pipe, &mut remaining, cx) {
                    Poll::Ready(Ok(())) => stdin = None, // closes it: EOF for the child
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => pending = true,
                }
            }
            let out = stdout
                .as_mut()
                .map_or(Poll::Ready(Ok(())), |side| drain(side, cx));
            let err = stderr
                .as_mut()
                .map_or(Poll::Ready(Ok(())), |side| drain(side, cx));
            for side in [out, err] {
                match side {
                    Poll::Ready(Ok(())) => {}
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => pending = true,
                }
            }
            if pending {
                Poll::Pending
            } else {
                Poll::Ready(Ok(()))
            }
        })
        .await?;
        let returncode = self.wait().await?;
        Ok(Output {
            returncode,
            stdout: stdout.map(|(_, buf, _)| buf).unwrap_or_default(),
            stderr: stderr.map(|(_, buf, _)| buf).unwrap_or_default(),
        })
    }
}

/// Writes what is left of the input; `Ready(Ok)` when all is written or the child stopped
/// reading.
fn feed<W: AsyncWrite + Unpin>(
    pipe: &mut W,
    remaining: &mut &[u8],
    cx: &mut Context<'_>,
) -> Poll<io::Result<()>> {
    while !remaining.is_empty() {
        match Pin::new(&mut *pipe).poll_write(cx, remaining) {
            Poll::Ready(Ok(n)) => *remaining = &remaining[n..],
            Poll::Ready(Err(e))
                if matches!(
                    e.kind(),
                    io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset
                ) =>
            {
                *remaining = &[];
            }
            Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Pending => return Poll::Pending,
        }
    }
    Poll::Ready(Ok(()))
}

/// Reads a pipe to its end into its buffer; the flag says the end was seen.
fn drain<R: AsyncRead + Unpin>(
    (pipe, buf, done): &mut (R, Vec<u8>, bool),
    cx: &mut Context<'_>,
) -> Poll<io::Result<()>> {
    while !*done {
        let len = buf.len();
        buf.resize(len + CHUNK, 0);
        let got = Pin::new(&mut *pipe).poll_read(cx, &mut buf[len..]);
        match got {
            Poll::Ready(Ok(0)) => {
                buf.truncate(len);
                *done = true;
            }
            Poll::Ready(Ok(n)) => buf.truncate(len + n),
            Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => buf.truncate(len),
            Poll::Ready(Err(e)) => {
                buf.truncate(len);
                return Poll::Ready(Err(e));
            }
            Poll::Pending => {
                buf.truncate(len);
                return Poll::Pending;
            }
        }
    }
    Poll::Ready(Ok(()))
}
