//! [`DatagramTransport`] and the task that runs a datagram endpoint.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use corio_reactor::Async;

use super::control::{Control, Flow};
use super::{DatagramProtocol, TransportError};

/// The largest UDP payload: every datagram fits the receive buffer whole.
const MAX_DATAGRAM: usize = 65_536;

/// Datagrams received per run of the task before it yields to the rest of the loop.
const RECV_BUDGET: usize = 16;

/// A datagram endpoint's transport (asyncio's `DatagramTransport`): `sendto`, `close`,
/// `abort`, the size of the send queue. Clones share the endpoint.
///
/// # Examples
///
/// ```
/// use std::net::SocketAddr;
/// use corio_net::protocol::{DatagramProtocol, DatagramTransport, create_datagram_endpoint};
///
/// #[derive(Default)]
/// struct Echo(Option<DatagramTransport>);
/// impl DatagramProtocol for Echo {
///     fn connection_made(&mut self, t: DatagramTransport) {
///         self.0 = Some(t);
///     }
///     fn datagram_received(&mut self, data: &[u8], addr: SocketAddr) {
///         self.0.as_ref().unwrap().sendto(data, Some(addr)).unwrap();
///     }
/// }
///
/// #[derive(Default)]
/// struct Got(Vec<Vec<u8>>);
/// impl DatagramProtocol for Got {
///     fn datagram_received(&mut self, data: &[u8], _: SocketAddr) {
///         self.0.push(data.to_vec());
///     }
/// }
///
/// corio_runtime::run(async {
///     let (server, _) = create_datagram_endpoint(Echo::default, Some("127.0.0.1:0"), None::<&str>).await?;
///     let addr = server.sockname()?;
///     let (client, got) = create_datagram_endpoint(Got::default, None::<&str>, Some(addr)).await?;
///     client.sendto(b"ping", None)?;
///     while got.borrow().0.is_empty() {
///         corio_runtime::sleep(std::time::Duration::from_millis(1)).await;
///     }
///     assert_eq!(got.borrow().0, [b"ping".to_vec()]);
///     client.close();
///     server.close();
///     Ok::<(), Box<dyn std::error::Error>>(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct DatagramTransport {
    inner: Rc<DatagramState>,
}

/// What the endpoint's task and its handles share (loop thread only).
struct DatagramState {
    socket: Rc<Async<UdpSocket>>,
    /// The connected peer (`remote_addr`), if any.
    peer: Option<SocketAddr>,
    queue: RefCell<VecDeque<(Vec<u8>, Option<SocketAddr>)>>,
    /// Bytes in `queue`.
    queued: Cell<usize>,
    /// Close and abort, the task's waker, the flow-control marks.
    ctl: Control,
}

impl DatagramTransport {
    /// Sends `data` to `addr` (asyncio's `sendto`); `None` sends to the connected peer.
    /// The datagram is queued and sent by the endpoint's task.
    ///
    /// # Errors
    ///
    /// [`TransportError::Closing`] after `close()`/`abort()`; [`TransportError::Address`] for
    /// an address other than the connected peer's, or none on an unconnected endpoint.
    ///
    /// # Examples
    ///
    /// See [`DatagramTransport`].
    pub fn sendto(&self, data: &[u8], addr: Option<SocketAddr>) -> Result<(), TransportError> {
        let s = &self.inner;
        if s.ctl.is_closing() {
            return Err(TransportError::Closing);
        }
        match (s.peer, addr) {
            (Some(peer), Some(a)) if a != peer => {
                return Err(TransportError::Address(
                    "the endpoint is connected: sendto() takes its peer's address or none",
                ));
            }
            (None, None) => {
                return Err(TransportError::Address(
                    "the endpoint is not connected: sendto() needs an address",
                ));
            }
            _ => {}
        }
        // A connected socket sends with `send`: pass no address.
        let addr = if s.peer.is_some() { None } else { addr };
        s.queue.borrow_mut().push_back((data.to_vec(), addr));
        s.queued.set(s.queued.get() + data.len());
        s.ctl.wake();
        Ok(())
    }

    /// Closes the endpoint once the queue is sent; `connection_lost(None)` follows.
    ///
    /// # Examples
    ///
    /// See [`DatagramTransport`].
    pub fn close(&self) {
        self.inner.ctl.close();
    }

    /// Closes the endpoint now, dropping the queue; `connection_lost(None)` follows.
    ///
    /// # Examples
    ///
    /// See [`DatagramTransport`].
    pub fn abort(&self) {
        self.inner.ctl.abort();
    }

    /// Whether `close()`/`abort()` was called or the endpoint is gone.
    ///
    /// # Examples
    ///
    /// See [`DatagramTransport`].
    pub fn is_closing(&self) -> bool {
        self.inner.ctl.is_closing()
    }

