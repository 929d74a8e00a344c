//! [`ProtocolLoopExt`]: the endpoint calls as methods of the loop, asyncio's spelling.

use std::cell::RefCell;
use std::future::Future;
use std::os::fd::OwnedFd;
use std::path::Path;
use std::rc::Rc;

use corio_runtime::EventLoop;

use super::accepted::{StreamSocket, connect_accepted_socket};
use super::endpoints::{
    create_connection, create_datagram_endpoint, create_server, create_unix_connection,
    create_unix_server,
};
use super::pipe::{connect_read_pipe, connect_write_pipe};
use super::{
    BaseProtocol, DatagramProtocol, DatagramTransport, EndpointError, Protocol, Transport,
};
use crate::{SendfileError, Server};

/// The endpoint calls as methods of the loop, asyncio's spelling
/// (`loop.create_connection(...)`). Each one runs on the loop's thread, which must be the
/// one running this loop.
///
/// # Examples
///
/// ```
/// use corio_net::protocol::{BaseProtocol, Protocol, ProtocolLoopExt};
///
/// struct Quiet;
/// impl BaseProtocol for Quiet {}
/// impl Protocol for Quiet {
///     fn data_received(&mut self, _: &[u8]) {}
/// }
///
/// let event_loop = corio_runtime::EventLoop::new()?;
/// let server = event_loop.run_until_complete({
///     let lp = event_loop.clone();
///     async move { lp.create_server(|| Quiet, "127.0.0.1:0").await }
/// })??;
/// assert!(server.local_addr()?.port() > 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait ProtocolLoopExt {
    /// [`connect_accepted_socket`] on this loop.
    ///
    /// # Errors
    ///
    /// As [`connect_accepted_socket`].
    ///
    /// # Cancel safety
    ///
    /// As [`connect_accepted_socket`].
    ///
    /// # Examples
    ///
    /// See [`connect_accepted_socket`].
    fn connect_accepted_socket<P, F>(
        &self,
        factory: F,
        sock: impl StreamSocket,
    ) -> impl Future<Output = Result<(Transport, Rc<RefCell<P>>), EndpointError>>
    where
        P: Protocol,
        F: FnOnce() -> P,
    {
        connect_accepted_socket(factory, sock)
    }

    /// [`Transport::sendfile`], asyncio's spelling: `loop.sendfile(transport, file, offset,
    /// count, fallback)`.
    ///
    /// # Errors
    ///
    /// As [`Transport::sendfile`].
    ///
    /// # Cancel safety
    ///
    /// As [`Transport::sendfile`].
    ///
    /// # Examples
    ///
    /// See [`Transport::sendfile`].
    fn sendfile(
        &self,
        transport: &Transport,
        file: &std::fs::File,
        offset: u64,
        count: Option<u64>,
        fallback: bool,
    ) -> impl Future<Output = Result<u64, SendfileError>> {
        transport.sendfile(file, offset, count, fallback)
    }

    /// [`create_connection`] on this loop.
    ///
    /// # Errors
    ///
    /// As [`create_connection`].
    ///
    /// # Cancel safety
    ///
    /// As [`create_connection`].
    ///
    /// # Examples
    ///
    /// See [`ProtocolLoopExt`].
    fn create_connection<P, F>(
        &self,
        factory: F,
        addr: impl crate::ToSocketAddrs,
    ) -> impl Future<Output = Result<(Transport, Rc<RefCell<P>>), EndpointError>>
    where
        P: Protocol,
        F: FnOnce() -> P,
    {
        create_connection(factory, addr)
    }

    /// [`create_server`] on this loop.
    ///
    /// # Errors
    ///
    /// As [`create_server`].
    ///
    /// # Cancel safety
    ///
    /// As [`create_server`].
    ///
    /// # Examples
    ///
    /// See [`ProtocolLoopExt`].
    fn create_server<P, F>(
        &self,
        factory: F,
        addr: impl crate::ToSocketAddrs,
    ) -> impl Future<Output = Result<Server, EndpointError>>
    where
        P: Protocol,
        F: FnMut() -> P + 'static,
    {
        create_server(factory, addr)
    }

    /// [`create_unix_connection`] on this loop.
    ///
    /// # Errors
    ///
    /// As [`create_unix_connection`].
    ///
    /// # Cancel safety
    ///
    /// As [`create_unix_connection`].
    ///
    /// # Examples
    ///
    /// See [`ProtocolLoopExt`].
    fn create_unix_connection<P, F>(
        &self,
        factory: F,
        path: impl AsRef<Path>,
    ) -> impl Future<Output = Result<(Transport, Rc<RefCell<P>>), EndpointError>>
    where
        P: Protocol,
        F: FnOnce() -> P,
    {
        create_unix_connection(factory, path)
    }

    /// [`create_unix_server`] on this loop.
    ///
    /// # Errors
    ///
    /// As [`create_unix_server`].
    ///
    /// # Cancel safety
    ///
    /// As [`create_unix_server`].
    ///
    /// # Examples
    ///
    /// See [`ProtocolLoopExt`].
    fn create_unix_server<P, F>(
        &self,
        factory: F,
        path: impl AsRef<Path>,
    ) -> impl Future<Output = Result<Server, EndpointError>>
    where
        P: Protocol,
        F: FnMut() -> P + 'static,
    {
        create_unix_server(factory, path)
    }

    /// [`create_datagram_endpoint`] on this loop.
    ///
    /// # Errors
    ///
    /// As [`create_datagram_endpoint`].
    ///
    /// # Cancel safety
    ///
    /// As [`create_datagram_endpoint`].
    ///
    /// # Examples
    ///
    /// See [`ProtocolLoopExt`].
    fn create_datagram_endpoint<P, F>(
        &self,
        factory: F,
        local_addr: Option<impl crate::ToSocketAddrs>,
        remote_addr: Option<impl crate::ToSocketAddrs>,
    ) -> impl Future<Output = Result<(DatagramTransport, Rc<RefCell<P>>), EndpointError>>
    where
        P: DatagramProtocol,
        F: FnOnce() -> P,
    {
        create_datagram_endpoint(factory, local_addr, remote_addr)
    }

    /// [`connect_read_pipe`] on this loop.
    ///
    /// # Errors
    ///
    /// As [`connect_read_pipe`].
    ///
    /// # Cancel safety
    ///
    /// As [`connect_read_pipe`].
    ///
    /// # Examples
    ///
    /// See [`connect_read_pipe`].
    fn connect_read_pipe<P, F>(
        &self,
        factory: F,
        pipe: impl Into<OwnedFd>,
    ) -> impl Future<Output = Result<(Transport, Rc<RefCell<P>>), EndpointError>>
    where
        P: Protocol,
        F: FnOnce() -> P,
    {
        connect_read_pipe(factory, pipe)
    }

    /// [`connect_write_pipe`] on this loop.
    ///
    /// # Errors
    ///
    /// As [`connect_write_pipe`].
    ///
    /// # Cancel safety
    ///
    /// As [`connect_write_pipe`].
    ///
    /// # Examples
    ///
    /// See [`connect_write_pipe`].
    fn connect_write_pipe<P, F>(
        &self,
        factory: F,
        pipe: impl Into<OwnedFd>,
    ) -> impl Future<Output = Result<(Transport, Rc<RefCell<P>>), EndpointError>>
    where
        P: BaseProtocol,
        F: FnOnce() -> P,
    {
        connect_write_pipe(factory, pipe)
    }
}

// Every method's one body is the trait's default above: each forwards to its free function
// and needs nothing of `self`, so the loop's impl is empty.
impl ProtocolLoopExt for EventLoop {}
