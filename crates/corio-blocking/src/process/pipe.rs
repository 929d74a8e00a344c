//! [`pipe`] and [`Connection`]: Python's `multiprocessing.Pipe`, two connected ends that
//! carry serde values between processes; an end goes to a child as a
//! [`Process`](super::Process)'s argument.
//!
//! An end is one side of a Unix socket pair (stream). A message is a frame: its length
//! (u32, little-endian) then its postcard bytes, as on a worker's socket. No reader-side
//! buffering, so an end holds no bytes of its own when it is sent to a child.

use std::fmt;
use std::io;
use std::marker::PhantomData;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, Timespec, poll};
use serde::de::{DeserializeOwned, Error as _};
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use super::fds;
use super::wire::{read_frame, write_frame};

/// Why a [`Connection`] operation failed.
///
/// # Examples
///
/// ```
/// use corio_blocking::process::{PipeError, pipe};
///
/// let (mut reader, writer) = pipe::<u8>(false)?;
/// drop(writer);
/// assert!(matches!(reader.recv(), Err(PipeError::Eof)));
/// assert!(matches!(reader.send(&1), Err(PipeError::NotWritable)));
/// # Ok::<(), PipeError>(())
/// ```
#[derive(Debug, Clone, Error)]
#[non_exhaustive]
pub enum PipeError {
    /// The other end was closed and every message was read (Python's `EOFError`).
    #[error("the other end of the pipe was closed")]
    Eof,
    /// `recv` or `poll` on the write-only end of a one-way pipe (Python: `OSError:
    /// connection is write-only`).
    #[error("connection is write-only")]
    NotReadable,
    /// `send` on the read-only end of a one-way pipe (Python: `OSError: connection is
    /// read-only`).
    #[error("connection is read-only")]
    NotWritable,
    /// A message did not serialise, or a received one did not deserialise as `T` (the two
    /// ends disagree on the type).
    #[error("bad message: {0}")]
    Message(Arc<str>),
    /// The socket failed (`BrokenPipe`: the other end is gone).
    #[error("pipe I/O failed: {0}")]
    Io(Arc<io::Error>),
}

impl From<io::Error> for PipeError {
    fn from(error: io::Error) -> PipeError {
        if error.kind() == io::ErrorKind::InvalidData {
            PipeError::Message(error.to_string().into())
        } else {
            PipeError::Io(Arc::new(error))
        }
    }
}

/// A pair of connected ends (Python's `multiprocessing.Pipe(duplex)`): both can send and
/// receive when `duplex`, else the first only receives and the second only sends.
///
/// Messages are `T` values (serde, postcard), received whole and in order. Either end can
/// be passed to a child as (part of) a [`Process`](super::Process)'s argument, where it
/// arrives as a working end of the same pipe (its descriptor is sent along, as Python
/// sends a `Connection`'s); not to a pool's job.
///
/// # Errors
///
/// [`PipeError::Io`] if the socket pair cannot be made (out of descriptors).
///
/// # Examples
///
/// ```
/// use corio_blocking::process::{self, Connection, Process, ProcessFn, pipe};
///
/// fn ping(mut conn: Connection<String>) {
///     let asked = conn.recv().unwrap();
///     conn.send(&format!("{asked}: pong")).unwrap();
/// }
/// static PING: ProcessFn<Connection<String>, ()> = ProcessFn::new("ping", ping);
///
/// fn main() {
///     process::init(&[&PING]);
///     let (mut ours, theirs) = pipe(true).unwrap();
///     let mut child = Process::new(&PING, theirs).unwrap(); // `theirs` is moved in
///     child.start().unwrap();
///     ours.send(&"ping".to_owned()).unwrap();
///     assert_eq!(ours.recv().unwrap(), "ping: pong");
///     child.join().unwrap();
/// }
/// ```
#[doc(alias = "multiprocessing.Pipe")]
#[doc(alias = "Pipe")]
pub fn pipe<T>(duplex: bool) -> Result<(Connection<T>, Connection<T>), PipeError> {
    let (a, b) = UnixStream::pair()?;
    if !duplex {
        // Python's one-way pipe is (reader, writer).
        a.shutdown(std::net::Shutdown::Write)?;
        b.shutdown(std::net::Shutdown::Read)?;
    }
    Ok((
        Connection::new(a, true, duplex),
        Connection::new(b, duplex, true),
    ))
}

/// One end of a [`pipe`] (Python's `multiprocessing.connection.Connection`): `send`,
/// `recv`, `poll`; dropping it is `close()`.
///
/// # Examples
///
/// See [`pipe`].
#[doc(alias = "multiprocessing.connection.Connection")]
pub struct Connection<T> {
    socket: UnixStream,
    readable: bool,
    writable: bool,
    /// `fn(T) -> T`: the end is `Send + Sync` whatever `T` is (it holds no `T`).
    _messages: PhantomData<fn(T) -> T>,
}

