//! Networking for corio: TCP, UDP and Unix sockets, asyncio's streams and servers, the
//! loop's `sock_*` and `add_reader` methods, and TLS.
//!
//! - **Sockets**: [`TcpListener`], [`TcpStream`], [`UdpSocket`], [`UnixListener`],
//!   [`UnixStream`], [`UnixDatagram`], over corio-reactor's [`Async`](corio_reactor::Async).
//!   Stream sockets implement futures-io's `AsyncRead`/`AsyncWrite` (vectored writes
//!   included), so the ecosystem's codecs, hyper's glue and `futures::io` helpers work on
//!   them. A hot socket costs its syscall and no re-arm; a read that would block costs
//!   one syscall before the task waits. Host names resolve off the loop's thread
//!   ([`lookup_host`], asyncio's `getaddrinfo`).
//! - **Streams**: [`open_connection`] / [`start_server`] (and the Unix twins) give
//!   asyncio's [`StreamReader`] (`readline`, `readuntil`, `readexactly`, a 64 KiB limit)
//!   and [`StreamWriter`] (`write`, `drain` with high/low water marks, `close`,
//!   `wait_closed`, `write_eof`). Both work over any futures-io byte stream: pipes to
//!   child processes, TLS streams, test buffers.
//! - **Loop methods**: [`LoopSockExt`] adds asyncio's `sock_recv`, `sock_sendall`,
//!   `sock_accept`, `sock_connect`, `sock_sendfile`..., and `add_reader`/`add_writer`
//!   callbacks on descriptor readiness, to [`EventLoop`](corio_runtime::EventLoop).
//! - **sendfile**: zero-copy `sendfile(2)` with asyncio's fallback rules
//!   ([`SendfileError`]): `sock_sendfile`, [`TcpStream::sendfile`],
//!   [`UnixStream::sendfile`], and `Transport::sendfile` (asyncio's `loop.sendfile`).
//! - **TLS** (feature `tls`): rustls with the ring provider; `start_tls`, and TLS on
//!   `open_connection` / `start_server`.
//! - **Transports and protocols** ([`protocol`]): asyncio's callback API,
//!   `create_connection` / `create_server` / `create_datagram_endpoint` /
//!   `connect_accepted_socket` / `connect_read_pipe` / `connect_write_pipe` (with TLS on TCP
//!   and Unix, and happy eyeballs through
//!   [`ConnectOptions`]) with
//!   [`Protocol`](protocol::Protocol), [`BufferedProtocol`](protocol::BufferedProtocol),
//!   [`DatagramProtocol`](protocol::DatagramProtocol) and their transports.
//! - **hyper on corio** (feature `hyper`): the runtime traits hyper 1.x asks for, in
//!   [`hyper`] (I/O adapter, executor, timer).
//!
//! # Examples
//!
//! ```
//! use corio_net::{open_connection, start_server};
//!
//! corio_runtime::run(async {
//!     let server = start_server(
//!         |mut reader, writer| async move {
//!             while let Ok(line) = reader.readline().await {
//!                 if line.is_empty() {
//!                     break; // EOF
//!                 }
//!                 writer.write(&line.to_ascii_uppercase()).unwrap();
//!                 writer.drain().await?;
//!             }
//!             writer.close();
//!             writer.wait_closed().await
//!         },
//!         "127.0.0.1:0",
//!     )
//!     .await?;
//!     let addr = server.sockets()[0].as_inet().unwrap();
//!
//!     let (mut reader, writer) = open_connection(addr).await?;
//!     writer.write(b"hello\n").unwrap();
//!     assert_eq!(reader.readline().await.unwrap(), b"HELLO\n");
//!     writer.close();
//!     writer.wait_closed().await?;
//!     std::io::Result::Ok(())
//! })??;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # When not to use it
//!
//! Everything here runs on corio's single-thread loop: sockets register with the
//! running loop's reactor, and a `StreamWriter` is `!Send` like asyncio's. The socket
//! types and `StreamReader` work under any executor that polls them on a thread where a
//! corio reactor is current, but for a work-stealing runtime use that runtime's
//! sockets. For HTTP, use hyper on corio (the `hyper` glue) rather than hand-parsing.
//!
//! # Feature flags
//!
//! | feature | default | what it brings |
//! |---|---|---|
//! | `tls` | no | TLS through rustls (ring provider): the `tls` module (`start_tls`, `TlsConnector`...), TLS options on `open_connection_with`/`start_server_with` |
//! | `hyper` | no | the `hyper` module: `HyperIo`, `CorioExecutor`, `CorioTimer`, hyper 1.x's runtime traits over corio |
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

// The README is doctested so its example cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod datagram_methods;
mod error;
mod event_loop;
mod family;
mod fd_impls;
#[cfg(feature = "hyper")]
#[cfg_attr(docsrs, doc(cfg(feature = "hyper")))]
pub mod hyper;
mod io_impls;
pub mod protocol;
mod resolve;
mod sendfile;
mod socket;
mod stream_methods;
mod stream_sendfile;
mod streams;
mod tcp;
#[cfg(feature = "tls")]
#[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
pub mod tls;
mod udp;
mod unix;

pub use error::{IncompleteReadError, LimitOverrunError, ReadError, WriteError};
pub use event_loop::LoopSockExt;
pub use resolve::{ToSocketAddrs, lookup_host};
pub use sendfile::SendfileError;
pub use streams::{
    BoxRead, BoxWrite, ConnectOptions, DEFAULT_LIMIT, ExtraInfo, Server, ServerOptions,
    SocketAddress, StreamReader, StreamWriter, WriteLimitsError, open_connection,
    open_connection_with, open_unix_connection, open_unix_connection_with, start_server,
    start_server_with, start_unix_server, start_unix_server_with,
};
pub use tcp::{Incoming, TcpListener, TcpStream};
pub use udp::UdpSocket;
pub use unix::{UnixDatagram, UnixIncoming, UnixListener, UnixStream};

/// socket2, whose `Socket` the loop's `sock_accept`/`sock_connect` take (Python's socket
/// objects), re-exported so its version matches.
#[doc(no_inline)]
pub use socket2;
