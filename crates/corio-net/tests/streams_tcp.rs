//! asyncio streams over real TCP and Unix sockets: echo, half-close, reset, flow control.

mod common;

use std::cell::Cell;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::Duration;

use common::run;
use corio_net::{
    ReadError, ServerOptions, StreamReader, StreamWriter, TcpListener, TcpStream, WriteError,
    open_connection, open_unix_connection, start_server, start_server_with, start_unix_server,
};

async fn echo(mut reader: StreamReader, writer: StreamWriter) -> std::io::Result<()> {
    loop {
        let line = reader.readline().await?;
        if line.is_empty() {
            break;
        }
        writer.write(&line).unwrap();
        writer.drain().await?;
    }
    writer.close();
    writer.wait_closed().await
}

fn inet(server: &corio_net::Server) -> SocketAddr {
    server.sockets()[0].as_inet().unwrap()
}

#[test]
fn echo_server_round_trips_many_lines() {
    run(async {
        let server = start_server(echo, "127.0.0.1:0").await.unwrap();
        let (mut reader, writer) = open_connection(inet(&server)).await.unwrap();
        for i in 0..200 {
            writer.write(format!("line {i}\n").as_bytes()).unwrap();
            writer.drain().await.unwrap();
            assert_eq!(
                reader.readline().await.unwrap(),
                format!("line {i}\n").as_bytes()
            );
        }
        writer.close();
        writer.wait_closed().await.unwrap();
        assert!(reader.readline().await.unwrap().is_empty());
        server.close();
        server.wait_closed().await;
    });
}

#[test]
fn extra_info_has_both_addresses() {
    run(async {
        let seen = Rc::new(Cell::new(None));
        let s = seen.clone();
        let server = start_server(
            move |_r, w: StreamWriter| {
                let s = s.clone();
                async move {
                    let info = w.get_extra_info();
                    s.set(info.peername().and_then(|a| a.as_inet()));
                }
            },
            "127.0.0.1:0",
        )
        .await
        .unwrap();
        let (_r, w) = open_connection(inet(&server)).await.unwrap();
        let info = w.get_extra_info();
        assert_eq!(
            info.peername().and_then(|a| a.as_inet()),
            Some(inet(&server))
        );
        let local = info.sockname().and_then(|a| a.as_inet()).unwrap();
        while server.active_connections() > 0 || seen.get().is_none() {
            corio_runtime::sleep(Duration::from_millis(1)).await;
        }
        assert_eq!(seen.get(), Some(local));
    });
}

#[test]
fn half_close_the_peer_reads_eof_and_still_answers() {
    run(async {
        let server = start_server(
            |mut reader: StreamReader, writer: StreamWriter| async move {
                let request = reader.read_to_eof().await?;
                assert!(reader.at_eof());
                writer
                    .write(format!("got {} bytes", request.len()).as_bytes())
                    .unwrap();
                writer.close();
                writer.wait_closed().await
            },
            "127.0.0.1:0",
        )
        .await
        .unwrap();
        let (mut reader, writer) = open_connection(inet(&server)).await.unwrap();
        assert!(writer.can_write_eof());
        writer.write(&[b'x'; 100_000]).unwrap();
        writer.write_eof().unwrap();
        assert_eq!(writer.write(b"late"), Err(WriteError::EofWritten));
        writer.wait_eof_sent().await.unwrap();
        assert_eq!(reader.read_to_eof().await.unwrap(), b"got 100000 bytes");
    });
}

#[test]
fn half_close_on_raw_tcp_streams() {
    use futures_lite::{AsyncReadExt, AsyncWriteExt};
    run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (mut conn, _) = listener.accept().await.unwrap();
        client.write_all(b"question").await.unwrap();
        client.close().await.unwrap(); // shuts the write half
        let mut got = Vec::new();
        conn.read_to_end(&mut got).await.unwrap();
        assert_eq!(got, b"question");
        conn.write_all(b"answer").await.unwrap();
        conn.shutdown(std::net::Shutdown::Both).unwrap();
        let mut answer = Vec::new();
        client.read_to_end(&mut answer).await.unwrap();
        assert_eq!(answer, b"answer");
    });
}