    /// Bytes queued and not yet sent.
    ///
    /// # Examples
    ///
    /// See [`DatagramTransport`].
    pub fn get_write_buffer_size(&self) -> usize {
        self.inner.queued.get()
    }

    /// The local address (asyncio's `get_extra_info('sockname')`).
    ///
    /// # Errors
    ///
    /// The OS error of `getsockname`.
    ///
    /// # Examples
    ///
    /// See [`DatagramTransport`].
    pub fn sockname(&self) -> io::Result<SocketAddr> {
        self.inner.socket.get_ref().local_addr()
    }

    /// The connected peer (asyncio's `get_extra_info('peername')`), if any.
    ///
    /// # Examples
    ///
    /// See [`DatagramTransport`].
    pub fn peername(&self) -> Option<SocketAddr> {
        self.inner.peer
    }
}

impl fmt::Debug for DatagramTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatagramTransport")
            .field("sockname", &self.sockname().ok())
            .field("peer", &self.inner.peer)
            .field("queued", &self.inner.queued.get())
            .finish()
    }
}

/// Makes the transport of a bound (and maybe connected) socket, calls `connection_made`,
/// and returns the transport with the task that runs it.
pub(crate) fn start<P: DatagramProtocol>(
    socket: Async<UdpSocket>,
    peer: Option<SocketAddr>,
    protocol: Rc<RefCell<P>>,
) -> (DatagramTransport, impl Future<Output = ()>) {
    let state = Rc::new(DatagramState {
        socket: Rc::new(socket),
        peer,
        queue: RefCell::new(VecDeque::new()),
        queued: Cell::new(0),
        ctl: Control::new(),
    });
    let transport = DatagramTransport {
        inner: state.clone(),
    };
    protocol.borrow_mut().connection_made(transport.clone());
    let driver = DatagramDriver {
        state,
        protocol,
        buf: vec![0; MAX_DATAGRAM],
        done: false,
    };
    (transport, driver)
}

struct DatagramDriver<P> {
    state: Rc<DatagramState>,
    protocol: Rc<RefCell<P>>,
    buf: Vec<u8>,
    done: bool,
}

impl<P: DatagramProtocol> DatagramDriver<P> {
    fn finish(&mut self) -> Poll<()> {
        self.done = true;
        self.state.ctl.set_lost();
        self.state.queue.borrow_mut().clear();
        self.state.queued.set(0);
        self.protocol.borrow_mut().connection_lost(None);
        Poll::Ready(())
    }

    /// Sends the queue; `Ready` when it is empty.
    fn poll_send(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        loop {
            let sent = {
                let queue = self.state.queue.borrow();
                let Some((data, addr)) = queue.front() else {
                    return Poll::Ready(());
                };
                self.state.socket.poll_write_with(cx, |s| match addr {
                    Some(a) => s.send_to(data, a),
                    None => s.send(data),
                })
            };
            match sent {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(result) => {
                    let (data, _) = self
                        .state
                        .queue
                        .borrow_mut()
                        .pop_front()
                        .unwrap_or_default();
                    self.state.queued.set(self.state.queued.get() - data.len());
                    if let Err(e) = result {
                        // asyncio reports a failed send to `error_received` and goes on.
                        self.protocol.borrow_mut().error_received(e);
                    }
                }
            }
        }
    }

    fn flow_control(&mut self) {
        match self.state.ctl.flow_control(self.state.queued.get()) {
            Some(Flow::Pause) => self.protocol.borrow_mut().pause_writing(),
            Some(Flow::Resume) => self.protocol.borrow_mut().resume_writing(),
            None => {}
        }
    }
}

impl<P: DatagramProtocol> Future for DatagramDriver<P> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        if this.done {
            return Poll::Ready(());
        }
        this.state.ctl.register(cx.waker());
        let mut received = 0;
        loop {
            if this.state.ctl.aborted.get() {
                return this.finish();
            }
            this.flow_control();
            let sent_all = this.poll_send(cx).is_ready();
            this.flow_control();
            if this.state.ctl.aborted.get() || (sent_all && this.state.ctl.closing.get()) {
                return this.finish();
            }
            if this.state.ctl.closing.get() {
                return Poll::Pending;
            }
            if received == RECV_BUDGET {
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            let buf = &mut this.buf;
            match this.state.socket.poll_read_with(cx, |s| s.recv_from(buf)) {
                Poll::Ready(Ok((n, addr))) => {
                    received += 1;
                    this.protocol
                        .borrow_mut()
                        .datagram_received(&this.buf[..n], addr);
                }
                Poll::Ready(Err(e)) => {
                    received += 1;
                    this.protocol.borrow_mut().error_received(e);
                }
                Poll::Pending => {
                    if this.state.queued.get() > 0 && sent_all {
                        continue;
                    }
                    return Poll::Pending;
                }
            }
        }
    }
}
