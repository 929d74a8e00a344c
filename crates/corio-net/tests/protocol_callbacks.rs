//! Transports and protocols: callback order, flow control, half-close, abort, datagrams.

use std::cell::RefCell;
use std::io;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::Duration;

use corio_net::protocol::{
    BaseProtocol, BufferedProtocol, DatagramProtocol, DatagramTransport, Protocol, Transport,
    TransportError, create_buffered_connection, create_connection, create_datagram_endpoint,
    create_server, create_unix_connection, create_unix_server,
};

mod common;
use common::until;

type Log = Rc<RefCell<Vec<String>>>;

/// Records every callback; echoes in upper case if `echo`.
struct Recorder {
    log: Log,
    echo: bool,
    keep_open_on_eof: bool,
    transport: Option<Transport>,
}

impl BaseProtocol for Recorder {
    fn connection_made(&mut self, t: Transport) {
        self.log.borrow_mut().push("made".into());
        self.transport = Some(t);
    }
    fn connection_lost(&mut self, error: Option<io::Error>) {
        self.log.borrow_mut().push(format!(
            "lost:{}",
            error.map_or("none".into(), |e| e.kind().to_string())
        ));
    }
    fn pause_writing(&mut self) {
        self.log.borrow_mut().push("pause".into());
    }
    fn resume_writing(&mut self) {
        self.log.borrow_mut().push("resume".into());
    }
}

impl Protocol for Recorder {
    fn data_received(&mut self, data: &[u8]) {
        self.log
            .borrow_mut()
            .push(format!("data:{}", String::from_utf8_lossy(data)));
        if self.echo {
            let t = self.transport.as_ref().unwrap();
            t.write(&data.to_ascii_uppercase()).unwrap();
        }
    }
    fn eof_received(&mut self) -> bool {
        self.log.borrow_mut().push("eof".into());
        if self.keep_open_on_eof {
            // Half-closed: answer, then close.
            let t = self.transport.as_ref().unwrap();
            t.write(b"BYE").unwrap();
            t.close();
        }
        self.keep_open_on_eof
    }
}

fn recorder(log: &Log, echo: bool, keep_open_on_eof: bool) -> Recorder {
    Recorder {
        log: log.clone(),
        echo,
        keep_open_on_eof,
        transport: None,
    }
}

#[test]
fn callbacks_come_in_asyncio_order_on_both_sides() {
    corio_runtime::run(async {
        let server_log: Log = Rc::default();
        let client_log: Log = Rc::default();
        let sl = server_log.clone();
        let server = create_server(move || recorder(&sl, true, false), "127.0.0.1:0")
            .await
            .unwrap();
        let (t, _p) = create_connection(
            || recorder(&client_log, false, false),
            server.local_addr().unwrap(),
        )
        .await
        .unwrap();
        // connection_made ran before create_connection returned.
        assert_eq!(*client_log.borrow(), ["made"]);
        t.write(b"hello").unwrap();
        until(|| client_log.borrow().len() >= 2).await;
        t.write_eof();
        until(|| {
            client_log
                .borrow()
                .last()
                .is_some_and(|l| l.starts_with("lost"))
        })
        .await;
        until(|| {
            server_log
                .borrow()
                .last()
                .is_some_and(|l| l.starts_with("lost"))
        })
        .await;
        assert_eq!(
            *server_log.borrow(),
            ["made", "data:hello", "eof", "lost:none"]
        );
        assert_eq!(
            *client_log.borrow(),
            ["made", "data:HELLO", "eof", "lost:none"]
        );
        assert!(t.is_closing());
        assert!(matches!(t.write(b"x"), Err(TransportError::AfterEof)));
        // connection_lost came once: a later wake finds the transport gone and calls nothing.
        t.close();
        corio_runtime::sleep(Duration::from_millis(20)).await;
        assert_eq!(client_log.borrow().len(), 4);
    })
    .unwrap();
}

#[test]
fn eof_received_true_keeps_the_connection_half_open() {
    corio_runtime::run(async {
        let server_log: Log = Rc::default();
        let client_log: Log = Rc::default();
        let sl = server_log.clone();
        let server = create_server(move || recorder(&sl, false, true), "127.0.0.1:0")
            .await
            .unwrap();
        let (t, _p) = create_connection(
            || recorder(&client_log, false, false),
            server.local_addr().unwrap(),
        )
        .await
        .unwrap();
        t.write(b"q").unwrap();
        t.write_eof();
        until(|| {
            client_log
                .borrow()
                .last()
                .is_some_and(|l| l.starts_with("lost"))
        })
        .await;
        // The server wrote after reading EOF: the client got it before its own EOF.
        assert_eq!(
            *client_log.borrow(),
            ["made", "data:BYE", "eof", "lost:none"]
        );
        until(|| server_log.borrow().len() == 4).await;
        assert_eq!(*server_log.borrow(), ["made", "data:q", "eof", "lost:none"]);
    })
    .unwrap();
}

