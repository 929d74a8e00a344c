//! Passing open descriptors (the ends of a [`pipe`](super::pipe) or a
//! [`Queue`](super::Queue)) to a child as part of its arguments.
//!
//! Python pickles a `Connection` with its descriptor duplicated into the child. Here the
//! arguments are postcard bytes, so a descriptor cannot sit in them: while a
//! [`Process`](super::Process)'s arguments are serialised, each handle's `Serialize` puts a
//! duplicate of its descriptor in a thread-local list and writes its index instead; the list
//! travels with the call's frame as `SCM_RIGHTS` ancillary data on the worker's socket; the
//! worker receives the descriptors with the frame's bytes (see [`FdReader`]) and puts them in
//! its own thread-local list while the arguments are deserialised, where each handle's
//! `Deserialize` takes its own back by index.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::net::UnixStream;

use rustix::net::{
    RecvAncillaryBuffer, RecvAncillaryMessage, RecvFlags, ReturnFlags, SendAncillaryBuffer,
    SendAncillaryMessage, SendFlags, recvmsg, sendmsg,
};
use serde::Serialize;

/// The most descriptors one call may carry (Linux's `SCM_MAX_FD`).
pub(crate) const MAX_FDS: usize = 253;

thread_local! {
    /// Set while a `Process`'s arguments are serialised: the descriptors to send.
    static OUTGOING: RefCell<Option<Vec<OwnedFd>>> = const { RefCell::new(None) };
    /// Set while a worker deserialises arguments: the descriptors received with them.
    static INCOMING: RefCell<Option<Vec<Option<OwnedFd>>>> = const { RefCell::new(None) };
    /// Why the last `export` or `import` failed: postcard keeps no custom error's message.
    static LAST_ERROR: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// `error`'s text, or, for a custom serde error from this module, what it said.
pub(crate) fn describe(error: &postcard::Error) -> String {
    let ours = LAST_ERROR.with(|l| l.borrow_mut().take());
    match error {
        postcard::Error::SerdeSerCustom | postcard::Error::SerdeDeCustom => {
            ours.unwrap_or_else(|| error.to_string())
        }
        _ => error.to_string(),
    }
}

fn failed(message: String) -> String {
    LAST_ERROR.with(|l| *l.borrow_mut() = Some(message.clone()));
    message
}

/// Serialises `args`, collecting the descriptors of the handles in them.
pub(crate) fn serialize_with_fds<A: Serialize>(
    args: &A,
) -> Result<(Vec<u8>, Vec<OwnedFd>), postcard::Error> {
    OUTGOING.with(|o| *o.borrow_mut() = Some(Vec::new()));
    // Reset even if a `Serialize` panics, so that a later serialisation (for a pool) does
    // not collect descriptors nobody sends.
    let _reset = Reset(reset_outgoing);
    let bytes = postcard::to_stdvec(args);
    let fds = OUTGOING.with(|o| o.borrow_mut().take()).unwrap_or_default();
    Ok((bytes?, fds))
}

/// Runs `f` (which deserialises arguments) with `fds` available to the handles in them.
pub(crate) fn with_received_fds<R>(fds: Vec<OwnedFd>, f: impl FnOnce() -> R) -> R {
    INCOMING.with(|i| *i.borrow_mut() = Some(fds.into_iter().map(Some).collect()));
    // Descriptors no handle took are closed when `f` returns or panics.
    let _reset = Reset(reset_incoming);
    f()
}

fn reset_outgoing() {
    OUTGOING.with(|o| o.borrow_mut().take());
}

fn reset_incoming() {
    INCOMING.with(|i| i.borrow_mut().take());
}

/// Runs its function when dropped.
struct Reset(fn());

impl Drop for Reset {
    fn drop(&mut self) {
        (self.0)();
    }
}

/// For a handle's `Serialize`: a duplicate of `fd` goes with the arguments; its index is
/// what the handle writes.
pub(crate) fn export(fd: BorrowedFd<'_>) -> Result<u32, String> {
    OUTGOING
        .with(|o| {
            let mut outgoing = o.borrow_mut();
            let Some(list) = outgoing.as_mut() else {
                return Err(
                    "a pipe or queue can only be sent to a child as a Process's argument \
                        (not to a pool, nor serialised otherwise)"
                        .to_owned(),
                );
            };
            if list.len() >= MAX_FDS {
                return Err(format!(
                    "at most {MAX_FDS} pipes or queues can go to one child"
                ));
            }
            let dup = fd.try_clone_to_owned().map_err(|e| e.to_string())?;
            list.push(dup);
            u32::try_from(list.len() - 1).map_err(|e| e.to_string())
        })
        .map_err(failed)
}

/// For a handle's `Deserialize`: takes the descriptor at `index`.
pub(crate) fn import(index: u32) -> Result<OwnedFd, String> {
    INCOMING
        .with(|i| {
            i.borrow_mut()
                .as_mut()
                .and_then(|list| list.get_mut(index as usize))
                .and_then(Option::take)
                .ok_or_else(|| {
                    "a pipe or queue can only be received as a Process's argument (its descriptor \
                 is missing)"
                        .to_owned()
                })
        })
        .map_err(failed)
}

/// Writes `bytes` on `socket`, the descriptors `fds` attached to the first byte.
pub(crate) fn write_with_fds(socket: &UnixStream, bytes: &[u8], fds: &[OwnedFd]) -> io::Result<()> {
    if fds.is_empty() {
        let mut socket = socket;
        return socket.write_all(bytes);
    }
    let borrowed: Vec<BorrowedFd<'_>> = fds.iter().map(AsFd::as_fd).collect();
    let mut space = vec![MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(borrowed.len()))];
    let mut control = SendAncillaryBuffer::new(&mut space);
    if !control.push(SendAncillaryMessage::ScmRights(&borrowed)) {
        return Err(io::Error::other(
            "descriptors do not fit the control buffer",
        ));
    }
    let sent = loop {
        match sendmsg(
            socket,
            &[IoSlice::new(bytes)],
            &mut control,
            SendFlags::empty(),
        ) {
            Ok(n) => break n,
            Err(rustix::io::Errno::INTR) => {}
            Err(e) => return Err(e.into()),
        }
    };
    let mut socket = socket;
    socket.write_all(&bytes[sent..])
}