#[test]
fn a_peer_reset_is_a_typed_error_not_a_panic() {
    run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (mut reader, writer) = open_connection(addr).await.unwrap();
        let (conn, _) = listener.accept().await.unwrap();
        // SO_LINGER 0: closing sends RST instead of FIN.
        conn.set_linger(Some(Duration::ZERO)).unwrap();
        drop(conn);
        let err = reader.readline().await.unwrap_err();
        match &err {
            ReadError::Io(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset),
            other => panic!("{other:?}"),
        }
        // The error stays: the next read fails the same way.
        assert!(matches!(reader.readexactly(1).await, Err(ReadError::Io(_))));
        // Writing to a reset connection: write() takes it, drain() reports the failure.
        let mut failed = None;
        for _ in 0..100 {
            writer.write(&[0; 1024]).unwrap();
            if let Err(e) = writer.drain().await {
                failed = Some(e);
                break;
            }
            corio_runtime::sleep(Duration::from_millis(1)).await;
        }
        let e = failed.expect("drain reports the reset");
        assert!(
            matches!(
                e.kind(),
                std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset
            ),
            "{e:?}"
        );
        assert!(writer.is_closing());
    });
}

#[test]
fn connection_refused_is_a_typed_error() {
    run(async {
        let addr = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap()
        }; // closed again: nothing listens there
        let err = open_connection(addr).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
        let err = TcpStream::connect_timeout(addr, Duration::from_secs(5))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
    });
}

/// A slow reader: the writer awaits `drain` after each write, and its buffer never goes
/// past the high-water mark plus one write, however much it sends.
#[test]
fn a_slow_reader_bounds_the_writers_memory() {
    run(async {
        const CHUNK: usize = 8 * 1024;
        const TOTAL: usize = 8 * 1024 * 1024;
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let (_r, writer) = open_connection(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (conn, _) = listener.accept().await.unwrap();
        // Small kernel buffers so that user-space buffering shows quickly.
        conn.set_recv_buffer_size(16 * 1024).unwrap();
        let (high, low) = writer.get_write_buffer_limits();
        assert_eq!((high, low), (64 * 1024, 16 * 1024));

        let reader_task = corio_runtime::try_spawn(async move {
            let mut reader = StreamReader::new(conn);
            let mut total = 0;
            loop {
                let got = reader.read(4096).await.unwrap();
                if got.is_empty() {
                    return total;
                }
                total += got.len();
                corio_runtime::sleep(Duration::from_micros(200)).await; // slow
            }
        })
        .unwrap();

        let mut max_buffered = 0;
        let mut waited = 0;
        let mut sent = 0;
        while sent < TOTAL {
            writer.write(&[b'z'; CHUNK]).unwrap();
            sent += CHUNK;
            max_buffered = max_buffered.max(writer.get_write_buffer_size());
            if writer.get_write_buffer_size() > high {
                waited += 1;
            }
            writer.drain().await.unwrap();
            assert!(writer.get_write_buffer_size() <= high);
        }
        writer.close();
        writer.wait_closed().await.unwrap();
        assert_eq!(reader_task.await.unwrap(), TOTAL);
        assert!(max_buffered <= high + CHUNK, "buffered {max_buffered}");
        assert!(
            waited > 0,
            "drain never had to wait: the test did not test flow control"
        );
    });
}

#[test]
fn data_written_without_drain_still_goes_out() {
    run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let (_r, writer) = open_connection(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (conn, _) = listener.accept().await.unwrap();
        // More than the socket buffers hold, and nobody awaits drain: the flusher sends it.
        let big = vec![b'q'; 4 * 1024 * 1024];
        writer.write(&big).unwrap();
        drop(writer);
        let mut reader = StreamReader::new(conn);
        assert_eq!(
            reader.readexactly(big.len()).await.unwrap().len(),
            big.len()
        );
    });
}

#[test]
fn write_after_close_is_refused_and_close_is_idempotent() {
    run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let (_r, writer) = open_connection(listener.local_addr().unwrap())
            .await
            .unwrap();
        writer.close();
        writer.close();
        assert!(writer.is_closing());
        assert_eq!(writer.write(b"x"), Err(WriteError::Closing));
        writer.wait_closed().await.unwrap();
        writer.wait_closed().await.unwrap();
    });
}

