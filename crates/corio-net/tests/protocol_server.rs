//! Protocol servers are the streams' `Server`: `start_serving=False`, `serve_forever`,
//! `close`, `wait_closed` (until every connection is lost), `sockets`, `close_clients`,
//! `abort_clients`, over real TCP and Unix sockets.

use std::cell::RefCell;
use std::io::{self, Read, Write};
use std::rc::Rc;
use std::time::Duration;

use corio_net::ServerOptions;
use corio_net::protocol::{
    BaseProtocol, Protocol, ProtocolLoopExt, Transport, create_server_with, create_unix_server_with,
};

mod common;
use common::until;

type Log = Rc<RefCell<Vec<String>>>;

/// A few turns of the loop, for checks that something did not happen.
async fn turns() {
    for _ in 0..20 {
        corio_runtime::sleep(Duration::from_millis(1)).await;
    }
}

/// Records its callbacks in a log shared by every connection of a server.
#[derive(Debug)]
struct Rec {
    log: Log,
    transport: Option<Transport>,
}

impl BaseProtocol for Rec {
    fn connection_made(&mut self, t: Transport) {
        self.log.borrow_mut().push("made".into());
        self.transport = Some(t);
    }
    fn connection_lost(&mut self, error: Option<io::Error>) {
        self.log
            .borrow_mut()
            .push(format!("lost {:?}", error.map(|e| e.kind())));
    }
}

impl Protocol for Rec {
    fn data_received(&mut self, data: &[u8]) {
        // Echo, so that a client can tell the connection works.
        if let Some(t) = &self.transport {
            let _ = t.write(data);
        }
    }
}

fn factory(log: &Log) -> impl FnMut() -> Rec + 'static {
    let log = log.clone();
    move || Rec {
        log: log.clone(),
        transport: None,
    }
}

fn count(log: &Log, what: &str) -> usize {
    log.borrow().iter().filter(|l| l.starts_with(what)).count()
}

#[test]
fn start_serving_false_accepts_only_once_started() -> Result<(), Box<dyn std::error::Error>> {
    corio_runtime::run(async {
        let log = Log::default();
        let options = ServerOptions::new().start_serving(false);
        let server = create_server_with(factory(&log), "127.0.0.1:0", options).await?;
        assert!(!server.is_serving());
        let addr = server.local_addr()?;
        // The kernel completes the handshake into the backlog; nobody accepts yet.
        let mut client = std::net::TcpStream::connect(addr)?;
        turns().await;
        assert_eq!(count(&log, "made"), 0);
        server.start_serving()?;
        assert!(server.is_serving());
        until(|| count(&log, "made") == 1).await;
        client.write_all(b"ping")?;
        let mut buf = [0; 4];
        client.set_nonblocking(true)?;
        until(|| client.read_exact(&mut buf).is_ok()).await;
        assert_eq!(&buf, b"ping");
        Ok::<(), Box<dyn std::error::Error>>(())
    })??;
    Ok(())
}

#[test]
fn serve_forever_returns_when_closed_and_wait_closed_waits_for_connections()
-> Result<(), Box<dyn std::error::Error>> {
    corio_runtime::run(async {
        let log = Log::default();
        let options = ServerOptions::new().start_serving(false);
        let server = Rc::new(create_server_with(factory(&log), "127.0.0.1:0", options).await?);
        let addr = server.local_addr()?;
        let serving = corio_runtime::spawn({
            let server = server.clone();
            async move { server.serve_forever().await }
        });
        until(|| server.is_serving()).await;
        let mut client = std::net::TcpStream::connect(addr)?;
        until(|| server.active_connections() == 1).await;
        server.close();
        serving.await??;
        assert!(!server.is_serving());
        assert!(server.sockets().is_empty());
        assert!(server.start_serving().is_err());
        // The connection outlives close(): wait_closed waits for it to be lost.
        let waiting = corio_runtime::spawn({
            let server = server.clone();
            async move { server.wait_closed().await }
        });
        turns().await;
        assert!(!waiting.done());
        assert_eq!(count(&log, "lost"), 0);
        client.write_all(b"still served")?;
        client.set_nonblocking(true)?;
        let mut buf = [0; 12];
        until(|| client.read_exact(&mut buf).is_ok()).await;
        assert_eq!(&buf, b"still served");
        drop(client);
        waiting.await?;
        assert_eq!(*log.borrow(), ["made", "lost None"]);
        assert_eq!(server.active_connections(), 0);
        Ok::<(), Box<dyn std::error::Error>>(())
    })??;
    Ok(())
}

#[test]
fn close_clients_closes_every_transport() -> Result<(), Box<dyn std::error::Error>> {
    corio_runtime::run(async {
        let log = Log::default();
        let server = corio_runtime::get_running_loop()?
            .create_server(factory(&log), "127.0.0.1:0")
            .await?;
        let addr = server.local_addr()?;
        let mut a = std::net::TcpStream::connect(addr)?;
        let mut b = std::net::TcpStream::connect(addr)?;
        until(|| server.active_connections() == 2).await;
        server.close_clients();
        until(|| count(&log, "lost") == 2).await;
        assert_eq!(count(&log, "lost None"), 2);
        // Each peer reads end-of-file.
        let mut rest = Vec::new();
        a.read_to_end(&mut rest)?;
        b.read_to_end(&mut rest)?;
        assert!(rest.is_empty());
        server.close();
        server.wait_closed().await;
        Ok::<(), Box<dyn std::error::Error>>(())
    })??;
    Ok(())
}

#[test]
fn abort_clients_aborts_every_transport() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::temp_dir().join(format!("corio-test-psrv-{}.sock", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let p = path.clone();
    corio_runtime::run(async move {
        let log = Log::default();
        let server = create_unix_server_with(factory(&log), &p, ServerOptions::new()).await?;
        assert!(server.sockets()[0].as_unix().is_some());
        assert!(server.local_addr().is_err()); // no TCP socket
        let mut client = std::os::unix::net::UnixStream::connect(&p)?;
        until(|| server.active_connections() == 1).await;
        server.abort_clients();
        server.close();
        server.wait_closed().await;
        assert_eq!(*log.borrow(), ["made", "lost None"]);
        let mut rest = Vec::new();
        // Aborted: the peer sees end-of-file or a reset, never more data.
        assert!(client.read_to_end(&mut rest).map_or(true, |n| n == 0));
        Ok::<(), Box<dyn std::error::Error>>(())
    })??;
    assert!(!path.exists()); // removed on close
    Ok(())
}

#[test]
fn dropping_the_server_stops_accepting_but_keeps_connections()
-> Result<(), Box<dyn std::error::Error>> {
    corio_runtime::run(async {
        let log = Log::default();
        let server = create_server_with(factory(&log), "127.0.0.1:0", ServerOptions::new()).await?;
        let addr = server.local_addr()?;
        let mut client = std::net::TcpStream::connect(addr)?;
        until(|| count(&log, "made") == 1).await;
        drop(server);
        assert!(std::net::TcpStream::connect(addr).is_err());
        client.write_all(b"echo")?;
        client.set_nonblocking(true)?;
        let mut buf = [0; 4];
        until(|| client.read_exact(&mut buf).is_ok()).await;
        assert_eq!(&buf, b"echo");
        Ok::<(), Box<dyn std::error::Error>>(())
    })??;
    Ok(())
}
