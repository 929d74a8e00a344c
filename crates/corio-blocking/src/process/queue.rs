//! [`Queue`]: Python's `multiprocessing.Queue`, a first-in first-out queue of serde values
//! shared by processes (any number of them putting and getting).
//!
//! The design, and why:
//!
//! - The items travel through a Unix `SOCK_SEQPACKET` socket pair that every handle (in
//!   every process) holds both ends of: the kernel keeps each `send` whole and in order, and
//!   each `recv` takes exactly one, so several producers and consumers need no lock (Python
//!   pairs a pipe with two cross-process locks for that).
//! - A packet's size is bounded by the socket's buffer, so an item larger than
//!   [`INLINE_MAX`] travels in an anonymous memory file (`memfd`, or an unlinked temporary
//!   file off Linux) whose descriptor rides in the packet (`SCM_RIGHTS`): still one packet.
//! - `put` never blocks, as Python's does not: a feeder thread (started on the first `put`,
//!   one per queue per process, as Python's) sends the items; while the socket is full, they
//!   wait in memory. Dropping the process's last handle waits until the feeder has sent
//!   them (Python joins the feeder at exit), unless [`Queue::cancel_join_thread`] was
//!   called; a child's handles drop when its function returns, so what it put is sent
//!   before it exits.
//! - A handle goes to a child as a [`Process`](super::Process)'s argument: both
//!   descriptors go with the call (see `fds.rs`).

use std::collections::VecDeque;
use std::fmt;
use std::fs::File;
use std::io::{self, IoSlice, Write};
use std::marker::PhantomData;
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::FileExt;
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, Timespec, poll};
use rustix::net::{
    AddressFamily, RecvFlags, SendAncillaryBuffer, SendAncillaryMessage, SendFlags, SocketFlags,
    SocketType, sendmsg, socketpair,
};
use serde::de::{DeserializeOwned, Error as _};
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use super::fds;

/// Items smaller than this many bytes (serialised) travel in the packet itself; larger
/// ones in a memory file whose descriptor the packet carries. Either way an item is one
/// packet, received whole by one consumer.
///
/// # Examples
///
/// ```
/// use corio_blocking::process::{INLINE_MAX, Queue};
///
/// let q = Queue::<Vec<u8>>::new()?;
/// q.put(&vec![1; 4 * INLINE_MAX])?; // through a memory file
/// assert_eq!(q.get()?.len(), 4 * INLINE_MAX);
/// # Ok::<(), corio_blocking::process::QueueError>(())
/// ```
pub const INLINE_MAX: usize = 32 * 1024;

/// The packet's first byte: the item follows, or is in the attached file.
const INLINE: u8 = 0;
const IN_FILE: u8 = 1;

/// Why a [`Queue`] operation failed.
///
/// # Examples
///
/// ```
/// use corio_blocking::process::{Queue, QueueError};
///
/// let q = Queue::<u8>::new()?;
/// assert!(matches!(q.get_nowait(), Err(QueueError::Empty)));
/// # Ok::<(), QueueError>(())
/// ```
#[derive(Debug, Clone, Error)]
#[non_exhaustive]
pub enum QueueError {
    /// No item came in time (`get_nowait`, `get_timeout`): Python's `queue.Empty`.
    #[error("the queue is empty")]
    Empty,
    /// `put` after [`close`](Queue::close) (Python: `ValueError: Queue ... is closed`).
    #[error("the queue is closed")]
    Closed,
    /// An item did not serialise, or a received one did not deserialise as `T`.
    #[error("bad item: {0}")]
    Item(Arc<str>),
    /// The socket or a memory file failed; a feeder's failure is reported by the next `put`
    /// or by [`join_thread`](Queue::join_thread) (the item it was sending is lost).
    #[error("queue I/O failed: {0}")]
    Io(Arc<io::Error>),
}

impl From<io::Error> for QueueError {
    fn from(error: io::Error) -> QueueError {
        QueueError::Io(Arc::new(error))
    }
}

impl From<rustix::io::Errno> for QueueError {
    fn from(errno: rustix::io::Errno) -> QueueError {
        io::Error::from(errno).into()
    }
}

/// The socket pair, shared by this process's handles of one queue.
struct Shared {
    /// Items are sent here ...
    tx: OwnedFd,
    /// ... and received here.
    rx: OwnedFd,
    feeder: Mutex<FeederState>,
}

#[derive(Default)]
struct FeederState {
    feeder: Option<Feeder>,
    closed: bool,
    /// `cancel_join_thread`: do not wait for the feeder when the last handle goes.
    detached: bool,
}

struct Feeder {
    /// `None` once the queue is closed: the feeder sends what it holds and ends, and its
    /// thread is joined by `join_thread` or when the last handle goes.
    items: Option<Sender<Packet>>,
    thread: JoinHandle<()>,
    /// The first error the feeder met, reported by the next `put` or `join_thread`.
    error: Arc<Mutex<Option<io::Error>>>,
}

