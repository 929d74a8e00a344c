//! The loop's sock_* methods and add_reader/add_writer callbacks.

mod common;

use std::cell::{Cell, RefCell};
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::rc::Rc;
use std::time::Duration;

use common::run;
use corio_net::LoopSockExt;
use corio_net::socket2::{Domain, Socket, Type};
use corio_runtime::EventLoop;

fn nonblocking_pair() -> (Socket, Socket) {
    let (a, b) = Socket::pair(Domain::UNIX, Type::STREAM, None).unwrap();
    a.set_nonblocking(true).unwrap();
    b.set_nonblocking(true).unwrap();
    (a, b)
}

#[test]
fn sock_methods_over_tcp() {
    run(async {
        let lp = corio_runtime::get_running_loop().unwrap();
        let listener = Socket::from(std::net::TcpListener::bind("127.0.0.1:0").unwrap());
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();

        // The accept waits (nobody connected yet) while the connect goes on.
        let l2 = lp.clone();
        let acceptor = corio_runtime::try_spawn(async move {
            let (conn, peer) = l2.sock_accept(&listener).await.unwrap();
            (conn, peer)
        })
        .unwrap();
        let client = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        client.set_nonblocking(true).unwrap();
        lp.sock_connect(&client, addr.clone()).await.unwrap();
        let (conn, peer) = acceptor.await.unwrap();
        assert_eq!(peer.as_socket(), client.local_addr().unwrap().as_socket());

        // More than the socket buffers hold: sendall has to wait while the peer reads.
        let data: Vec<u8> = (0..4 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
        let expected = data.clone();
        let l3 = lp.clone();
        let receiver = corio_runtime::try_spawn(async move {
            let mut got = Vec::new();
            let mut buf = vec![0; 65536];
            while got.len() < expected.len() {
                let n = l3.sock_recv_into(&conn, &mut buf).await.unwrap();
                assert!(n > 0);
                got.extend_from_slice(&buf[..n]);
            }
            assert_eq!(got, expected);
            conn
        })
        .unwrap();
        lp.sock_sendall(&client, &data).await.unwrap();
        let conn = receiver.await.unwrap();
        drop(client);
        assert_eq!(lp.sock_recv(&conn, 10).await.unwrap(), b""); // EOF
    });
}

#[test]
fn sock_methods_refuse_blocking_sockets_and_report_refused_connects() {
    run(async {
        let lp = corio_runtime::get_running_loop().unwrap();
        let (a, _b) = Socket::pair(Domain::UNIX, Type::STREAM, None).unwrap();
        let err = lp.sock_recv(&a, 10).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);

        let addr = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let client = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        client.set_nonblocking(true).unwrap();
        let err = lp.sock_connect(&client, addr).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
    });
}

#[test]
fn add_reader_is_level_triggered_until_removed() {
    let lp = EventLoop::new().unwrap();
    let (mut a, b) = std::os::unix::net::UnixStream::pair().unwrap();
    let calls = Rc::new(Cell::new(0));
    let c = calls.clone();
    // The callback never reads: the descriptor stays readable, so it runs once per
    // iteration until removed.
    lp.add_reader(&b, move || c.set(c.get() + 1)).unwrap();
    a.write_all(b"x").unwrap();
    let c = calls.clone();
    lp.run_until_complete(async move {
        while c.get() < 5 {
            corio_runtime::yield_now().await;
        }
    })
    .unwrap();
    assert!(lp.remove_reader(&b));
    let at_removal = calls.get();
    lp.run_until_complete(corio_runtime::sleep(Duration::from_millis(10)))
        .unwrap();
    assert_eq!(calls.get(), at_removal, "no call after remove_reader");
    assert!(!lp.remove_reader(&b));
}

