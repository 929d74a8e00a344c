//! Readiness over a TCP socket pair on 127.0.0.1, in both backend modes.

mod common;

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;

use common::{block_on, join_all, reactors};
use corio_reactor::Async;

#[test]
fn accept_and_echo() {
    for (mode, reactor) in reactors() {
        let listener =
            Async::with_reactor(TcpListener::bind("127.0.0.1:0").unwrap(), &reactor).unwrap();
        let addr = listener.get_ref().local_addr().unwrap();
        // A blocking client on another thread, so the accept must wait.
        let client = thread::spawn(move || {
            let mut s = TcpStream::connect(addr).unwrap();
            s.write_all(b"ping").unwrap();
            let mut buf = [0; 4];
            s.read_exact(&mut buf).unwrap();
            buf
        });
        block_on(&reactor, async {
            let (conn, _) = listener.read_with(|l| l.accept()).await?;
            let conn = Async::with_reactor(conn, &reactor)?;
            let mut buf = [0; 4];
            let mut got = 0;
            while got < 4 {
                got += conn.read(&mut buf[got..]).await?;
            }
            conn.write(&buf).await?;
            io::Result::Ok(())
        })
        .unwrap();
        assert_eq!(&client.join().unwrap(), b"ping", "{mode}");
    }
}

/// Both ends of the connection in one reactor: a ping-pong driven entirely
/// by readiness, both tasks interleaved in one `block_on`.
#[test]
fn ping_pong_in_one_reactor() {
    const ROUNDS: u32 = 200;
    for (mode, reactor) in reactors() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        let client = Async::with_reactor(client, &reactor).unwrap();
        let server = Async::with_reactor(server, &reactor).unwrap();
        let ping = async {
            let mut buf = [0; 4];
            for i in 0..ROUNDS {
                client.write(&i.to_le_bytes()).await?;
                let mut got = 0;
                while got < 4 {
                    got += client.read(&mut buf[got..]).await?;
                }
                assert_eq!(u32::from_le_bytes(buf), i + 1);
            }
            io::Result::Ok(())
        };
        let pong = async {
            let mut buf = [0; 4];
            for _ in 0..ROUNDS {
                let mut got = 0;
                while got < 4 {
                    got += server.read(&mut buf[got..]).await?;
                }
                let next = u32::from_le_bytes(buf) + 1;
                server.write(&next.to_le_bytes()).await?;
            }
            io::Result::Ok(())
        };
        let both: Vec<std::pin::Pin<Box<dyn std::future::Future<Output = io::Result<()>>>>> =
            vec![Box::pin(ping), Box::pin(pong)];
        for result in block_on(&reactor, join_all(both)) {
            result.unwrap_or_else(|e| panic!("{mode}: {e}"));
        }
    }
}
