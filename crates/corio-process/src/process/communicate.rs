//! [`Process::communicate`]: feed stdin, read stdout and stderr to the end — all three at
//! once, so that no pipe fills while another is waited on — then reap.

use std::future::{Future, poll_fn};
use std::io;
use std::pin::pin;
use std::task::Poll;

use super::child::{Output, Process};
use crate::ProcessError;

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
        let stdin = self.stdin.take();
        let mut stdout = self.stdout.take();
        let mut stderr = self.stderr.take();
        // asyncio's _feed_stdin: write, then close; a child that stopped reading is no error.
        let feed = async {
            let Some(writer) = stdin else {
                return Ok(());
            };
            if let Some(input) = input {
                // Only fails on a closing writer, which this fresh one is not.
                let _ = writer.write(input);
            }
            writer.close();
            match writer.wait_closed().await {
                Err(e) if !stopped_reading(&e) => Err(e),
                _ => Ok(()),
            }
        };
        let read_out = async {
            match stdout.as_mut() {
                Some(reader) => reader.read_to_eof().await,
                None => Ok(Vec::new()),
            }
        };
        let read_err = async {
            match stderr.as_mut() {
                Some(reader) => reader.read_to_eof().await,
                None => Ok(Vec::new()),
            }
        };
        let (fed, out, err) = join3(feed, read_out, read_err).await;
        fed?;
        let (stdout, stderr) = (out?, err?);
        let returncode = self.wait().await?;
        Ok(Output {
            returncode,
            stdout,
            stderr,
        })
    }
}

fn stopped_reading(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset
    )
}

/// Runs three futures at once on the current task (a dependency for three lines is not
/// worth it; the futures are polled in order on every wakeup).
async fn join3<A: Future, B: Future, C: Future>(
    a: A,
    b: B,
    c: C,
) -> (A::Output, B::Output, C::Output) {
    let (mut a, mut b, mut c) = (pin!(a), pin!(b), pin!(c));
    let (mut ra, mut rb, mut rc) = (None, None, None);
    poll_fn(|cx| {
        if ra.is_none()
            && let Poll::Ready(v) = a.as_mut().poll(cx)
        {
            ra = Some(v);
        }
        if rb.is_none()
            && let Poll::Ready(v) = b.as_mut().poll(cx)
        {
            rb = Some(v);
        }
        if rc.is_none()
            && let Poll::Ready(v) = c.as_mut().poll(cx)
        {
            rc = Some(v);
        }
        match (ra.take(), rb.take(), rc.take()) {
            (Some(a), Some(b), Some(c)) => Poll::Ready((a, b, c)),
            (a, b, c) => {
                (ra, rb, rc) = (a, b, c);
                Poll::Pending
            }
        }
    })
    .await
}