#[test]
fn add_reader_waits_while_nothing_is_readable() {
    let lp = EventLoop::new().unwrap();
    let (mut a, b) = std::os::unix::net::UnixStream::pair().unwrap();
    b.set_nonblocking(true).unwrap();
    let got = Rc::new(RefCell::new(Vec::new()));
    let calls = Rc::new(Cell::new(0));
    let (g, c, mut reader) = (got.clone(), calls.clone(), b.try_clone().unwrap());
    lp.add_reader(&b, move || {
        c.set(c.get() + 1);
        let mut buf = [0; 16];
        if let Ok(n) = reader.read(&mut buf) {
            g.borrow_mut().extend_from_slice(&buf[..n]);
        }
    })
    .unwrap();
    // Nothing to read for a while: the callback is not called.
    lp.run_until_complete(corio_runtime::sleep(Duration::from_millis(20)))
        .unwrap();
    assert_eq!(calls.get(), 0);
    a.write_all(b"one").unwrap();
    lp.run_until_complete(corio_runtime::sleep(Duration::from_millis(20)))
        .unwrap();
    a.write_all(b"two").unwrap();
    lp.run_until_complete(corio_runtime::sleep(Duration::from_millis(20)))
        .unwrap();
    assert_eq!(*got.borrow(), b"onetwo");
    // Each write made it readable once; the callback emptied it each time.
    assert_eq!(calls.get(), 2);
    assert!(lp.remove_reader(&b));
}

#[test]
fn a_reader_can_remove_itself_and_be_replaced() {
    let lp = EventLoop::new().unwrap();
    let (mut a, b) = std::os::unix::net::UnixStream::pair().unwrap();
    a.write_all(b"x").unwrap();
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    lp.add_reader(&b, move || l.borrow_mut().push("first"))
        .unwrap();
    // Replacing: the first reader is never called.
    let (l, fd) = (log.clone(), b.as_raw_fd());
    lp.add_reader(&b, move || {
        l.borrow_mut().push("second");
        corio_runtime::get_running_loop()
            .unwrap()
            .remove_reader(&fd);
    })
    .unwrap();
    lp.run_until_complete(corio_runtime::sleep(Duration::from_millis(10)))
        .unwrap();
    assert_eq!(*log.borrow(), ["second"]);
}

#[test]
fn a_panicking_reader_is_reported_and_stays() {
    let lp = EventLoop::new().unwrap();
    let reports = Rc::new(RefCell::new(Vec::new()));
    let r = reports.clone();
    lp.set_exception_handler(Some(move |_: &EventLoop, rep: &corio_runtime::Report| {
        r.borrow_mut().push(rep.message.clone());
    }));
    let (a, b) = nonblocking_pair();
    let calls = Rc::new(Cell::new(0));
    let c = calls.clone();
    lp.add_writer(&a, move || -> () {
        c.set(c.get() + 1);
        panic!("writer callback {}", c.get());
    })
    .unwrap();
    let c = calls.clone();
    lp.run_until_complete(async move {
        while c.get() < 3 {
            corio_runtime::yield_now().await;
        }
    })
    .unwrap();
    assert!(lp.remove_writer(&a));
    assert!(reports.borrow().len() >= 3);
    assert!(reports.borrow()[0].contains("panicked"));
    drop(b);
}

#[test]
fn sock_recvfrom_waits_for_a_datagram() {
    run(async {
        let lp = corio_runtime::get_running_loop().unwrap();
        let server = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        server.set_nonblocking(true).unwrap();
        let addr = server.local_addr().unwrap();
        let l = lp.clone();
        let receiver = corio_runtime::try_spawn(async move {
            let mut got = Vec::new();
            for _ in 0..3 {
                let (data, from) = l.sock_recvfrom(&server, 64).await.unwrap();
                l.sock_sendto(&server, &data, from).await.unwrap();
                got.push(data);
            }
            got
        })
        .unwrap();
        let client = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        client.set_nonblocking(true).unwrap();
        let mut buf = [0; 64];
        for msg in [&b"a"[..], b"bb", b"ccc"] {
            corio_runtime::sleep(Duration::from_millis(2)).await; // the receiver waits first
            lp.sock_sendto(&client, msg, addr).await.unwrap();
            let (n, from) = lp.sock_recvfrom_into(&client, &mut buf).await.unwrap();
            assert_eq!((&buf[..n], from), (msg, addr));
        }
        assert_eq!(receiver.await.unwrap(), [&b"a"[..], b"bb", b"ccc"]);
    });
}
