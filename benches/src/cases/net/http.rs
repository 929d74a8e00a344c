//! HTTP/1.1 plaintext under wrk: hyper on each runtime, and a hand-written server on each.
//!
//! The server runs on a thread of its own with its runtime; `wrk -t1 -c64 -d2s --latency`
//! (a separate process, apt package `wrk`) loads it over loopback. Each row reports µs per
//! request (1 / throughput, so that lower is better like every row) and wrk's p99 latency.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::process::Command;
use std::sync::mpsc;
use std::thread;

use bytes::Bytes;
use futures_lite::{AsyncReadExt, AsyncWriteExt};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};

use crate::measure::{Case, Contender, Metric, Repeat, Sample, Unit};

const CONNECTIONS: &str = "64";
const DURATION: &str = "2s";
const BODY: &[u8] = b"Hello, World!";
const RESPONSE: &[u8] =
    b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 13\r\n\r\nHello, World!";

pub(super) fn cases() -> Vec<Case> {
    vec![
        Case {
            metrics: vec![
                Metric {
                    id: "http_hyper",
                    title: "HTTP/1.1 plaintext, hyper, wrk -c64 (µs/request)",
                    unit: Unit::Micros,
                },
                Metric {
                    id: "http_hyper_p99",
                    title: "HTTP/1.1 plaintext, hyper, wrk -c64: p99 latency",
                    unit: Unit::Micros,
                },
                Metric {
                    id: "http_hyper_cpu",
                    title: "HTTP/1.1 plaintext, hyper: server CPU per request",
                    unit: Unit::Micros,
                },
            ],
            corio: Contender {
                label: "hyper + corio-net",
                bench: || run(Server::HyperCorio),
            },
            tokio: Some(Contender {
                label: "hyper + tokio (current-thread)",
                bench: || run(Server::HyperTokio),
            }),
            smol: Some(Contender {
                label: "hyper + async-io (HyperIo)",
                bench: || run(Server::HyperSmol),
            }),
            repeat: Repeat::Latency,
            note: "A server thread with its runtime serves `Hello, World!` with hyper 1.x's HTTP/1.1 connection (keep-alive, a task per connection, TCP_NODELAY); `wrk -t1 -c64 -d2s --latency` loads it from another process over loopback (each side has a core of this 2-core machine); each contender makes 15 such runs, taking turns, since one run's p99 depends on how many of its requests the host's vCPU preemptions happen to touch. The first row is wall µs per request (1e6 / wrk's Requests/sec); the second is wrk's 99th-percentile latency; the third is the CPU time the server's process used during the wrk run (every thread; wrk is another process) divided by the requests wrk completed, the steadier number on a loaded machine (a server that spins instead of sleeping shows up there). tokio uses hyper-util's TokioIo on a current-thread runtime with a LocalSet; smol uses async-io's Async<TcpStream> through corio-net's futures-io adapter (HyperIo), since hyper has no smol glue of its own. Needs `wrk` on PATH (apt-get install wrk).",
        },
        Case {
            metrics: vec![
                Metric {
                    id: "http_raw",
                    title: "HTTP/1.1 plaintext, hand-written server, wrk -c64 (µs/request)",
                    unit: Unit::Micros,
                },
                Metric {
                    id: "http_raw_p99",
                    title: "HTTP/1.1 plaintext, hand-written server: p99 latency",
                    unit: Unit::Micros,
                },
                Metric {
                    id: "http_raw_cpu",
                    title: "HTTP/1.1 plaintext, hand-written server: server CPU per request",
                    unit: Unit::Micros,
                },
            ],
            corio: Contender {
                label: "corio-net TcpStream",
                bench: || run(Server::RawCorio),
            },
            tokio: Some(Contender {
                label: "tokio::net (current-thread)",
                bench: || run(Server::RawTokio),
            }),
            smol: Some(Contender {
                label: "async-io Async<TcpStream>",
                bench: || run(Server::RawSmol),
            }),
            repeat: Repeat::Latency,
            note: "As the hyper row, but each connection is a loop that reads into a 4 KiB buffer, answers every complete request (ended by an empty line) with a fixed 13-byte plaintext response, and writes the answers in one write: the runtime's socket path with no HTTP library on top.",
        },
    ]
}

#[derive(Debug, Clone, Copy)]
enum Server {
    HyperCorio,
    HyperTokio,
    HyperSmol,
    RawCorio,
    RawTokio,
    RawSmol,
}

