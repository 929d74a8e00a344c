//! Datagrams: a UDP echo and a Unix datagram echo.

mod common;

use std::rc::Rc;

use common::run;
use corio_net::{UdpSocket, UnixDatagram};

#[test]
fn udp_echo() {
    run(async {
        let server = Rc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap());
        let addr = server.local_addr().unwrap();
        let s = server.clone();
        let echo = corio_runtime::try_spawn(async move {
            let mut buf = [0; 1500];
            for _ in 0..100 {
                let (n, from) = s.recv_from(&mut buf).await.unwrap();
                s.send_to(&buf[..n], from).await.unwrap();
            }
        })
        .unwrap();
        let client = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        client.connect(addr).await.unwrap();
        let mut buf = [0; 1500];
        for i in 0..100u32 {
            let msg = format!("datagram {i}");
            client.send(msg.as_bytes()).await.unwrap();
            let n = client.recv(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], msg.as_bytes());
        }
        echo.await.unwrap();
    });
}

#[test]
fn udp_to_a_closed_port_reports_refused_on_a_connected_socket() {
    run(async {
        let addr = std::net::UdpSocket::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let client = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        client.connect(addr).await.unwrap();
        client.send(b"anyone?").await.unwrap();
        let mut buf = [0; 16];
        // The ICMP port-unreachable comes back as an error on the next receive.
        let err = client.recv(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
    });
}

#[test]
fn unix_datagram_echo() {
    run(async {
        let (a, b) = UnixDatagram::pair().unwrap();
        let echo = corio_runtime::try_spawn(async move {
            let mut buf = [0; 64];
            for _ in 0..10 {
                let n = b.recv(&mut buf).await.unwrap();
                b.send(&buf[..n]).await.unwrap();
            }
        })
        .unwrap();
        let mut buf = [0; 64];
        for i in 0..10 {
            let msg = format!("unix {i}");
            a.send(msg.as_bytes()).await.unwrap();
            let n = a.recv(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], msg.as_bytes());
        }
        echo.await.unwrap();
    });
}
