//! Stream sockets: Unix socket errors, half-close, peer addresses; vectored I/O on TCP.

mod common;

use std::net::Shutdown;

use common::run;
use corio_net::{UnixListener, UnixStream, open_unix_connection};
use futures_lite::{AsyncReadExt, AsyncWriteExt};

fn temp_path(name: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("corio-unix-{}-{name}.sock", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

#[test]
fn connect_errors_are_typed() {
    run(async {
        let missing = temp_path("missing");
        let err = UnixStream::connect(&missing).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
        assert!(open_unix_connection(&missing).await.is_err());

        let path = temp_path("taken");
        let _listener = UnixListener::bind(&path).unwrap();
        let err = UnixListener::bind(&path).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);

        // A socket file whose listener is gone: refused.
        drop(_listener);
        let err = UnixStream::connect(&path).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
        std::fs::remove_file(&path).unwrap();
    });
}

#[test]
fn half_close_and_addresses() {
    run(async {
        let path = temp_path("half");
        let listener = UnixListener::bind(&path).unwrap();
        let mut client = UnixStream::connect(&path).await.unwrap();
        let (mut conn, _) = listener.accept().await.unwrap();
        assert_eq!(
            client.peer_addr().unwrap().as_pathname(),
            Some(path.as_path())
        );
        assert_eq!(
            conn.local_addr().unwrap().as_pathname(),
            Some(path.as_path())
        );
        client.write_all(b"request").await.unwrap();
        client.shutdown(Shutdown::Write).unwrap();
        let mut got = Vec::new();
        conn.read_to_end(&mut got).await.unwrap();
        assert_eq!(got, b"request");
        conn.write_all(b"response").await.unwrap();
        conn.close().await.unwrap();
        let mut answer = Vec::new();
        client.read_to_end(&mut answer).await.unwrap();
        assert_eq!(answer, b"response");
        std::fs::remove_file(&path).unwrap();
    });
}

#[test]
fn vectored_writes_and_reads_on_tcp() {
    use corio_net::{TcpListener, TcpStream};
    use std::io::{IoSlice, IoSliceMut};
    run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (mut conn, _) = listener.accept().await.unwrap();
        let parts = [
            IoSlice::new(b"one "),
            IoSlice::new(b"two "),
            IoSlice::new(b"three"),
        ];
        let n = client.write_vectored(&parts).await.unwrap();
        assert_eq!(n, 13, "one writev took all three slices");
        client.close().await.unwrap();
        let (mut a, mut b) = ([0; 4], [0; 16]);
        // One writev of 13 bytes is one segment on loopback: one readv takes it all.
        let n = conn
            .read_vectored(&mut [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)])
            .await
            .unwrap();
        assert_eq!(n, 13);
        assert_eq!(&a, b"one ");
        assert_eq!(&b[..9], b"two three");
    });
}