impl<T> Connection<T> {
    fn new(socket: UnixStream, readable: bool, writable: bool) -> Connection<T> {
        Connection {
            socket,
            readable,
            writable,
            _messages: PhantomData,
        }
    }

    /// Whether this end can receive (Python's `readable`).
    ///
    /// # Examples
    ///
    /// ```
    /// let (r, w) = corio_blocking::process::pipe::<u8>(false)?;
    /// assert!(r.readable() && !r.writable());
    /// assert!(w.writable() && !w.readable());
    /// # Ok::<(), corio_blocking::process::PipeError>(())
    /// ```
    pub fn readable(&self) -> bool {
        self.readable
    }

    /// Whether this end can send (Python's `writable`).
    ///
    /// # Examples
    ///
    /// See [`readable`](Self::readable).
    pub fn writable(&self) -> bool {
        self.writable
    }

    /// Whether a message (or the end of the stream) can be received now; waits up to
    /// `timeout` for one, `None` for ever (Python's `poll(timeout)`; `poll()` there is
    /// `poll(Some(Duration::ZERO))` here).
    ///
    /// # Errors
    ///
    /// [`PipeError::NotReadable`]; [`PipeError::Io`].
    ///
    /// # Blocking
    ///
    /// Up to `timeout`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let (mut a, mut b) = corio_blocking::process::pipe::<u32>(true)?;
    /// assert!(!b.poll(Some(Duration::ZERO))?);
    /// a.send(&7)?;
    /// assert!(b.poll(None)?);
    /// assert_eq!(b.recv()?, 7);
    /// # Ok::<(), corio_blocking::process::PipeError>(())
    /// ```
    pub fn poll(&mut self, timeout: Option<Duration>) -> Result<bool, PipeError> {
        if !self.readable {
            return Err(PipeError::NotReadable);
        }
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        loop {
            let remaining = match deadline {
                Some(deadline) => {
                    Timespec::try_from(deadline.saturating_duration_since(Instant::now())).ok()
                }
                None => None,
            };
            let mut fds = [PollFd::new(&self.socket, PollFlags::IN)];
            match poll(&mut fds, remaining.as_ref()) {
                Ok(n) => return Ok(n > 0),
                Err(rustix::io::Errno::INTR) => {}
                Err(e) => return Err(io::Error::from(e).into()),
            }
        }
    }
}

impl<T: Serialize> Connection<T> {
    /// Sends `message` (Python's `send(obj)`).
    ///
    /// # Errors
    ///
    /// [`PipeError::NotWritable`]; [`PipeError::Message`] if it does not serialise;
    /// [`PipeError::Io`] (`BrokenPipe` if the other end is closed).
    ///
    /// # Blocking
    ///
    /// While the socket's buffer is full (the other end does not read).
    ///
    /// # Examples
    ///
    /// See [`pipe`].
    pub fn send(&mut self, message: &T) -> Result<(), PipeError> {
        if !self.writable {
            return Err(PipeError::NotWritable);
        }
        let mut socket = &self.socket;
        write_frame(&mut socket, message)?;
        Ok(())
    }
}

impl<T: DeserializeOwned> Connection<T> {
    /// Receives the next message (Python's `recv()`).
    ///
    /// # Errors
    ///
    /// [`PipeError::Eof`] once the other end is closed and every message was read (Python's
    /// `EOFError`); [`PipeError::NotReadable`]; [`PipeError::Message`] if it does not
    /// deserialise as `T`; [`PipeError::Io`].
    ///
    /// # Blocking
    ///
    /// Until a message comes or the other end closes.
    ///
    /// # Examples
    ///
    /// See [`pipe`].
    pub fn recv(&mut self) -> Result<T, PipeError> {
        if !self.readable {
            return Err(PipeError::NotReadable);
        }
        let mut socket = &self.socket;
        read_frame(&mut socket)?.ok_or(PipeError::Eof)
    }
}

impl<T> fmt::Debug for Connection<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("readable", &self.readable)
            .field("writable", &self.writable)
            .finish()
    }
}

/// What crosses to a child: the index of the descriptor sent with the call, and the
/// end's directions.
#[derive(Serialize, Deserialize)]
struct Wire {
    fd: u32,
    readable: bool,
    writable: bool,
}

impl<T> Serialize for Connection<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fd = fds::export(self.socket.as_fd()).map_err(S::Error::custom)?;
        Wire {
            fd,
            readable: self.readable,
            writable: self.writable,
        }
        .serialize(serializer)
    }
}

impl<'de, T> Deserialize<'de> for Connection<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = Wire::deserialize(deserializer)?;
        let fd: OwnedFd = fds::import(wire.fd).map_err(D::Error::custom)?;
        Ok(Connection::new(
            UnixStream::from(fd),
            wire.readable,
            wire.writable,
        ))
    }
}