#[test]
fn server_close_stops_listening_and_wait_closed_waits_for_connections() {
    run(async {
        let server = start_server(echo, "127.0.0.1:0").await.unwrap();
        let addr = inet(&server);
        let (mut reader, writer) = open_connection(addr).await.unwrap();
        writer.write(b"before\n").unwrap();
        assert_eq!(reader.readline().await.unwrap(), b"before\n");
        assert_eq!(server.active_connections(), 1);

        server.close();
        assert!(!server.is_serving());
        assert!(server.sockets().is_empty());
        assert!(open_connection(addr).await.is_err());

        // The accepted connection goes on after close...
        writer.write(b"after\n").unwrap();
        assert_eq!(reader.readline().await.unwrap(), b"after\n");
        // ...and wait_closed returns once it ended.
        let waiter = {
            let server = Rc::new(server);
            let s = server.clone();
            (
                corio_runtime::try_spawn(async move { s.wait_closed().await }).unwrap(),
                server,
            )
        };
        corio_runtime::sleep(Duration::from_millis(20)).await;
        assert!(!waiter.0.done());
        writer.close();
        waiter.0.await.unwrap();
        assert_eq!(waiter.1.active_connections(), 0);
    });
}

#[test]
fn dropping_the_server_closes_it() {
    run(async {
        let server = start_server(echo, "127.0.0.1:0").await.unwrap();
        let addr = inet(&server);
        drop(server);
        assert!(open_connection(addr).await.is_err());
    });
}

#[test]
fn serve_forever_returns_when_the_server_is_closed_elsewhere() {
    run(async {
        let options = ServerOptions::new().start_serving(false);
        let server = Rc::new(
            start_server_with(echo, "127.0.0.1:0", options)
                .await
                .unwrap(),
        );
        assert!(!server.is_serving());
        let s = server.clone();
        let serving = corio_runtime::try_spawn(async move { s.serve_forever().await }).unwrap();
        corio_runtime::sleep(Duration::from_millis(5)).await;
        assert!(server.is_serving());
        let (mut r, w) = open_connection(inet(&server)).await.unwrap();
        w.write(b"hi\n").unwrap();
        assert_eq!(r.readline().await.unwrap(), b"hi\n");
        server.close();
        serving.await.unwrap().unwrap();
        assert!(server.start_serving().is_err());
    });
}

#[test]
fn a_failing_callback_is_reported_and_the_server_goes_on() {
    use std::cell::RefCell;
    let lp = corio_runtime::EventLoop::new().unwrap();
    let reports = Rc::new(RefCell::new(Vec::new()));
    let r = reports.clone();
    lp.set_exception_handler(Some(
        move |_: &corio_runtime::EventLoop, rep: &corio_runtime::Report| {
            r.borrow_mut().push(rep.message.clone());
        },
    ));
    lp.run_until_complete(async {
        let server = start_server(
            |_r, w: StreamWriter| async move {
                w.write(b"bye\n").unwrap();
                Err::<(), _>(std::io::Error::other("handler failed"))
            },
            "127.0.0.1:0",
        )
        .await
        .unwrap();
        for _ in 0..2 {
            let (mut reader, _w) = open_connection(inet(&server)).await.unwrap();
            assert_eq!(reader.readline().await.unwrap(), b"bye\n");
        }
        while server.active_connections() > 0 {
            corio_runtime::sleep(Duration::from_millis(1)).await;
        }
    })
    .unwrap();
    let reports = reports.borrow();
    assert_eq!(reports.len(), 2);
    assert!(reports[0].contains("client_connected_cb") && reports[0].contains("handler failed"));
}

