//! `standin.py` in Rust: the local HTTP/1.1 server that stands in for the remote sites the
//! seeds fetch (there is no internet here). Every request is answered `200 OK` with body
//! `OK` after the delay the seed names.
//!
//! It is written with corio (a `TcpListener` and hyper's HTTP/1.1 server on the corio
//! loop) and runs on a thread of its own with a loop of its own, as `standin.py` runs its
//! server in a daemon thread: it adds no task to the port's loop (the `all_tasks()` a port
//! prints is unaffected), and it also answers blocking clients called from the port's loop
//! thread (the blocking ports' `requests` stand-ins). Dropping the [`Standin`] stops its loop
//! and joins the thread; a port that exits first ends it with the process, as Python's daemon
//! thread ends.

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use bytes::Bytes;
use corio::net::TcpListener;
use corio::net::hyper::{CorioTimer, HyperIo};
use corio::{EventLoop, LoopHandle};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};

/// A running stand-in; its loop is stopped and its thread joined when it is dropped.
#[derive(Debug)]
pub struct Standin {
    addr: SocketAddr,
    stop: LoopHandle,
    thread: Option<JoinHandle<()>>,
}

impl Standin {
    /// The URL to fetch, `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }
}

impl Drop for Standin {
    fn drop(&mut self) {
        // The loop may be gone already (its thread failed): nothing to stop then.
        let _ = self.stop.stop();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Starts the stand-in on a free port of 127.0.0.1 (standin.py's `serve(delay)`); every
/// request is answered after `delay`.
///
/// # Errors
///
/// The thread cannot be started, or its loop cannot be made or bind the port.
pub fn serve(delay: Duration) -> io::Result<Standin> {
    let (tx, rx) = mpsc::channel::<io::Result<(SocketAddr, LoopHandle)>>();
    let thread = std::thread::Builder::new()
        .name("standin".into())
        .spawn(move || run_server(delay, tx))?;
    let (addr, stop) = rx
        .recv()
        .map_err(|_| io::Error::other("standin: the server thread ended before binding"))??;
    Ok(Standin {
        addr,
        stop,
        thread: Some(thread),
    })
}

/// The server thread: a loop of its own that accepts until stopped.
fn run_server(delay: Duration, ready: mpsc::Sender<io::Result<(SocketAddr, LoopHandle)>>) {
    let event_loop = match EventLoop::new() {
        Ok(l) => l,
        Err(e) => {
            let _ = ready.send(Err(io::Error::other(e)));
            return;
        }
    };
    let handle = event_loop.handle();
    let accept = async move {
        let listener = match TcpListener::bind("127.0.0.1:0").await {
            Ok(l) => l,
            Err(e) => {
                let _ = ready.send(Err(e));
                return;
            }
        };
        let _ = ready.send(listener.local_addr().map(|a| (a, handle)));
        loop {
            // A failed accept (a client that gave up) is not the server's problem.
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = corio::try_spawn(serve_connection(stream, delay));
        }
    };
    if let Err(e) = event_loop.create_task(accept) {
        eprintln!("standin: {e}");
        return;
    }
    if let Err(e) = event_loop.run_forever() {
        eprintln!("standin: {e}");
    }
    // The accept loop and any open connection are still pending: cancel them and give them
    // one iteration to end, so that `close` has no pending task to report ("Task was
    // destroyed but it is pending!" at the end of every port that used the stand-in).
    for task in event_loop.all_tasks() {
        task.cancel();
    }
    event_loop.stop();
    let _ = event_loop.run_forever();
    let _ = event_loop.close();
}

/// Serves one connection (keep-alive: several requests) until the client closes it. A
/// client that hangs up early is not an error here (`standin.py`'s `handle_error`).
async fn serve_connection(stream: corio::net::TcpStream, delay: Duration) {
    let service = service_fn(move |_req: Request<Incoming>| async move {
        corio::sleep(delay).await;
        let response = Response::builder()
            .header("Content-Type", "text/plain")
            .body(Full::new(Bytes::from_static(b"OK")));
        Ok::<_, Infallible>(response.unwrap_or_default())
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .timer(CorioTimer::new())
        .serve_connection(HyperIo::new(stream), service)
        .await;
}