/// One item, serialised and ready to send.
struct Packet {
    bytes: Vec<u8>,
    file: Option<OwnedFd>,
}

/// A queue shared by processes (Python's `multiprocessing.Queue`): `put` from any of them,
/// `get` from any of them, each item received once, in the order they were put (per
/// producer).
///
/// Clones are handles of the same queue in this process; a handle passed to a child as (part
/// of) a [`Process`](super::Process)'s argument is a handle of the same queue there. Not to
/// a pool's job.
///
/// # Examples
///
/// ```
/// use corio_blocking::process::{self, Process, ProcessFn, Queue};
///
/// fn squares(args: (Queue<u64>, u64)) {
///     let (q, n) = args;
///     for i in 1..=n {
///         q.put(&(i * i)).unwrap();
///     }
/// }
/// static SQUARES: ProcessFn<(Queue<u64>, u64), ()> = ProcessFn::new("squares", squares);
///
/// fn main() {
///     process::init(&[&SQUARES]);
///     let q = Queue::new().unwrap();
///     let mut child = Process::new(&SQUARES, (q.clone(), 4)).unwrap();
///     child.start().unwrap();
///     let got: Vec<u64> = (0..4).map(|_| q.get().unwrap()).collect();
///     assert_eq!(got, [1, 4, 9, 16]);
///     child.join().unwrap();
/// }
/// ```
#[doc(alias = "multiprocessing.Queue")]
pub struct Queue<T> {
    shared: Arc<Shared>,
    /// `fn(T) -> T`: the handle is `Send + Sync` whatever `T` is (it holds no `T`).
    _items: PhantomData<fn(T) -> T>,
}

impl<T> Clone for Queue<T> {
    fn clone(&self) -> Queue<T> {
        Queue {
            shared: self.shared.clone(),
            _items: PhantomData,
        }
    }
}

impl<T> Queue<T> {
    /// A new, empty queue (Python's `Queue()`; there is no `maxsize`).
    ///
    /// # Errors
    ///
    /// [`QueueError::Io`] if the socket pair cannot be made.
    ///
    /// # Examples
    ///
    /// See [`Queue`].
    pub fn new() -> Result<Queue<T>, QueueError> {
        let (tx, rx) = socketpair(
            AddressFamily::UNIX,
            SocketType::SEQPACKET,
            SocketFlags::CLOEXEC,
            None,
        )?;
        Ok(Queue::from_fds(tx, rx))
    }