#[test]
fn unix_server_and_connection() {
    run(async {
        let dir = std::env::temp_dir().join(format!("corio-net-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("echo.sock");
        let _ = std::fs::remove_file(&path);
        let server = start_unix_server(echo, &path).await.unwrap();
        let (mut reader, writer) = open_unix_connection(&path).await.unwrap();
        writer.write(b"over unix\n").unwrap();
        assert_eq!(reader.readline().await.unwrap(), b"over unix\n");
        assert!(
            writer
                .get_extra_info()
                .peername()
                .unwrap()
                .as_unix()
                .is_some()
        );
        server.close();
        assert!(!path.exists(), "the socket file is removed on close");
        let _ = std::fs::remove_dir(&dir);
    });
}

#[test]
fn streams_over_a_pipe() {
    // The reader and writer work over any byte stream: here an OS pipe.
    run(async {
        let (r, w) = std::io::pipe().unwrap();
        let r = corio_reactor::Async::new(r).unwrap();
        let w = corio_reactor::Async::new(w).unwrap();
        let writer = StreamWriter::new(PipeWriter(w));
        let mut reader = StreamReader::new(PipeReader(r));
        writer.write(b"through\na pipe\n").unwrap();
        writer.close();
        writer.wait_closed().await.unwrap();
        assert_eq!(reader.readline().await.unwrap(), b"through\n");
        assert_eq!(reader.readline().await.unwrap(), b"a pipe\n");
        assert_eq!(reader.readline().await.unwrap(), b"");
    });
}

struct PipeReader(corio_reactor::Async<std::io::PipeReader>);
struct PipeWriter(corio_reactor::Async<std::io::PipeWriter>);

impl futures_io::AsyncRead for PipeReader {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut [u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        self.0
            .poll_read_with(cx, |mut p| std::io::Read::read(&mut p, buf))
    }
}

impl futures_io::AsyncWrite for PipeWriter {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        self.0
            .poll_write_with(cx, |mut p| std::io::Write::write(&mut p, buf))
    }
    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
    fn poll_close(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
}

#[test]
fn connect_timeout_gives_timed_out() {
    use corio_net::socket2::{Domain, Socket, Type};
    run(async {
        // A listener that never accepts, with the smallest backlog: once its queue is
        // full the kernel drops further SYNs, and a connect hangs until its timeout.
        let listener = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        listener
            .bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())
            .unwrap();
        listener.listen(0).unwrap();
        let addr = listener.local_addr().unwrap().as_socket().unwrap();
        let mut held = Vec::new();
        let mut timed_out = false;
        for _ in 0..64 {
            match TcpStream::connect_timeout(addr, Duration::from_millis(200)).await {
                Ok(s) => held.push(s),
                Err(e) => {
                    assert_eq!(e.kind(), std::io::ErrorKind::TimedOut, "{e}");
                    timed_out = true;
                    break;
                }
            }
        }
        assert!(
            timed_out,
            "{} connects went through a full backlog",
            held.len()
        );
    });
}

#[test]
fn abort_clients_cancels_the_callbacks_and_close_clients_closes_the_writers() {
    run(async {
        let dropped = Rc::new(Cell::new(0));
        let d = dropped.clone();
        let server = start_server(
            move |mut reader: StreamReader, writer: StreamWriter| {
                let d = d.clone();
                async move {
                    struct OnDrop(Rc<Cell<u32>>);
                    impl Drop for OnDrop {
                        fn drop(&mut self) {
                            self.0.set(self.0.get() + 1);
                        }
                    }
                    let _on_drop = OnDrop(d);
                    writer.write(b"hello\n").unwrap();
                    // Waits for the client to close; only an abort ends it early.
                    let _ = reader.read_to_eof().await;
                }
            },
            "127.0.0.1:0",
        )
        .await
        .unwrap();
        let addr = inet(&server);
        let mut clients = Vec::new();
        for _ in 0..3 {
            let (mut r, w) = open_connection(addr).await.unwrap();
            assert_eq!(r.readline().await.unwrap(), b"hello\n");
            clients.push((r, w));
        }
        assert_eq!(server.active_connections(), 3);

        server.close_clients();
        for (r, _) in &mut clients {
            assert_eq!(
                r.read_to_eof().await.unwrap(),
                b"",
                "the server's side is closed"
            );
        }
        assert_eq!(server.active_connections(), 3, "the callbacks go on");

        server.abort_clients();
        server.close();
        server.wait_closed().await;
        assert_eq!(server.active_connections(), 0);
        assert_eq!(dropped.get(), 3, "every callback was dropped");
    });
}

#[test]
fn connect_from_a_local_address() {
    use corio_net::ConnectOptions;
    run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        // All of 127/8 is loopback on Linux: 127.0.0.2 is a distinct local address.
        let options = ConnectOptions::new().local_addr(SocketAddr::from(([127, 0, 0, 2], 0)));
        let (_r, w) = corio_net::open_connection_with(listener.local_addr().unwrap(), &options)
            .await
            .unwrap();
        let (_conn, peer) = listener.accept().await.unwrap();
        assert_eq!(peer.ip(), std::net::Ipv4Addr::new(127, 0, 0, 2));
        assert_eq!(
            w.get_extra_info().sockname().and_then(|a| a.as_inet()),
            Some(peer)
        );
        // An address of the other family leaves nothing to try: a typed error.
        let v6 = ConnectOptions::new().local_addr("[::1]:0".parse().unwrap());
        assert!(
            corio_net::open_connection_with(listener.local_addr().unwrap(), &v6)
                .await
                .is_err()
        );
    });
}
