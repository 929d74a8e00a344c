//! `sock_sendfile`: asyncio's rules (in [`crate::sendfile`]) over a socket the caller owns,
//! waiting for room as the other `sock_*` methods do.

use std::fs::File;
use std::io;
use std::os::fd::BorrowedFd;

use corio_runtime::EventLoop;
use socket2::{SockRef, Type};

use super::sock;
use crate::SendfileError;
use crate::sendfile::{Sink, send};

struct SockSink<'a> {
    lp: &'a EventLoop,
    fd: BorrowedFd<'a>,
}

impl Sink for SockSink<'_> {
    async fn send_file(
        &self,
        file: BorrowedFd<'_>,
        offset: &mut u64,
        len: usize,
    ) -> io::Result<usize> {
        let fd = self.fd;
        sock::retry(self.lp, fd, true, || {
            rustix::fs::sendfile(fd, file, Some(&mut *offset), len).map_err(io::Error::from)
        })
        .await
    }

    async fn send_copy(&self, data: &[u8]) -> Result<(), SendfileError> {
        Ok(sock::sendall(self.lp, self.fd, data).await?)
    }
}

pub(super) async fn sock_sendfile(
    lp: &EventLoop,
    fd: BorrowedFd<'_>,
    file: &File,
    offset: u64,
    count: Option<u64>,
    fallback: bool,
) -> Result<u64, SendfileError> {
    if SockRef::from(&fd).r#type()? != Type::STREAM {
        return Err(SendfileError::InvalidArgument(
            "only SOCK_STREAM type sockets are supported",
        ));
    }
    if sock::check_nonblocking(fd).is_err() {
        return Err(SendfileError::InvalidArgument(
            "the socket must be non-blocking",
        ));
    }
    send(&SockSink { lp, fd }, file, offset, count, fallback).await
}
