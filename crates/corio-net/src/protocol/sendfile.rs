//! `Transport::sendfile` (asyncio's `loop.sendfile(transport, ...)`): what is queued goes
//! first, then the file by `sendfile(2)` on the transport's own socket, or, for a TLS
//! transport, through `write` with the transport's flow control.

use std::fs::File;
use std::future::poll_fn;
use std::io;
use std::os::fd::BorrowedFd;
use std::rc::Rc;
use std::task::Poll;

use super::Transport;
use super::transport::TransportState;
use crate::SendfileError;
use crate::family::RawSocket;
use crate::sendfile::{Sink, poll_send_file, send};

/// The transport while a `sendfile` runs: reading paused (asyncio pauses it too), and,
/// while `sendfile(2)` writes to the socket itself, the task's own writes held back.
/// Dropping it (done, failed or cancelled) puts things back.
struct Session<'a> {
    state: &'a Rc<TransportState>,
    resume_reading: bool,
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        self.state.sendfile_running.set(false);
        self.state.sendfile_active.set(false);
        self.state.sendfile_waker.borrow_mut().take();
        if self.resume_reading {
            self.state.reading_paused.set(false);
        }
        self.state.ctl.wake();
    }
}

impl Session<'_> {
    /// Waits until at most `limit` bytes are queued (the task sends them meanwhile).
    async fn drained_to(&self, limit: usize) -> Result<(), SendfileError> {
        poll_fn(|cx| {
            if self.state.ctl.lost.get() || self.state.ctl.aborted.get() {
                return Poll::Ready(Err(SendfileError::Closing));
            }
            if self.state.pending() <= limit {
                return Poll::Ready(Ok(()));
            }
            // The task has the bytes and runs when the socket takes more; it wakes this
            // once the queue is down to the low mark.
            *self.state.sendfile_waker.borrow_mut() = Some(cx.waker().clone());
            Poll::Pending
        })
        .await
    }
}

struct TransportSink<'a> {
    session: Session<'a>,
    transport: &'a Transport,
    raw: Option<Rc<dyn RawSocket>>,
}

impl Sink for TransportSink<'_> {
    /// asyncio's transport fallback reads 16 KiB at a time.
    const FALLBACK_CHUNK: usize = 16 * 1024;

    fn native(&self) -> Result<(), SendfileError> {
        match self.raw {
            Some(_) => Ok(()),
            None => Err(SendfileError::NotAvailable(
                "a TLS transport cannot send a file as is",
            )),
        }
    }

    async fn send_file(
        &self,
        file: BorrowedFd<'_>,
        offset: &mut u64,
        len: usize,
    ) -> io::Result<usize> {
        let Some(raw) = &self.raw else {
            return Err(io::ErrorKind::Unsupported.into());
        };
        if !self.session.state.sendfile_active.get() {
            // What was written before goes first; then the task holds its writes.
            self.session.drained_to(0).await?;
            self.session.state.sendfile_active.set(true);
        }
        let state = self.session.state;
        poll_fn(|cx| {
            if state.ctl.lost.get() || state.ctl.aborted.get() {
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::ConnectionAborted,
                    "the transport was closed during sendfile",
                )));
            }
            // The task wakes this on abort; the socket wakes it when there is room.
            *state.sendfile_waker.borrow_mut() = Some(cx.waker().clone());
            poll_send_file(&**raw, cx, file, offset, len)
        })
        .await
    }

    async fn send_copy(&self, data: &[u8]) -> Result<(), SendfileError> {
        // The fallback writes through the queue: the task must flush it again.
        if self.session.state.sendfile_active.replace(false) {
            self.session.state.ctl.wake();
        }
        // asyncio's fallback protocol waits while the writer is paused, then writes.
        self.session
            .drained_to(self.session.state.ctl.low.get())
            .await?;
        self.transport
            .write(data)
            .map_err(|_| SendfileError::Closing)
    }
}

impl Transport {
    /// Sends `count` bytes of `file` from `offset` (to its end with `None`) over this
    /// transport (asyncio's `loop.sendfile(transport, file, offset, count, fallback=)`);
    /// returns the bytes sent.
    ///
    /// What was written before goes first. Then, for a plain TCP or Unix transport, the
    /// file goes by Linux `sendfile(2)` from the page cache to the socket (no copy through
    /// user space), waiting on the loop while the socket is full; writes made meanwhile
    /// wait until the file is sent. A TLS transport must encrypt the bytes, so it, or a file
    /// that is not a regular one, takes the fallback when `fallback` allows it: the file is
    /// read 16 KiB at a time (on the loop's default executor) and written through the
    /// transport's flow control. Reading is paused for the time of the call, as asyncio
    /// does. The file's position ends at `offset` + the bytes sent.
    ///
    /// # Errors
    ///
    /// [`SendfileError::Closing`] if the transport is closing or is closed meanwhile;
    /// [`SendfileError::Busy`] while another `sendfile` runs on it;
    /// [`SendfileError::NotAvailable`] without `fallback` for a TLS transport or a file that
    /// is not a regular one; [`SendfileError::InvalidArgument`] for a `count` of 0;
    /// [`SendfileError::Io`] for the OS error.
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe: part of the file may have been sent; the file's position says how
    /// much, and the transport goes on (reading resumes).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::{cell::RefCell, rc::Rc};
    /// use corio_net::protocol::{BaseProtocol, Protocol, create_connection, create_server};
    ///
    /// struct Collect(Rc<RefCell<Vec<u8>>>);
    /// impl BaseProtocol for Collect {}
    /// impl Protocol for Collect {
    ///     fn data_received(&mut self, d: &[u8]) {
    ///         self.0.borrow_mut().extend_from_slice(d);
    ///     }
    /// }
    ///
    /// let path = std::env::temp_dir().join(format!("corio-doc-tsf-{}", std::process::id()));
    /// std::fs::write(&path, b"the file's bytes")?;
    /// let file = std::fs::File::open(&path)?;
    /// std::fs::remove_file(&path)?;
    /// corio_runtime::run(async move {
    ///     let got = Rc::new(RefCell::new(Vec::new()));
    ///     let g = got.clone();
    ///     let server = create_server(move || Collect(g.clone()), "127.0.0.1:0").await?;
    ///     let (t, _) = create_connection(|| Collect(Rc::default()), server.local_addr()?).await?;
    ///     t.write(b"header:")?;
    ///     let sent = t.sendfile(&file, 4, None, false).await?; // zero-copy
    ///     assert_eq!(sent, 12);
    ///     while got.borrow().len() < 19 {
    ///         corio_runtime::sleep(std::time::Duration::from_millis(1)).await;
    ///     }
    ///     assert_eq!(got.borrow().as_slice(), b"header:file's bytes");
    ///     Ok::<(), Box<dyn std::error::Error>>(())
    /// })??;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "loop.sendfile")]
    pub async fn sendfile(
        &self,
        file: &File,
        offset: u64,
        count: Option<u64>,
        fallback: bool,
    ) -> Result<u64, SendfileError> {
        if self.is_closing() {
            return Err(SendfileError::Closing);
        }
        let state = &self.inner;
        if state.sendfile_running.replace(true) {
            return Err(SendfileError::Busy);
        }
        let resume_reading = !state.reading_paused.replace(true);
        let sink = TransportSink {
            session: Session {
                state,
                resume_reading,
            },
            transport: self,
            raw: state.raw.borrow().clone(),
        };
        // A fallback's last chunk may still be queued: asyncio returns then too.
        send(&sink, file, offset, count, fallback).await
    }
}