#[test]
fn abort_drops_the_queue_and_reports_lost_once() {
    corio_runtime::run(async {
        let server_log: Log = Rc::default();
        let client_log: Log = Rc::default();
        let sl = server_log.clone();
        let server = create_server(move || recorder(&sl, false, false), "127.0.0.1:0")
            .await
            .unwrap();
        let (t, _p) = create_connection(
            || recorder(&client_log, false, false),
            server.local_addr().unwrap(),
        )
        .await
        .unwrap();
        t.write(&[b'x'; 10]).unwrap();
        t.abort();
        t.abort();
        until(|| client_log.borrow().len() == 2).await;
        assert_eq!(*client_log.borrow(), ["made", "lost:none"]);
        assert_eq!(t.get_write_buffer_size(), 0);
        assert!(matches!(t.write(b"x"), Err(TransportError::Closing)));
        // The server sees the connection end.
        until(|| {
            server_log
                .borrow()
                .last()
                .is_some_and(|l| l.starts_with("lost"))
        })
        .await;
    })
    .unwrap();
}

/// A server that does not read until told to: the slow peer.
struct Slow {
    transport: Rc<RefCell<Option<Transport>>>,
    received: Rc<RefCell<usize>>,
}
impl BaseProtocol for Slow {
    fn connection_made(&mut self, t: Transport) {
        t.pause_reading();
        *self.transport.borrow_mut() = Some(t);
    }
}
impl Protocol for Slow {
    fn data_received(&mut self, data: &[u8]) {
        *self.received.borrow_mut() += data.len();
    }
}

/// A writer that honours pause_writing.
struct Writer {
    paused: Rc<RefCell<bool>>,
    log: Log,
}
impl BaseProtocol for Writer {
    fn pause_writing(&mut self) {
        *self.paused.borrow_mut() = true;
        self.log.borrow_mut().push("pause".into());
    }
    fn resume_writing(&mut self) {
        *self.paused.borrow_mut() = false;
        self.log.borrow_mut().push("resume".into());
    }
}
impl Protocol for Writer {
    fn data_received(&mut self, _: &[u8]) {}
}

#[test]
fn a_slow_peer_pauses_the_writer_and_memory_stays_bounded() {
    corio_runtime::run(async {
        let server_transport = Rc::new(RefCell::new(None::<Transport>));
        let received = Rc::new(RefCell::new(0usize));
        let (st, rc) = (server_transport.clone(), received.clone());
        let server = create_server(
            move || Slow {
                transport: st.clone(),
                received: rc.clone(),
            },
            "127.0.0.1:0",
        )
        .await
        .unwrap();
        let paused = Rc::new(RefCell::new(false));
        let log: Log = Rc::default();
        let (t, _p) = create_connection(
            || Writer {
                paused: paused.clone(),
                log: log.clone(),
            },
            server.local_addr().unwrap(),
        )
        .await
        .unwrap();
        t.set_write_buffer_limits(Some(64 * 1024), Some(16 * 1024))
            .unwrap();
        let chunk = vec![7u8; 16 * 1024];
        let total = 16 * 1024 * 1024; // far more than the kernel buffers hold
        let mut written = 0;
        let mut max_buffered = 0;
        // Write while not paused, until the writer has been paused once.
        while log.borrow().is_empty() {
            assert!(written < total, "never paused: the reader is not slow");
            t.write(&chunk).unwrap();
            written += chunk.len();
            max_buffered = max_buffered.max(t.get_write_buffer_size());
            corio_runtime::yield_now().await;
        }
        assert_eq!(*log.borrow(), ["pause"]);
        assert!(
            max_buffered <= 64 * 1024 + chunk.len(),
            "buffered {max_buffered}"
        );
        // The reader catches up: the writer is resumed, and everything arrives.
        until(|| server_transport.borrow().is_some()).await;
        server_transport.borrow().as_ref().unwrap().resume_reading();
        until(|| !*paused.borrow()).await;
        assert_eq!(*log.borrow(), ["pause", "resume"]);
        assert!(t.get_write_buffer_size() <= 16 * 1024);
        until(|| *received.borrow() == written).await;
        assert!(matches!(
            t.set_write_buffer_limits(Some(1), Some(2)),
            Err(TransportError::InvalidLimits { high: 1, low: 2 })
        ));
        assert_eq!(t.get_write_buffer_limits(), (16 * 1024, 64 * 1024));
    })
    .unwrap();
}

