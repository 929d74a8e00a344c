//! `standin.py` in Rust: the local HTTP/1.1 server that stands in for the remote sites the
//! seeds fetch (there is no internet here). Every request is answered `200 OK` with body
//! `OK` after the delay the seed names.
//!
//! It is written with corio (a `TcpListener` and hyper's HTTP/1.1 server on the corio
//! loop) and runs on a thread of its own with a loop of its own, as `standin.py` runs its
//! server in a daemon thread: it adds no task to the port's loop (the `all_tasks()` a port
//! prints is unaffected), and it also answers blocking clients called from the port's loop
//! thread. The thread is not joined: like Python's daemon thread it ends with the process.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::mpsc;
use std::time::Duration;

use bytes::Bytes;
use corio::net::TcpListener;
use corio::net::hyper::{CorioTimer, HyperIo};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};

/// Starts the stand-in on a free port of 127.0.0.1 and returns its URL
/// (`http://127.0.0.1:PORT/`); each request is answered after `delay`.
///
/// # Panics
///
/// If the server thread cannot start or bind: a port cannot run without it.
pub(crate) fn serve(delay: Duration) -> String {
    let (tx, rx) = mpsc::channel::<std::io::Result<SocketAddr>>();
    std::thread::Builder::new()
        .name("standin".into())
        .spawn(move || {
            let served = corio::run(async move {
                let listener = match TcpListener::bind("127.0.0.1:0").await {
                    Ok(l) => l,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                };
                let _ = tx.send(listener.local_addr());
                loop {
                    // A failed accept (a client that gave up) is not the server's problem.
                    let Ok((stream, _)) = listener.accept().await else {
                        continue;
                    };
                    let _ = corio::try_spawn(serve_connection(stream, delay));
                }
            });
            if let Err(e) = served {
                eprintln!("standin: {e}");
            }
        })
        .expect("standin: cannot start the server thread");
    let addr = rx
        .recv()
        .expect("standin: the server thread ended before binding")
        .expect("standin: cannot bind 127.0.0.1");
    format!("http://{addr}/")
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