    fn from_fds(tx: OwnedFd, rx: OwnedFd) -> Queue<T> {
        Queue {
            shared: Arc::new(Shared {
                tx,
                rx,
                feeder: Mutex::new(FeederState::default()),
            }),
            _items: PhantomData,
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, FeederState> {
        self.shared
            .feeder
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the queue looks empty now (Python's `empty()`): as there, another process
    /// may put or take an item at any moment, so the answer may be stale at once. Items
    /// still in a feeder's memory are not counted.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = corio_blocking::process::Queue::<u8>::new()?;
    /// assert!(q.empty());
    /// q.put(&1)?;
    /// q.join_thread()?; // sent
    /// assert!(!q.empty());
    /// # Ok::<(), corio_blocking::process::QueueError>(())
    /// ```
    pub fn empty(&self) -> bool {
        !matches!(
            wait_readable(&self.shared.rx, Some(Duration::ZERO)),
            Ok(true)
        )
    }

    /// Says that this process will put no more items (Python's `close()`): the feeder sends
    /// what it holds and ends; `put` is [`QueueError::Closed`] after. `get` still works.
    /// It does not wait for the feeder (as Python's does not: the items it holds may not fit
    /// in the socket until someone gets some); [`join_thread`](Self::join_thread) does.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_blocking::process::{Queue, QueueError};
    /// let q = Queue::<u8>::new()?;
    /// q.put(&1)?;
    /// q.close();
    /// assert!(matches!(q.put(&2), Err(QueueError::Closed)));
    /// assert_eq!(q.get()?, 1);
    /// # Ok::<(), QueueError>(())
    /// ```
    pub fn close(&self) {
        let mut state = self.state();
        state.closed = true;
        if let Some(feeder) = &mut state.feeder {
            // Dropping the sender lets the feeder finish and end on its own. Joining it
            // here could wait forever: a full socket that only this thread would empty.
            feeder.items = None;
        }
    }

    /// Waits until the feeder has sent every item this process put (Python's
    /// `join_thread()`, which also needs `close()` first; here the queue stays usable).
    ///
    /// # Errors
    ///
    /// [`QueueError::Io`] if the feeder failed to send an item.
    ///
    /// # Blocking
    ///
    /// While the socket is full and nobody gets items.
    ///
    /// # Examples
    ///
    /// See [`empty`](Self::empty).
    pub fn join_thread(&self) -> Result<(), QueueError> {
        let mut state = self.state();
        if let Some(feeder) = state.feeder.take() {
            drop(feeder.items);
            drop(state);
            let _ = feeder.thread.join();
            if let Some(e) = feeder
                .error
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take()
            {
                return Err(e.into());
            }
        }
        Ok(())
    }

    /// Lets this process's last handle go without waiting for the feeder (Python's
    /// `cancel_join_thread()`): items not sent yet may be lost, but dropping the queue
    /// cannot block on a full socket.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = corio_blocking::process::Queue::<u8>::new()?;
    /// q.cancel_join_thread();
    /// q.put(&1)?;
    /// drop(q); // does not wait
    /// # Ok::<(), corio_blocking::process::QueueError>(())
    /// ```
    pub fn cancel_join_thread(&self) {
        self.state().detached = true;
    }
}

impl<T: Serialize> Queue<T> {
    /// Puts `item` on the queue (Python's `put(obj)`); never blocks: the feeder thread
    /// sends it.
    ///
    /// # Errors
    ///
    /// [`QueueError::Closed`] after [`close`](Self::close); [`QueueError::Item`] if it does
    /// not serialise; [`QueueError::Io`] if a memory file for a large item cannot be made,
    /// or for an earlier failure of the feeder.
    ///
    /// # Examples
    ///
    /// See [`Queue`].
    #[doc(alias = "put_nowait")]
    pub fn put(&self, item: &T) -> Result<(), QueueError> {
        let bytes =
            postcard::to_stdvec(item).map_err(|e| QueueError::Item(fds::describe(&e).into()))?;
        let packet = if bytes.len() < INLINE_MAX {
            let mut framed = Vec::with_capacity(1 + bytes.len());
            framed.push(INLINE);
            framed.extend_from_slice(&bytes);
            Packet {
                bytes: framed,
                file: None,
            }
        } else {
            Packet {
                bytes: vec![IN_FILE],
                file: Some(spill(&bytes)?),
            }
        };
        let mut state = self.state();
        if state.closed {
            return Err(QueueError::Closed);
        }
        if let Some(feeder) = &state.feeder
            && let Some(e) = feeder
                .error
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take()
        {
            return Err(e.into());
        }
        let feeder = match &mut state.feeder {
            Some(feeder) => feeder,
            slot @ None => slot.insert(Feeder::start(&self.shared)?),
        };
        feeder
            .items
            .as_ref()
            .ok_or(QueueError::Closed)?
            .send(packet)
            .map_err(|_| io::Error::other("the queue's feeder thread ended"))?;
        Ok(())
    }
}

impl<T: DeserializeOwned> Queue<T> {
    /// Takes the next item, waiting for one (Python's `get()`).
    ///
    /// # Errors
    ///
    /// [`QueueError::Item`] if it does not deserialise as `T`; [`QueueError::Io`].
    ///
    /// # Blocking
    ///
    /// Until an item comes.
    ///
    /// # Examples
    ///
    /// See [`Queue`].
    pub fn get(&self) -> Result<T, QueueError> {
        self.get_until(None)
    }

    /// Takes the next item, waiting at most `timeout` (Python's `get(timeout=...)`).
    ///
    /// # Errors
    ///
    /// [`QueueError::Empty`] if none came in time; as [`get`](Self::get).
    ///
    /// # Blocking
    ///
    /// Up to `timeout`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use corio_blocking::process::{Queue, QueueError};
    /// let q = Queue::<String>::new()?;
    /// q.put(&"x".to_owned())?;
    /// assert_eq!(q.get_timeout(Duration::from_secs(60))?, "x");
    /// assert!(matches!(q.get_timeout(Duration::from_millis(1)), Err(QueueError::Empty)));
    /// # Ok::<(), QueueError>(())
    /// ```
    pub fn get_timeout(&self, timeout: Duration) -> Result<T, QueueError> {
        self.get_until(Some(timeout))
    }

    /// Takes the next item if one is there now (Python's `get_nowait()`).
    ///
    /// # Errors
    ///
    /// [`QueueError::Empty`]; as [`get`](Self::get).
    ///
    /// # Examples
    ///
    /// See [`QueueError`].
    pub fn get_nowait(&self) -> Result<T, QueueError> {
        self.get_until(Some(Duration::ZERO))
    }

    fn get_until(&self, timeout: Option<Duration>) -> Result<T, QueueError> {
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        let mut buf = vec![0u8; INLINE_MAX + 1];
        loop {
            let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            if !wait_readable(&self.shared.rx, left)? {
                return Err(QueueError::Empty);
            }
            // Another consumer may take the item first: then wait again.
            let mut files = VecDeque::new();
            let len = match fds::recv_with_fds_flags(
                &self.shared.rx,
                &mut buf,
                &mut files,
                RecvFlags::DONTWAIT,
            ) {
                Ok(len) => len,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(e) => return Err(e.into()),
            };
            let bytes = match (buf.first(), len) {
                (Some(&INLINE), 1..) => buf[1..len].to_vec(),
                (Some(&IN_FILE), 1) => {
                    let file = files
                        .pop_front()
                        .ok_or_else(|| io::Error::other("a large item came without its file"))?;
                    read_file(File::from(file))?
                }
                _ => return Err(io::Error::other("malformed queue packet").into()),
            };
            return postcard::from_bytes(&bytes)
                .map_err(|e| QueueError::Item(fds::describe(&e).into()));
        }
    }
}

impl Feeder {
    fn start(shared: &Shared) -> io::Result<Feeder> {
        let socket = shared.tx.try_clone()?;
        let (items, queued) = channel::<Packet>();
        let error = Arc::new(Mutex::new(None));
        let report = error.clone();
        let thread = std::thread::Builder::new()
            .name("corio-queue-feeder".into())
            .spawn(move || {
                for packet in queued {
                    if let Err(e) = send_packet(&socket, &packet) {
                        report
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .get_or_insert(e);
                    }
                }
            })?;
        Ok(Feeder {
            items: Some(items),
            thread,
            error,
        })
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        let state = self
            .feeder
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(feeder) = state.feeder.take() {
            drop(feeder.items);
            if !state.detached {
                // Python joins the feeder at exit: what was put is sent.
                let _ = feeder.thread.join();
            }
        }
    }
}

fn send_packet(socket: &OwnedFd, packet: &Packet) -> io::Result<()> {
    let borrowed;
    let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(1))];
    let mut control = SendAncillaryBuffer::new(&mut space);
    if let Some(file) = &packet.file {
        borrowed = [file.as_fd()];
        control.push(SendAncillaryMessage::ScmRights(&borrowed));
    }
    loop {
        match sendmsg(
            socket,
            &[IoSlice::new(&packet.bytes)],
            &mut control,
            SendFlags::NOSIGNAL,
        ) {
            Ok(_) => return Ok(()),
            Err(rustix::io::Errno::INTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
}

/// Waits up to `timeout` (`None`: for ever) for `fd` to be readable.
fn wait_readable(fd: &OwnedFd, timeout: Option<Duration>) -> io::Result<bool> {
    let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
    loop {
        let left = match deadline {
            Some(d) => Timespec::try_from(d.saturating_duration_since(Instant::now())).ok(),
            None => None,
        };
        let mut fds = [PollFd::new(fd, PollFlags::IN)];
        match poll(&mut fds, left.as_ref()) {
            Ok(n) => return Ok(n > 0),
            Err(rustix::io::Errno::INTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
}

/// A large item's bytes in an anonymous file.
fn spill(bytes: &[u8]) -> io::Result<OwnedFd> {
    let fd = anonymous_file()?;
    let mut file = File::from(fd);
    file.write_all(bytes)?;
    Ok(file.into())
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn anonymous_file() -> io::Result<OwnedFd> {
    Ok(rustix::fs::memfd_create(
        "corio-queue-item",
        rustix::fs::MemfdFlags::CLOEXEC,
    )?)
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn anonymous_file() -> io::Result<OwnedFd> {
    // No memfd: a temporary file, unlinked at once (its descriptor keeps it).
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let path = std::env::temp_dir().join(format!(
        "corio-queue-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)?;
    std::fs::remove_file(&path)?;
    Ok(file.into())
}

fn read_file(file: File) -> io::Result<Vec<u8>> {
    let len = usize::try_from(file.metadata()?.len()).map_err(io::Error::other)?;
    let mut bytes = vec![0u8; len];
    file.read_exact_at(&mut bytes, 0)?;
    Ok(bytes)
}

impl<T> fmt::Debug for Queue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Queue").finish_non_exhaustive()
    }
}

/// What crosses to a child: the indexes of the two descriptors sent with the call.
#[derive(Serialize, Deserialize)]
struct Wire {
    tx: u32,
    rx: u32,
}

impl<T> Serialize for Queue<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let tx = fds::export(self.shared.tx.as_fd()).map_err(S::Error::custom)?;
        let rx = fds::export(self.shared.rx.as_fd()).map_err(S::Error::custom)?;
        Wire { tx, rx }.serialize(serializer)
    }
}

impl<'de, T> Deserialize<'de> for Queue<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = Wire::deserialize(deserializer)?;
        let tx = fds::import(wire.tx).map_err(D::Error::custom)?;
        let rx = fds::import(wire.rx).map_err(D::Error::custom)?;
        Ok(Queue::from_fds(tx, rx))
    }
}
