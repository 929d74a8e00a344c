//! TLS round trips with certificates made at test time (rcgen).
#![cfg(feature = "tls")]

mod common;

use std::sync::Arc;

use common::run;
use corio_net::tls::{rustls, start_tls, start_tls_server};
use corio_net::{
    ConnectOptions, ServerOptions, StreamReader, StreamWriter, TcpListener, open_connection,
    open_connection_with, open_unix_connection_with, start_server_with, start_unix_server_with,
};
use rustls::pki_types::PrivateKeyDer;

struct Certs {
    server: Arc<rustls::ServerConfig>,
    client: Arc<rustls::ClientConfig>,
    der: Vec<u8>,
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn certs(alpn: &[&[u8]]) -> Certs {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let mut server = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.cert.der().clone()],
            PrivateKeyDer::Pkcs8(cert.signing_key.serialize_der().into()),
        )
        .unwrap();
    server.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert.cert.der().clone()).unwrap();
    let mut client = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    client.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    Certs {
        server: Arc::new(server),
        client: Arc::new(client),
        der: cert.cert.der().to_vec(),
    }
}

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

#[test]
fn tls_echo_round_trips() {
    let certs = certs(&[b"corio/1"]);
    run(async move {
        let options = ServerOptions::new().tls(certs.server.clone());
        let server = start_server_with(echo, "127.0.0.1:0", options)
            .await
            .unwrap();
        let addr = server.sockets()[0].as_inet().unwrap();
        let options = ConnectOptions::new().tls(certs.client.clone(), "localhost");
        let (mut reader, writer) = open_connection_with(addr, &options).await.unwrap();
        let info = writer.get_extra_info();
        assert_eq!(info.alpn_protocol(), Some(&b"corio/1"[..]));
        assert_eq!(info.peer_certificates().unwrap()[0], certs.der);
        assert_eq!(info.peername().and_then(|a| a.as_inet()), Some(addr));
        assert!(!writer.can_write_eof());
        for i in 0..50 {
            let line = format!("secret {i}\n");
            writer.write(line.as_bytes()).unwrap();
            writer.drain().await.unwrap();
            assert_eq!(reader.readline().await.unwrap(), line.as_bytes());
        }
        // Much data both ways, more than the socket buffers hold.
        let mut line = vec![b'y'; 1023];
        line.push(b'\n');
        let big = line.repeat(3000);
        let expected = big.len();
        let r = corio_runtime::try_spawn(async move {
            let mut total = 0;
            while total < expected {
                total += reader.read(1 << 16).await.unwrap().len();
            }
            (reader, total)
        })
        .unwrap();
        writer.write(&big).unwrap();
        writer.drain().await.unwrap();
        let (mut reader, total) = r.await.unwrap();
        assert_eq!(total, big.len());
        writer.close();
        writer.wait_closed().await.unwrap();
        assert_eq!(reader.readline().await.unwrap(), b"");
    });
}

#[test]
fn an_untrusted_certificate_is_a_typed_error_and_the_server_goes_on() {
    let good = certs(&[]);
    let other = certs(&[]); // a client that trusts another certificate
    run(async move {
        let options = ServerOptions::new().tls(good.server.clone());
        let server = start_server_with(echo, "127.0.0.1:0", options)
            .await
            .unwrap();
        let addr = server.sockets()[0].as_inet().unwrap();

        let bad = ConnectOptions::new().tls(other.client.clone(), "localhost");
        let err = open_connection_with(addr, &bad).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData, "{err}");

        let wrong_name = ConnectOptions::new().tls(good.client.clone(), "example.com");
        assert!(open_connection_with(addr, &wrong_name).await.is_err());

        let bad_name = ConnectOptions::new().tls(good.client.clone(), "not a name!");
        let err = open_connection_with(addr, &bad_name).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);

        // A plaintext client gets no callback, at most a TLS alert record (content type
        // 21), and the server goes on.
        let (mut r, w) = open_connection(addr).await.unwrap();
        w.write(b"GET / HTTP/1.0\r\n\r\n").unwrap();
        let reply = r.read_to_eof().await.unwrap_or_default();
        assert!(reply.is_empty() || reply[0] == 21, "{reply:?}");

        let ok = ConnectOptions::new().tls(good.client.clone(), "localhost");
        let (mut reader, writer) = open_connection_with(addr, &ok).await.unwrap();
        writer.write(b"still serving\n").unwrap();
        assert_eq!(reader.readline().await.unwrap(), b"still serving\n");
    });
}

