//! `TcpStream::sendfile` and `UnixStream::sendfile`: asyncio's `sock_sendfile` on corio's
//! own stream sockets, waiting on their existing registration.

use std::fs::File;
use std::future::poll_fn;
use std::io;
use std::os::fd::BorrowedFd;

use crate::family::Connection;
use crate::sendfile::{Sink, poll_send_file, send};
use crate::{SendfileError, TcpStream, UnixStream};

struct StreamSink<'a, C>(&'a C);

impl<C: Connection> Sink for StreamSink<'_, C> {
    async fn send_file(
        &self,
        file: BorrowedFd<'_>,
        offset: &mut u64,
        len: usize,
    ) -> io::Result<usize> {
        let raw = self.0.raw();
        poll_fn(|cx| poll_send_file(&*raw, cx, file, offset, len)).await
    }

    async fn send_copy(&self, mut data: &[u8]) -> Result<(), SendfileError> {
        let mut stream = self.0.clone();
        while !data.is_empty() {
            let n = poll_fn(|cx| std::pin::Pin::new(&mut stream).poll_write(cx, data)).await?;
            if n == 0 {
                return Err(io::Error::from(io::ErrorKind::WriteZero).into());
            }
            data = &data[n..];
        }
        Ok(())
    }
}

/// One doc and one body for both families' `sendfile`.
macro_rules! stream_sendfile {
    ($stream:ty, $example_setup:literal) => {
        impl $stream {
            /// Sends `count` bytes of `file` from `offset` (to its end with `None`) over
            /// this connection and returns the bytes sent (asyncio's `loop.sock_sendfile`
            /// on this socket): by Linux `sendfile(2)`, from the page cache to the socket
            /// with no copy through user space, waiting on the loop while the socket is
            /// full. With `fallback`, a file `sendfile(2)` cannot send (a pipe) is read
            /// (on the loop's default executor) and written instead. The file's position
            /// ends at `offset` + the bytes sent.
            ///
            /// Do not write through another handle of this stream meanwhile: the bytes
            /// would interleave.
            ///
            /// # Errors
            ///
            /// [`SendfileError::NotAvailable`] without `fallback` for a file that is not a
            /// regular one; [`SendfileError::InvalidArgument`] for a `count` of 0;
            /// [`SendfileError::Io`] for the OS error.
            ///
            /// # Cancel safety
            ///
            /// Not cancel safe: part of the file may have been sent (the file's position
            /// says how much).
            ///
            /// # Examples
            ///
            /// ```
            /// use std::io::Read;
            ///
            /// let path = std::env::temp_dir().join(format!("corio-doc-ssf-{}", std::process::id()));
            /// std::fs::write(&path, b"0123456789")?;
            /// let file = std::fs::File::open(&path)?;
            /// std::fs::remove_file(&path)?;
            /// corio_runtime::run(async move {
            #[doc = $example_setup]
            ///     assert_eq!(stream.sendfile(&file, 3, Some(4), false).await?, 4);
            ///     drop(stream);
            ///     let mut got = String::new();
            ///     peer.read_to_string(&mut got)?;
            ///     assert_eq!(got, "3456");
            ///     Ok::<(), Box<dyn std::error::Error>>(())
            /// })??;
            /// # Ok::<(), Box<dyn std::error::Error>>(())
            /// ```
            #[doc(alias = "sock_sendfile")]
            pub async fn sendfile(
                &self,
                file: &File,
                offset: u64,
                count: Option<u64>,
                fallback: bool,
            ) -> Result<u64, SendfileError> {
                send(&StreamSink(self), file, offset, count, fallback).await
            }
        }
    };
}

stream_sendfile!(
    TcpStream,
    "    let listener = std::net::TcpListener::bind(\"127.0.0.1:0\")?;\n    let stream = corio_net::TcpStream::connect(listener.local_addr()?).await?;\n    let (mut peer, _) = listener.accept()?;"
);
stream_sendfile!(
    UnixStream,
    "    let (stream, mut peer) = std::os::unix::net::UnixStream::pair()?;\n    let stream = corio_net::UnixStream::from_std(stream)?;"
);