/// The reading half of a worker's socket: reads with `recvmsg`, keeping the descriptors
/// that come with the bytes (a plain `read` would close them), in arrival order.
#[derive(Debug)]
pub(crate) struct FdReader {
    socket: UnixStream,
    received: VecDeque<OwnedFd>,
}

impl FdReader {
    pub(crate) fn new(socket: UnixStream) -> FdReader {
        FdReader {
            socket,
            received: VecDeque::new(),
        }
    }

    /// The descriptors received so far.
    pub(crate) fn take_fds(&mut self) -> Vec<OwnedFd> {
        self.received.drain(..).collect()
    }
}

impl Read for FdReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        recv_with_fds(&self.socket, buf, &mut self.received)
    }
}

/// One `recvmsg` on `socket`: the bytes in `buf`, the descriptors that came with them
/// (close-on-exec) pushed on `fds`.
pub(crate) fn recv_with_fds(
    socket: impl AsFd,
    buf: &mut [u8],
    fds: &mut VecDeque<OwnedFd>,
) -> io::Result<usize> {
    recv_with_fds_flags(socket, buf, fds, RecvFlags::empty())
}

/// [`recv_with_fds`] with more `recvmsg` flags (`DONTWAIT`).
pub(crate) fn recv_with_fds_flags(
    socket: impl AsFd,
    buf: &mut [u8],
    fds: &mut VecDeque<OwnedFd>,
    flags: RecvFlags,
) -> io::Result<usize> {
    let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(MAX_FDS))];
    let mut control = RecvAncillaryBuffer::new(&mut space);
    let msg = loop {
        match recvmsg(
            &socket,
            &mut [IoSliceMut::new(buf)],
            &mut control,
            flags | RecvFlags::CMSG_CLOEXEC,
        ) {
            Ok(msg) => break msg,
            Err(rustix::io::Errno::INTR) => {}
            Err(e) => return Err(e.into()),
        }
    };
    for message in control.drain() {
        if let RecvAncillaryMessage::ScmRights(received) = message {
            fds.extend(received);
        }
    }
    if msg.flags.contains(ReturnFlags::CTRUNC) {
        return Err(io::Error::other(
            "descriptors were lost: too many in one message",
        ));
    }
    Ok(msg.bytes)
}