#[derive(Default)]
struct Collect {
    buf: Vec<u8>,
    got: Vec<u8>,
    updates: usize,
}
impl BaseProtocol for Collect {}
impl BufferedProtocol for Collect {
    fn get_buffer(&mut self, _: usize) -> &mut [u8] {
        // A small buffer: a large write arrives in many updates.
        self.buf.resize(100, 0);
        &mut self.buf
    }
    fn buffer_updated(&mut self, n: usize) {
        self.updates += 1;
        self.got.extend_from_slice(&self.buf[..n]);
    }
}

#[test]
fn a_buffered_protocol_reads_into_its_own_buffer() {
    corio_runtime::run(async {
        let log: Log = Rc::default();
        let l = log.clone();
        let server = create_server(move || recorder(&l, true, false), "127.0.0.1:0")
            .await
            .unwrap();
        let (t, p) = create_buffered_connection(Collect::default, server.local_addr().unwrap())
            .await
            .unwrap();
        let msg: Vec<u8> = (0..1000).map(|i| b'a' + (i % 26) as u8).collect();
        t.write(&msg).unwrap();
        until(|| p.borrow().got.len() == 1000).await;
        assert_eq!(p.borrow().got, msg.to_ascii_uppercase());
        assert!(p.borrow().updates >= 10);
    })
    .unwrap();
}

#[test]
fn unix_endpoints_echo() {
    let path = std::env::temp_dir().join(format!("corio-net-proto-{}.sock", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let p = path.clone();
    corio_runtime::run(async move {
        let path = p;
        let log: Log = Rc::default();
        let l = log.clone();
        let server = create_unix_server(move || recorder(&l, true, false), &path)
            .await
            .unwrap();
        let client_log: Log = Rc::default();
        let (t, _) = create_unix_connection(|| recorder(&client_log, false, false), &path)
            .await
            .unwrap();
        t.write(b"unix").unwrap();
        until(|| client_log.borrow().len() >= 2).await;
        assert_eq!(client_log.borrow()[1], "data:UNIX");
        server.close();
    })
    .unwrap();
    let _ = std::fs::remove_file(&path);
}

#[derive(Default)]
struct UdpEcho {
    transport: Option<DatagramTransport>,
    lost: usize,
}
impl DatagramProtocol for UdpEcho {
    fn connection_made(&mut self, t: DatagramTransport) {
        self.transport = Some(t);
    }
    fn datagram_received(&mut self, data: &[u8], addr: SocketAddr) {
        self.transport
            .as_ref()
            .unwrap()
            .sendto(data, Some(addr))
            .unwrap();
    }
    fn connection_lost(&mut self, _: Option<io::Error>) {
        self.lost += 1;
    }
}

#[derive(Default)]
struct UdpClient {
    got: Vec<Vec<u8>>,
    lost: usize,
}
impl DatagramProtocol for UdpClient {
    fn datagram_received(&mut self, data: &[u8], _: SocketAddr) {
        self.got.push(data.to_vec());
    }
    fn connection_lost(&mut self, _: Option<io::Error>) {
        self.lost += 1;
    }
}

#[test]
fn datagram_endpoint_echo() {
    corio_runtime::run(async {
        let (server, sp) =
            create_datagram_endpoint(UdpEcho::default, Some("127.0.0.1:0"), None::<&str>)
                .await
                .unwrap();
        let addr = server.sockname().unwrap();
        let (client, cp) = create_datagram_endpoint(UdpClient::default, None::<&str>, Some(addr))
            .await
            .unwrap();
        assert_eq!(client.peername(), Some(addr));
        for i in 0..5u8 {
            client.sendto(&[i; 3], None).unwrap();
        }
        until(|| cp.borrow().got.len() == 5).await;
        // Loopback keeps the order; datagram boundaries are kept.
        let got = cp.borrow().got.clone();
        assert_eq!(got, (0..5u8).map(|i| vec![i; 3]).collect::<Vec<_>>());
        // A connected endpoint refuses another address.
        let other: SocketAddr = "127.0.0.1:9".parse().unwrap();
        assert!(matches!(
            client.sendto(b"x", Some(other)),
            Err(TransportError::Address(_))
        ));
        client.close();
        server.close();
        until(|| cp.borrow().lost == 1 && sp.borrow().lost == 1).await;
        assert!(matches!(
            client.sendto(b"x", None),
            Err(TransportError::Closing)
        ));
    })
    .unwrap();
}
