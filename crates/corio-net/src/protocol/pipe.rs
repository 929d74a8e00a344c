//! `connect_read_pipe` and `connect_write_pipe`: a [`Transport`] over one end of a pipe,
//! run by the same task as a socket's ([`Driver`]).

use std::cell::RefCell;
use std::io;
use std::os::fd::OwnedFd;
use std::rc::Rc;
use std::task::{Context, Poll};

use futures_io::AsyncRead;
use rustix::fs::FileType;

use super::driver::{Plain, Shared};
use super::endpoints::attach_state;
use super::pipe_io::{PipeReader, PipeWriter, register};
use super::transport::{Kind, TransportState};
use super::{BaseProtocol, EndpointError, Protocol, Transport};

/// A [`BaseProtocol`] on a write pipe: the "read" is the hang-up watch of [`PipeWriter`],
/// which ends the transport without calling the protocol (asyncio's write pipe protocol
/// has no `eof_received`): `connection_lost(None)`, or a broken-pipe error if bytes were
/// still queued.
struct WriteSide<P>(Rc<RefCell<P>>);

impl<P: BaseProtocol> Shared for WriteSide<P> {
    type P = P;
    fn cell(&self) -> &RefCell<P> {
        &self.0
    }
    fn receive<S: AsyncRead + Unpin>(
        &self,
        _: &mut Vec<u8>,
        stream: &mut S,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<usize>> {
        std::pin::Pin::new(stream).poll_read(cx, &mut [])
    }
    fn eof(&self) -> bool {
        false
    }
}

fn pipe_state(kind: Kind) -> Rc<TransportState> {
    let state = TransportState::new(None, None, None);
    state.kind.set(kind);
    Rc::new(state)
}

/// Runs a protocol made by `factory` on the read end of a pipe (asyncio's
/// `loop.connect_read_pipe`): `pipe` is any descriptor that owns a FIFO, a socket or a
/// character device — the reader of [`std::io::pipe`], a child's stdout
/// ([`std::process::ChildStdout`]), a named pipe opened with [`std::fs::File::open`], a
/// terminal. It is put in non-blocking mode and registered with the loop; the transport
/// owns it and closes it when the connection is lost.
///
/// The callbacks come in asyncio's order: `connection_made` (before this returns),
/// `data_received` per chunk read, `eof_received` when every writer closed its end, then
/// `connection_lost(None)` (or `Some(error)` if a read fails). The transport's
/// [`pause_reading`](Transport::pause_reading) / [`resume_reading`](Transport::resume_reading)
/// work as on a socket; [`write`](Transport::write) refuses.
///
/// # Errors
///
/// [`EndpointError::Pipe`] with [`PipeError::NotAPipe`](super::PipeError::NotAPipe) for a
/// regular file or a directory (asyncio's `ValueError`), or
/// [`PipeError::Register`](super::PipeError::Register) if the reactor refuses the
/// descriptor; [`EndpointError::Loop`] outside a running loop. The descriptor is closed
/// then.
///
/// # Cancel safety
///
/// Cancel safe: nothing awaits before the transport exists.
///
/// # Examples
///
/// ```
/// use std::io::Write;
/// use corio_net::protocol::{BaseProtocol, Protocol, connect_read_pipe};
///
/// #[derive(Default)]
/// struct Collect { got: Vec<u8>, eof: bool, lost: bool }
/// impl BaseProtocol for Collect {
///     fn connection_lost(&mut self, _: Option<std::io::Error>) {
///         self.lost = true;
///     }
/// }
/// impl Protocol for Collect {
///     fn data_received(&mut self, data: &[u8]) {
///         self.got.extend_from_slice(data);
///     }
///     fn eof_received(&mut self) -> bool {
///         self.eof = true;
///         false
///     }
/// }
///
/// let (reader, mut writer) = std::io::pipe()?;
/// corio_runtime::run(async move {
///     let (transport, protocol) = connect_read_pipe(Collect::default, reader).await?;
///     assert!(transport.is_pipe() && transport.is_reading());
///     writer.write_all(b"through a pipe")?;
///     drop(writer); // end-of-file
///     while !protocol.borrow().lost {
///         corio_runtime::sleep(std::time::Duration::from_millis(1)).await;
///     }
///     let p = protocol.borrow();
///     assert_eq!(p.got, b"through a pipe");
///     assert!(p.eof);
///     Ok::<(), Box<dyn std::error::Error>>(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn connect_read_pipe<P, F>(
    factory: F,
    pipe: impl Into<OwnedFd>,
) -> Result<(Transport, Rc<RefCell<P>>), EndpointError>
where
    P: Protocol,
    F: FnOnce() -> P,
{
    let (io, _) = register(pipe.into())?;
    let protocol = Rc::new(RefCell::new(factory()));
    // A read pipe's protocol is a socket's: the task knows the pipe by its kind (end-of-file
    // always ends it).
    let side = Plain(protocol.clone());
    let transport = attach_state(PipeReader(io), side, pipe_state(Kind::ReadPipe), None)?;
    Ok((transport, protocol))
}

