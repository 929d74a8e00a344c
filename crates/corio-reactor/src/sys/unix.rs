//! Unix: sources are file descriptors.
//!
//! The only `unsafe` of the crate lives here, in two small functions.

// The crate denies `unsafe_code`; these two calls are the exception.
#![allow(unsafe_code)]

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::os::unix::net::UnixStream;

/// What a [`Backend`](crate::Backend) identifies a source by: on Unix, a raw
/// file descriptor.
///
/// # Examples
///
/// ```
/// use corio_reactor::RawSource;
/// use std::os::fd::AsRawFd;
/// use std::os::unix::net::UnixStream;
///
/// let (a, _b) = UnixStream::pair()?;
/// let raw: RawSource = a.as_raw_fd();
/// assert!(raw >= 0);
/// # std::io::Result::Ok(())
/// ```
pub type RawSource = RawFd;

/// The raw descriptor of `io`.
pub(crate) fn as_raw(io: &impl AsFd) -> RawSource {
    io.as_fd().as_raw_fd()
}

/// Puts the open file description behind `fd` in non-blocking mode.
///
/// std offers no `fcntl` for an arbitrary `AsFd`, and this crate depends on
/// no libc wrapper, so we borrow std's socket `set_nonblocking` (an
/// `ioctl(FIONBIO)`, or `fcntl` where FIONBIO is inadequate) on a duplicate
/// of the descriptor: `O_NONBLOCK` belongs to the open file description, which
/// the duplicate shares, and FIONBIO is handled by the kernel for every file
/// type, not only sockets. Costs a `dup` and a `close`; registration is not a
/// hot path.
pub(crate) fn set_nonblocking(fd: BorrowedFd<'_>) -> io::Result<()> {
    let dup = UnixStream::from(fd.try_clone_to_owned()?);
    dup.set_nonblocking(true)
}

/// Adds `fd` to `poller`.
pub(crate) fn add(
    poller: &polling::Poller,
    fd: RawSource,
    event: polling::Event,
    mode: polling::PollMode,
) -> io::Result<()> {
    // SAFETY: `Poller::add` requires that the source is deleted from the
    // poller before it is closed. The reactor registers only descriptors owned
    // by an `Async`, whose `Drop` (and `into_inner`) deregisters before the
    // descriptor can be closed. A foreign caller of the safe `Backend` trait
    // is bound by the same documented contract; on Unix, breaking it cannot
    // corrupt memory anyway: the poller only hands the number to
    // epoll_ctl/kevent/port_associate, so a stale number yields an OS error or
    // a spurious event, never undefined behaviour.
    unsafe { poller.add_with_mode(fd, event, mode) }
}

/// Runs `f` with `fd` borrowed, rejecting the invalid value `-1` first.
pub(crate) fn with_borrowed<R>(
    fd: RawSource,
    f: impl FnOnce(BorrowedFd<'_>) -> io::Result<R>,
) -> io::Result<R> {
    if fd < 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "negative file descriptor",
        ));
    }
    // SAFETY: `fd` is not -1 (checked above). The `Backend` contract says a
    // registered descriptor stays open until deregistered, and the borrow
    // does not outlive this call (`f` cannot keep it: the lifetime is local).
    // As in `add`, the poller uses the number only in syscalls, so a caller
    // breaking the contract gets an OS error, not memory unsafety.
    let fd = unsafe { BorrowedFd::borrow_raw(fd) };
    f(fd)
}
