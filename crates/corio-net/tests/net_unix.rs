//! Unix domain sockets: errors, half-close, peer addresses.

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