/// Runs a protocol made by `factory` on the write end of a pipe (asyncio's
/// `loop.connect_write_pipe`): the writer of [`std::io::pipe`], a child's stdin
/// ([`std::process::ChildStdin`]), a named pipe opened for writing, a socket, a terminal.
/// It is put in non-blocking mode and registered with the loop; the transport owns it.
///
/// The protocol is a [`BaseProtocol`]: `connection_made` (before this returns),
/// `pause_writing`/`resume_writing` around the write buffer's marks (64 KiB / 16 KiB by
/// default, [`set_write_buffer_limits`](Transport::set_write_buffer_limits)), and
/// `connection_lost` last: `None` after [`close`](Transport::close) or
/// [`write_eof`](Transport::write_eof) once the buffer is sent, or when the reader closed
/// its end with nothing queued; a broken-pipe error when the reader went away with bytes
/// still queued or a write fails.
///
/// # Errors
///
/// As [`connect_read_pipe`].
///
/// # Cancel safety
///
/// Cancel safe: nothing awaits before the transport exists.
///
/// # Examples
///
/// ```
/// use std::io::Read;
/// use corio_net::protocol::{BaseProtocol, Transport, connect_write_pipe};
///
/// #[derive(Default)]
/// struct Writer { lost: bool }
/// impl BaseProtocol for Writer {
///     fn connection_made(&mut self, t: Transport) {
///         t.writelines([b"hello ".as_slice(), b"pipe"]).unwrap();
///         assert!(t.can_write_eof());
///         t.write_eof(); // closes once sent: the reader sees end-of-file
///     }
///     fn connection_lost(&mut self, error: Option<std::io::Error>) {
///         assert!(error.is_none());
///         self.lost = true;
///     }
/// }
///
/// let (mut reader, writer) = std::io::pipe()?;
/// corio_runtime::run(async move {
///     let (_transport, protocol) = connect_write_pipe(Writer::default, writer).await?;
///     while !protocol.borrow().lost {
///         corio_runtime::sleep(std::time::Duration::from_millis(1)).await;
///     }
///     Ok::<(), Box<dyn std::error::Error>>(())
/// })??;
/// let mut got = String::new();
/// reader.read_to_string(&mut got)?;
/// assert_eq!(got, "hello pipe");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn connect_write_pipe<P, F>(
    factory: F,
    pipe: impl Into<OwnedFd>,
) -> Result<(Transport, Rc<RefCell<P>>), EndpointError>
where
    P: BaseProtocol,
    F: FnOnce() -> P,
{
    let (io, kind) = register(pipe.into())?;
    // asyncio watches FIFOs and sockets for the reader's hang-up; a terminal reports
    // readability for its own input, so it is not watched.
    let watch = kind != FileType::CharacterDevice;
    let protocol = Rc::new(RefCell::new(factory()));
    let side = WriteSide(protocol.clone());
    let writer = PipeWriter { io, watch };
    let transport = attach_state(writer, side, pipe_state(Kind::WritePipe), None)?;
    Ok((transport, protocol))
}
