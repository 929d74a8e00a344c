//! The local HTTP stand-in for the web sites the seed programs fetch (www.example.com,
//! baidu.com), as the Python references' `standin.py`: a threaded HTTP/1.1 server on
//! 127.0.0.1 (a free port) that answers every request `200 OK` (body `OK`) after a fixed
//! delay.
//!
//! It runs on its own OS threads (one accepting, one per connection, as Python's
//! `ThreadingHTTPServer`), so it adds no task to the program's event loop and also serves
//! blocking clients called from inside a task. Written with `std::net` and threads rather than
//! an HTTP server crate: a handful of lines answer the one request shape the ports send, and
//! a blocking server on threads is what the stand-in must be (hyper needs a runtime).

use std::io::{self, BufRead, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// A running stand-in server; stopped when dropped (and with the process in any case: its
/// threads do not keep the program alive).
pub(crate) struct Standin {
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

struct Shared {
    stopping: AtomicBool,
    /// The open connections, so that a stop can end them (a keep-alive connection otherwise
    /// waits in `read` for the client's next request).
    open: Mutex<Vec<(u64, TcpStream)>>,
    next_id: AtomicU64,
}

/// Starts a stand-in that answers `200 OK` after `delay` (standin.py's `serve(delay)`).
///
/// # Errors
///
/// The listening socket cannot be bound or its accept thread cannot be started.
pub(crate) fn serve(delay: Duration) -> io::Result<Standin> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let shared = Arc::new(Shared {
        stopping: AtomicBool::new(false),
        open: Mutex::new(Vec::new()),
        next_id: AtomicU64::new(0),
    });
    let accept_shared = shared.clone();
    let acceptor = thread::Builder::new()
        .name("standin-accept".into())
        .spawn(move || accept_loop(&listener, &accept_shared, delay))?;
    Ok(Standin {
        addr,
        shared,
        acceptor: Some(acceptor),
    })
}

impl Standin {
    /// The URL to fetch, `http://127.0.0.1:PORT/`.
    pub(crate) fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }
}

impl Drop for Standin {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // Wakes the acceptor out of `accept`; it sees the flag and returns.
        let _ = TcpStream::connect(self.addr);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
        let open = std::mem::take(
            &mut *self
                .shared
                .open
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        for (_, stream) in open {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>, delay: Duration) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        // A failed accept (the client gave up, out of fds for a moment) loses that one
        // connection only, as in Python's socketserver.
        let Ok(stream) = stream else { continue };
        let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
        if let Ok(clone) = stream.try_clone() {
            shared
                .open
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push((id, clone));
        }
        let conn_shared = shared.clone();
        let spawned = thread::Builder::new()
            .name("standin-conn".into())
            .spawn(move || {
                // A client that hangs up early is not an error here (standin.py's
                // `handle_error` says the same).
                let _ = serve_connection(stream, delay);
                conn_shared
                    .open
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .retain(|(open_id, _)| *open_id != id);
            });
        drop(spawned);
    }
}

/// Answers the requests of one keep-alive connection until the client closes it.
fn serve_connection(stream: TcpStream, delay: Duration) -> io::Result<()> {
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    loop {
        // The request line and headers, up to the empty line. The ports send GETs without
        // a body.
        let mut close = false;
        let mut first = true;
        loop {
            line.clear();
            if reader.read_line(&mut line)? == 0 {
                return Ok(()); // the client closed the connection
            }
            let header = line.trim_end();
            if header.is_empty() {
                if first {
                    continue; // stray CRLF between requests
                }
                break;
            }
            first = false;
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("connection")
                && value.trim().eq_ignore_ascii_case("close")
            {
                close = true;
            }
        }
        thread::sleep(delay);
        writer.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nOK",
        )?;
        writer.flush()?;
        if close {
            return Ok(());
        }
    }
}
