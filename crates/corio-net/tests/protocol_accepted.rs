//! `connect_accepted_socket`: transports on sockets accepted outside the loop, TCP and
//! Unix, std and socket2, plain and TLS.

mod common;

use std::cell::RefCell;
use std::io::{Read, Write};
use std::rc::Rc;
use std::time::Duration;

use corio_net::protocol::{
    BaseProtocol, EndpointError, Protocol, ProtocolLoopExt, Transport, connect_accepted_socket,
};

/// Echoes in upper case and records what it saw.
#[derive(Default, Debug)]
struct Upper {
    transport: Option<Transport>,
    seen: Rc<RefCell<Vec<u8>>>,
}

impl BaseProtocol for Upper {
    fn connection_made(&mut self, t: Transport) {
        self.transport = Some(t);
    }
}

impl Protocol for Upper {
    fn data_received(&mut self, data: &[u8]) {
        self.seen.borrow_mut().extend_from_slice(data);
        let t = self.transport.as_ref().unwrap();
        t.write(&data.to_ascii_uppercase()).unwrap();
        t.write_eof();
    }
}

/// Waits on the loop for a blocking peer running on a thread.
async fn join<T>(peer: std::thread::JoinHandle<T>) -> T {
    while !peer.is_finished() {
        corio_runtime::sleep(Duration::from_millis(2)).await;
    }
    peer.join().unwrap()
}

/// A blocking peer that sends `hello` and reads the answer to its end.
fn talk<S: Read + Write + Send + 'static>(mut s: S) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        s.write_all(b"hello").unwrap();
        let mut got = String::new();
        s.read_to_string(&mut got).unwrap();
        got
    })
}

#[test]
fn a_std_tcp_socket_accepted_elsewhere() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    corio_runtime::run(async move {
        let peer = talk(std::net::TcpStream::connect(addr).unwrap());
        let (conn, from) = listener.accept().unwrap();
        let (t, p) = connect_accepted_socket(Upper::default, conn).await.unwrap();
        assert_eq!(t.peername().and_then(|a| a.as_inet()), Some(from));
        assert_eq!(join(peer).await, "HELLO");
        assert_eq!(p.borrow().seen.borrow().as_slice(), b"hello");
    })
    .unwrap();
}

#[test]
fn unix_and_socket2_sockets_through_the_loop_method() {
    corio_runtime::run(async {
        let lp = corio_runtime::get_running_loop().unwrap();
        let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
        let peer = talk(b);
        let (t, _) = lp.connect_accepted_socket(Upper::default, a).await.unwrap();
        assert!(t.sockname().is_some_and(|s| s.as_unix().is_some()));
        assert_eq!(join(peer).await, "HELLO");

        // A socket2 socket of the Unix family becomes a Unix transport.
        let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
        let peer = talk(b);
        let sock = corio_net::socket2::Socket::from(std::os::fd::OwnedFd::from(a));
        let (t, _) = lp
            .connect_accepted_socket(Upper::default, sock)
            .await
            .unwrap();
        assert!(t.peername().is_some_and(|s| s.as_unix().is_some()));
        assert_eq!(join(peer).await, "HELLO");

        // And one of the IPv4 family a TCP one.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let peer = talk(std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap());
        let sock = corio_net::socket2::Socket::from(listener.accept().unwrap().0);
        let (t, _) = lp
            .connect_accepted_socket(Upper::default, sock)
            .await
            .unwrap();
        assert!(t.peername().is_some_and(|s| s.as_inet().is_some()));
        assert_eq!(join(peer).await, "HELLO");
    })
    .unwrap();
}

#[test]
fn a_datagram_socket_is_refused() {
    corio_runtime::run(async {
        let udp =
            corio_net::socket2::Socket::from(std::net::UdpSocket::bind("127.0.0.1:0").unwrap());
        let err = connect_accepted_socket(Upper::default, udp)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, EndpointError::Io(e) if e.kind() == std::io::ErrorKind::InvalidInput),
            "{err:?}"
        );
    })
    .unwrap();
}

#[cfg(feature = "tls")]
#[test]
fn tls_server_side_on_an_accepted_socket() {
    use corio_net::protocol::connect_accepted_tls_socket;
    use corio_net::{ConnectOptions, open_connection_with};

    let (server_config, client_config) = common::tls_configs();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    corio_runtime::run(async move {
        let client = corio_runtime::spawn(async move {
            let options = ConnectOptions::new().tls(client_config, "localhost");
            let (mut r, w) = open_connection_with(addr, &options).await.unwrap();
            w.write(b"secret").unwrap();
            r.read(100).await.unwrap()
        });
        // The accept itself blocks: let the client's connect start first.
        let conn = loop {
            listener.set_nonblocking(true).unwrap();
            match listener.accept() {
                Ok((c, _)) => break c,
                Err(_) => corio_runtime::sleep(Duration::from_millis(2)).await,
            }
        };
        let (_t, p) = connect_accepted_tls_socket(Upper::default, conn, server_config)
            .await
            .unwrap();
        assert_eq!(client.await.unwrap(), b"SECRET");
        assert_eq!(p.borrow().seen.borrow().as_slice(), b"secret");
    })
    .unwrap();
}