/// STARTTLS: a plaintext exchange, then both sides upgrade the same connection.
#[test]
fn start_tls_upgrades_an_open_connection() {
    let certs = certs(&[]);
    run(async move {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server_config = certs.server.clone();
        let server = corio_runtime::try_spawn(async move {
            let (conn, _) = listener.accept().await.unwrap();
            let reader = StreamReader::new(conn.clone()).boxed();
            let writer = StreamWriter::new(conn).boxed();
            let mut reader = reader;
            assert_eq!(reader.readline().await.unwrap(), b"STARTTLS\n");
            writer.write(b"OK\n").unwrap();
            let (mut reader, writer) = start_tls_server(reader, writer, server_config)
                .await
                .unwrap();
            let line = reader.readline().await.unwrap();
            writer.write(&line.to_ascii_uppercase()).unwrap();
            writer.close();
            writer.wait_closed().await.unwrap();
        })
        .unwrap();

        let (mut reader, writer) = open_connection(addr).await.unwrap();
        writer.write(b"STARTTLS\n").unwrap();
        assert_eq!(reader.readline().await.unwrap(), b"OK\n");
        let (mut reader, writer) = start_tls(reader, writer, certs.client.clone(), "localhost")
            .await
            .unwrap();
        assert!(writer.get_extra_info().peer_certificates().is_some());
        writer.write(b"whisper\n").unwrap();
        assert_eq!(reader.readline().await.unwrap(), b"WHISPER\n");
        assert_eq!(reader.readline().await.unwrap(), b"");
        server.await.unwrap();
    });
}

#[test]
fn start_tls_refuses_a_shared_writer() {
    let certs = certs(&[]);
    run(async move {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let (reader, writer) = open_connection(listener.local_addr().unwrap())
            .await
            .unwrap();
        let _clone = writer.clone();
        let err = start_tls(reader, writer, certs.client.clone(), "localhost")
            .await
            .unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    });
}

#[test]
fn tls_over_a_unix_socket() {
    let certs = certs(&[]);
    run(async move {
        let path = std::env::temp_dir().join(format!("corio-tls-{}.sock", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let options = ServerOptions::new().tls(certs.server.clone());
        let server = start_unix_server_with(echo, &path, options).await.unwrap();
        let options = ConnectOptions::new().tls(certs.client.clone(), "localhost");
        let (mut reader, writer) = open_unix_connection_with(&path, &options).await.unwrap();
        writer.write(b"over unix and tls\n").unwrap();
        assert_eq!(reader.readline().await.unwrap(), b"over unix and tls\n");
        drop(server);
        assert!(!path.exists());
    });
}

#[test]
fn handshake_timeouts_on_both_sides() {
    use std::time::Duration;
    let certs = certs(&[]);
    run(async move {
        // A server whose client never starts the handshake drops it after the timeout.
        let options = ServerOptions::new()
            .tls(certs.server.clone())
            .tls_handshake_timeout(Duration::from_millis(100));
        let server = start_server_with(echo, "127.0.0.1:0", options)
            .await
            .unwrap();
        let (mut silent, _w) = open_connection(server.sockets()[0].as_inet().unwrap())
            .await
            .unwrap();
        assert_eq!(silent.read_to_eof().await.unwrap(), b"");
        while server.active_connections() > 0 {
            corio_runtime::sleep(Duration::from_millis(1)).await;
        }

        // A client whose server never answers gives up with TimedOut.
        let mute = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let options = ConnectOptions::new()
            .tls(certs.client.clone(), "localhost")
            .tls_handshake_timeout(Duration::from_millis(100));
        let err = open_connection_with(mute.local_addr().unwrap(), &options)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
    });
}