/// Starts the server on its thread, runs wrk against it, stops it; returns
/// [µs per request, p99 µs, server CPU µs per request].
fn run(server: Server) -> Vec<Sample> {
    let (addr_tx, addr_rx) = mpsc::channel();
    let (stop_tx, stop_rx) = async_channel::bounded::<()>(1);
    let thread = thread::spawn(move || serve(server, addr_tx, stop_rx));
    let addr: SocketAddr = addr_rx.recv().expect("the server thread binds");
    let cpu_before = crate::rt::process_cpu_secs();
    let out = Command::new("wrk")
        .args(["-t1", "-c", CONNECTIONS, "-d", DURATION, "--latency"])
        .arg(format!("http://{addr}/"))
        .output()
        .expect("run wrk (apt-get install wrk)");
    let cpu = crate::rt::process_cpu_secs() - cpu_before;
    drop(stop_tx);
    thread.join().expect("the server thread");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "wrk failed: {text}");
    let (rps, p99) = parse_wrk(&text).unwrap_or_else(|| panic!("unexpected wrk output:\n{text}"));
    assert!(
        !text.contains("Non-2xx") && !text.contains("Socket errors"),
        "wrk saw errors:\n{text}"
    );
    let requests = parse_requests(&text).unwrap_or_else(|| panic!("no request count:\n{text}"));
    let cpu_per_request = cpu * 1e6 / requests;
    // The whole distribution, for reading the medians' spread (p50-p90 are where the
    // runtimes differ; p99 is where the host's preemptions show).
    let percentiles: Vec<String> = [50, 75, 90]
        .iter()
        .filter_map(|p| percentile_us(&text, *p).map(|v| format!("p{p} {v:.0}")))
        .collect();
    eprintln!(
        "      {server:?}: {rps:.0} requests/s, {} p99 {p99:.0} µs, server CPU {cpu_per_request:.1} µs/request",
        percentiles.join(" ")
    );
    vec![
        Sample::plain(1e6 / rps),
        Sample::plain(p99),
        Sample::plain(cpu_per_request),
    ]
}

/// `Requests/sec:` and the `99%` line of `--latency`, in requests/s and µs.
fn parse_wrk(text: &str) -> Option<(f64, f64)> {
    let rps = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Requests/sec:"))?
        .trim()
        .parse()
        .ok()?;
    Some((rps, percentile_us(text, 99)?))
}

/// A line of wrk's `--latency` distribution (`  99%  812.00us`), in µs.
fn percentile_us(text: &str, percent: u32) -> Option<f64> {
    let label = format!("{percent}%");
    text.lines()
        .find_map(|l| l.trim().strip_prefix(label.as_str()))
        .and_then(|v| parse_duration_us(v.trim()))
}

/// wrk's `N requests in ...` line.
fn parse_requests(text: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.trim().split_once(" requests in "))
        .and_then(|(n, _)| n.trim().parse().ok())
}

fn parse_duration_us(v: &str) -> Option<f64> {
    let (num, scale) = if let Some(n) = v.strip_suffix("us") {
        (n, 1.0)
    } else if let Some(n) = v.strip_suffix("ms") {
        (n, 1e3)
    } else if let Some(n) = v.strip_suffix('s') {
        (n, 1e6)
    } else {
        return None;
    };
    num.parse::<f64>().ok().map(|n| n * scale)
}

