//! TCP echo: 100 connections, each doing 64-byte round trips, client and server on one
//! runtime thread.

use std::net::SocketAddr;

use futures_lite::{AsyncReadExt, AsyncWriteExt};

use crate::measure::{Case, Contender, Metric, Repeat, Sample, Unit};
use crate::rt;

const CONNECTIONS: usize = 100;
const ROUND_TRIPS: usize = 200;
const MESSAGE: usize = 64;

pub(super) fn case() -> Case {
    Case {
        metrics: vec![Metric {
            id: "tcp_echo",
            title: "TCP echo: 100 conns x 200 round trips of 64 B",
            unit: Unit::Cpu,
        }],
        corio: Contender {
            label: "corio-net TcpStream",
            bench: echo_corio,
        },
        tokio: Some(Contender {
            label: "tokio::net (LocalSet)",
            bench: echo_tokio,
        }),
        smol: Some(Contender {
            label: "async-io Async<TcpStream>",
            bench: echo_smol,
        }),
        repeat: Repeat::Timed,
        note: "One thread runs both ends: a listener whose accepted connections each echo what they read (a task per connection, 64-byte buffer), and 100 client tasks that connect, set TCP_NODELAY, and each do 200 round trips (write 64 B, read 64 B back): 20,000 round trips, 40,000 reads that usually find data after one wait. Connection setup is inside the timing (100 connects, small next to the round trips). Each runtime's own TCP types: corio-net, tokio::net with spawn_local, async-io's Async<TcpStream> under async_io::block_on (what smol::net wraps).",
    }
}

fn check(total: usize) {
    assert_eq!(
        total,
        CONNECTIONS * ROUND_TRIPS,
        "every round trip completed"
    );
}

fn echo_corio() -> Vec<Sample> {
    let (total, t) = rt::corio(async {
        let listener = corio_net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        corio_runtime::try_spawn(async move {
            loop {
                let (mut s, _) = listener.accept().await.unwrap();
                corio_runtime::try_spawn(async move {
                    let mut buf = [0u8; MESSAGE];
                    loop {
                        match s.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => s.write_all(&buf[..n]).await.unwrap(),
                        }
                    }
                })
                .unwrap();
            }
        })
        .unwrap();
        let clients: Vec<_> = (0..CONNECTIONS)
            .map(|_| corio_runtime::try_spawn(client_corio(addr)).unwrap())
            .collect();
        let mut total = 0;
        for c in clients {
            total += c.await.unwrap();
        }
        total
    });
    check(total);
    vec![t.cpu_sample()]
}

async fn client_corio(addr: SocketAddr) -> usize {
    let mut s = corio_net::TcpStream::connect(addr).await.unwrap();
    s.set_nodelay(true).unwrap();
    let msg = [7u8; MESSAGE];
    let mut buf = [0u8; MESSAGE];
    for _ in 0..ROUND_TRIPS {
        s.write_all(&msg).await.unwrap();
        s.read_exact(&mut buf).await.unwrap();
    }
    ROUND_TRIPS
}

fn echo_tokio() -> Vec<Sample> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (total, t) = rt::tokio_io(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::task::spawn_local(async move {
            loop {
                let (mut s, _) = listener.accept().await.unwrap();
                tokio::task::spawn_local(async move {
                    let mut buf = [0u8; MESSAGE];
                    loop {
                        match s.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => s.write_all(&buf[..n]).await.unwrap(),
                        }
                    }
                });
            }
        });
        let clients: Vec<_> = (0..CONNECTIONS)
            .map(|_| {
                tokio::task::spawn_local(async move {
                    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
                    s.set_nodelay(true).unwrap();
                    let msg = [7u8; MESSAGE];
                    let mut buf = [0u8; MESSAGE];
                    for _ in 0..ROUND_TRIPS {
                        s.write_all(&msg).await.unwrap();
                        s.read_exact(&mut buf).await.unwrap();
                    }
                    ROUND_TRIPS
                })
            })
            .collect();
        let mut total = 0;
        for c in clients {
            total += c.await.unwrap();
        }
        total
    });
    check(total);
    vec![t.cpu_sample()]
}

fn echo_smol() -> Vec<Sample> {
    use async_io::Async;
    use std::net::{TcpListener, TcpStream};
    let (total, t) = rt::smol_io(|ex| async move {
        let listener = Async::<TcpListener>::bind(([127, 0, 0, 1], 0)).unwrap();
        let addr = listener.get_ref().local_addr().unwrap();
        let ex2 = ex.clone();
        ex.spawn(async move {
            loop {
                let (mut s, _) = listener.accept().await.unwrap();
                ex2.spawn(async move {
                    let mut buf = [0u8; MESSAGE];
                    loop {
                        match s.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => s.write_all(&buf[..n]).await.unwrap(),
                        }
                    }
                })
                .detach();
            }
        })
        .detach();
        let clients: Vec<_> = (0..CONNECTIONS)
            .map(|_| {
                ex.spawn(async move {
                    let mut s = Async::<TcpStream>::connect(addr).await.unwrap();
                    s.get_ref().set_nodelay(true).unwrap();
                    let msg = [7u8; MESSAGE];
                    let mut buf = [0u8; MESSAGE];
                    for _ in 0..ROUND_TRIPS {
                        s.write_all(&msg).await.unwrap();
                        s.read_exact(&mut buf).await.unwrap();
                    }
                    ROUND_TRIPS
                })
            })
            .collect();
        let mut total = 0;
        for c in clients {
            total += c.await;
        }
        total
    });
    check(total);
    vec![t.cpu_sample()]
}
