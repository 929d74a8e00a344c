//! TLS on the protocol endpoints: round trip, clean close (close_notify), a certificate
//! that does not verify. Certificates are made at test time (rcgen).
#![cfg(feature = "tls")]

mod common;

use std::cell::RefCell;
use std::io;
use std::rc::Rc;
use std::time::Duration;

use corio_net::protocol::{
    BaseProtocol, EndpointError, Protocol, Transport, create_tls_connection, create_tls_server,
    create_unix_connection_with, create_unix_tls_server,
};

use common::tls_configs as configs;

type Log = Rc<RefCell<Vec<String>>>;

#[derive(Debug)]
struct Recorder {
    log: Log,
    echo: bool,
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
            error.map_or("none".into(), |e| e.to_string())
        ));
    }
}

impl Protocol for Recorder {
    fn data_received(&mut self, data: &[u8]) {
        self.log
            .borrow_mut()
            .push(format!("data:{}", String::from_utf8_lossy(data)));
        if self.echo {
            self.transport.as_ref().unwrap().write(data).unwrap();
        }
    }
    fn eof_received(&mut self) -> bool {
        self.log.borrow_mut().push("eof".into());
        false
    }
}

async fn until(mut cond: impl FnMut() -> bool) {
    for _ in 0..10_000 {
        if cond() {
            return;
        }
        corio_runtime::sleep(Duration::from_millis(1)).await;
    }
    panic!("condition not met within 10 s");
}

#[test]
fn tls_round_trip_and_clean_close() {
    let (server_config, client_config) = configs();
    corio_runtime::run(async move {
        let server_log: Log = Rc::default();
        let sl = server_log.clone();
        let server = create_tls_server(
            move || Recorder {
                log: sl.clone(),
                echo: true,
                transport: None,
            },
            "127.0.0.1:0",
            server_config,
        )
        .await
        .unwrap();
        let client_log: Log = Rc::default();
        let (t, _) = create_tls_connection(
            || Recorder {
                log: client_log.clone(),
                echo: false,
                transport: None,
            },
            server.local_addr().unwrap(),
            client_config,
            "localhost",
        )
        .await
        .unwrap();
        t.write(b"over tls").unwrap();
        until(|| client_log.borrow().len() >= 2).await;
        assert_eq!(client_log.borrow()[1], "data:over tls");
        // A clean close sends close_notify: the server reads a clean end of file.
        t.close();
        until(|| {
            server_log
                .borrow()
                .last()
                .is_some_and(|l| l.starts_with("lost"))
        })
        .await;
        assert_eq!(
            *server_log.borrow(),
            ["made", "data:over tls", "eof", "lost:none"]
        );
        until(|| {
            client_log
                .borrow()
                .last()
                .is_some_and(|l| l.starts_with("lost"))
        })
        .await;
        assert_eq!(client_log.borrow().last().unwrap(), "lost:none");
    })
    .unwrap();
}

#[test]
fn an_untrusted_certificate_fails_the_connection() {
    let (server_config, _) = configs();
    // A client that trusts another certificate.
    let (_, other_client) = configs();
    corio_runtime::run(async move {
        let server_log: Log = Rc::default();
        let sl = server_log.clone();
        let server = create_tls_server(
            move || Recorder {
                log: sl.clone(),
                echo: true,
                transport: None,
            },
            "127.0.0.1:0",
            server_config,
        )
        .await
        .unwrap();
        let made = Rc::new(RefCell::new(false));
        let err = create_tls_connection(
            || {
                *made.borrow_mut() = true;
                Recorder {
                    log: Rc::default(),
                    echo: false,
                    transport: None,
                }
            },
            server.local_addr().unwrap(),
            other_client,
            "localhost",
        )
        .await
        .unwrap_err();
        match err {
            EndpointError::Io(e) => assert_eq!(e.kind(), io::ErrorKind::InvalidData, "{e}"),
            other => panic!("unexpected {other:?}"),
        }
        assert!(!*made.borrow(), "no protocol for a failed handshake");
        // The server made no protocol either.
        corio_runtime::sleep(Duration::from_millis(50)).await;
        assert!(server_log.borrow().is_empty());
    })
    .unwrap();
}

#[test]
fn tls_over_unix_endpoints_round_trips() {
    let (server_config, client_config) = configs();
    let path = std::env::temp_dir().join(format!("corio-ptls-unix-{}.sock", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let p = path.clone();
    corio_runtime::run(async move {
        let server_log: Log = Rc::default();
        let sl = server_log.clone();
        let _server = create_unix_tls_server(
            move || Recorder {
                log: sl.clone(),
                echo: true,
                transport: None,
            },
            &p,
            server_config,
        )
        .await
        .unwrap();
        let client_log: Log = Rc::default();
        let options = corio_net::ConnectOptions::new().tls(client_config, "localhost");
        let (t, _) = create_unix_connection_with(
            || Recorder {
                log: client_log.clone(),
                echo: false,
                transport: None,
            },
            &p,
            &options,
        )
        .await
        .unwrap();
        t.write(b"over unix").unwrap();
        // The server echoes: the client reads its own bytes back, decrypted.
        until(|| client_log.borrow().iter().any(|l| l == "data:over unix")).await;
        assert!(server_log.borrow().iter().any(|l| l == "data:over unix"));
        t.close();
    })
    .unwrap();
    // The server removed its socket file when it closed (dropped), as asyncio 3.13 does.
    assert!(!path.exists());
}