fn serve(server: Server, addr_tx: mpsc::Sender<SocketAddr>, stop: async_channel::Receiver<()>) {
    let stopped = async move {
        let _ = stop.recv().await;
    };
    match server {
        Server::HyperCorio | Server::RawCorio => {
            let lp = corio_runtime::EventLoop::new().expect("corio loop");
            lp.run_until_complete(futures_lite::future::or(
                async move {
                    let listener = corio_net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                    addr_tx.send(listener.local_addr().unwrap()).unwrap();
                    loop {
                        let (s, _) = listener.accept().await.unwrap();
                        s.set_nodelay(true).unwrap();
                        let conn = async move {
                            if matches!(server, Server::HyperCorio) {
                                let _ = hyper::server::conn::http1::Builder::new()
                                    .serve_connection(
                                        corio_net::hyper::HyperIo::new(s),
                                        service_fn(hello),
                                    )
                                    .await;
                            } else {
                                raw_futures_io(s).await;
                            }
                        };
                        corio_runtime::try_spawn(conn).unwrap();
                    }
                },
                stopped,
            ))
            .expect("corio server");
            lp.close().expect("close the loop");
        }
        Server::HyperTokio | Server::RawTokio => {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("tokio runtime");
            rt.block_on(
                tokio::task::LocalSet::new().run_until(futures_lite::future::or(
                    async move {
                        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                        addr_tx.send(listener.local_addr().unwrap()).unwrap();
                        loop {
                            let (s, _) = listener.accept().await.unwrap();
                            s.set_nodelay(true).unwrap();
                            tokio::task::spawn_local(async move {
                                if matches!(server, Server::HyperTokio) {
                                    let _ = hyper::server::conn::http1::Builder::new()
                                        .serve_connection(
                                            hyper_util::rt::TokioIo::new(s),
                                            service_fn(hello),
                                        )
                                        .await;
                                } else {
                                    raw_tokio(s).await;
                                }
                            });
                        }
                    },
                    stopped,
                )),
            );
        }
        Server::HyperSmol | Server::RawSmol => {
            let ex = async_executor::LocalExecutor::new();
            async_io::block_on(ex.run(futures_lite::future::or(
                async {
                    let listener =
                        async_io::Async::<std::net::TcpListener>::bind(([127, 0, 0, 1], 0))
                            .unwrap();
                    addr_tx
                        .send(listener.get_ref().local_addr().unwrap())
                        .unwrap();
                    loop {
                        let (s, _) = listener.accept().await.unwrap();
                        s.get_ref().set_nodelay(true).unwrap();
                        ex.spawn(async move {
                            if matches!(server, Server::HyperSmol) {
                                let _ = hyper::server::conn::http1::Builder::new()
                                    .serve_connection(
                                        corio_net::hyper::HyperIo::new(s),
                                        service_fn(hello),
                                    )
                                    .await;
                            } else {
                                raw_futures_io(s).await;
                            }
                        })
                        .detach();
                    }
                },
                stopped,
            )));
        }
    }
}

async fn hello(_req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let mut response = Response::new(Full::new(Bytes::from_static(BODY)));
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/plain"),
    );
    Ok(response)
}

/// Takes the complete requests (each ended by an empty line) off the front of `inbox` and
/// appends one response per request to `outbox`.
fn answer(inbox: &mut Vec<u8>, outbox: &mut Vec<u8>) {
    let mut start = 0;
    while let Some(end) = inbox[start..].windows(4).position(|w| w == b"\r\n\r\n") {
        start += end + 4;
        outbox.extend_from_slice(RESPONSE);
    }
    inbox.drain(..start);
}

async fn raw_futures_io<S: futures_lite::AsyncRead + futures_lite::AsyncWrite + Unpin>(mut s: S) {
    let mut buf = [0u8; 4096];
    let mut inbox = Vec::new();
    let mut outbox = Vec::new();
    loop {
        match s.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => inbox.extend_from_slice(&buf[..n]),
        }
        answer(&mut inbox, &mut outbox);
        if !outbox.is_empty() {
            if s.write_all(&outbox).await.is_err() {
                return;
            }
            outbox.clear();
        }
    }
}

async fn raw_tokio(mut s: tokio::net::TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf = [0u8; 4096];
    let mut inbox = Vec::new();
    let mut outbox = Vec::new();
    loop {
        match s.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => inbox.extend_from_slice(&buf[..n]),
        }
        answer(&mut inbox, &mut outbox);
        if !outbox.is_empty() {
            if s.write_all(&outbox).await.is_err() {
                return;
            }
            outbox.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrk_output_parses() {
        let text = "  Latency Distribution\n     50%  1.10ms\n     99%  812.00us\n  100 requests in 2.00s\nRequests/sec:  51234.56\n";
        assert_eq!(parse_wrk(text), Some((51234.56, 812.0)));
        assert_eq!(parse_requests(text), Some(100.0));
        assert_eq!(percentile_us(text, 50), Some(1100.0));
        assert_eq!(percentile_us(text, 90), None);
        assert_eq!(parse_duration_us("1.5ms"), Some(1500.0));
        assert_eq!(parse_duration_us("2.00s"), Some(2e6));
    }

    #[test]
    fn answers_only_complete_requests() {
        let mut inbox = b"GET / HTTP/1.1\r\n\r\nGET / HT".to_vec();
        let mut outbox = Vec::new();
        answer(&mut inbox, &mut outbox);
        assert_eq!(outbox, RESPONSE);
        assert_eq!(inbox, b"GET / HT");
    }
}
