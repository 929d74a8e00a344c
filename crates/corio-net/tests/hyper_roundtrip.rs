//! hyper 1.x on corio: a server and a client on one loop, keep-alive, timers, and HTTP/2
//! through the executor.
#![cfg(feature = "hyper")]

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use corio_net::hyper::{CorioExecutor, CorioTimer, HyperIo};
use corio_net::{TcpListener, TcpStream};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};

async fn hello(req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let path = req.uri().path().to_owned();
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    Ok(Response::new(Full::new(Bytes::from(format!(
        "{path}:{}",
        body.len()
    )))))
}

#[test]
fn http1_round_trips_with_keep_alive() {
    corio_runtime::run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = corio_runtime::try_spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            hyper::server::conn::http1::Builder::new()
                .timer(CorioTimer::new())
                .header_read_timeout(Duration::from_secs(30))
                .serve_connection(HyperIo::new(stream), service_fn(hello))
                .await
        })
        .unwrap();

        let stream = TcpStream::connect(addr).await.unwrap();
        let (mut sender, conn) = hyper::client::conn::http1::handshake(HyperIo::new(stream))
            .await
            .unwrap();
        let conn = corio_runtime::try_spawn(conn).unwrap();
        // Several requests on one connection (keep-alive).
        for i in 0..3 {
            let req = Request::post(format!("/r{i}"))
                .body(Full::new(Bytes::from(vec![b'x'; 1000 * i])))
                .unwrap();
            let res = sender.send_request(req).await.unwrap();
            assert_eq!(res.status(), 200);
            let body = res.into_body().collect().await.unwrap().to_bytes();
            assert_eq!(body, format!("/r{i}:{}", 1000 * i));
        }
        drop(sender);
        // The client closes; the server's connection future ends cleanly.
        conn.await.unwrap().unwrap();
        server.await.unwrap().unwrap();
    })
    .unwrap();
}

#[test]
fn header_read_timeout_fires_on_the_loop_clock() {
    corio_runtime::run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = corio_runtime::try_spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            hyper::server::conn::http1::Builder::new()
                .timer(CorioTimer::new())
                .header_read_timeout(Duration::from_millis(50))
                .serve_connection(HyperIo::new(stream), service_fn(hello))
                .await
        })
        .unwrap();
        // A client that connects and sends half a request, then stalls.
        let mut stream = TcpStream::connect(addr).await.unwrap();
        futures_lite::AsyncWriteExt::write_all(&mut stream, b"GET / HTTP/1.1\r\n")
            .await
            .unwrap();
        let err = server.await.unwrap().unwrap_err();
        assert!(err.is_timeout(), "{err:?}");
        drop(stream);
    })
    .unwrap();
}

#[test]
fn http2_runs_its_streams_on_the_corio_executor() {
    corio_runtime::run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        corio_runtime::try_spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            hyper::server::conn::http2::Builder::new(CorioExecutor::new())
                .timer(CorioTimer::new())
                .serve_connection(HyperIo::new(stream), service_fn(hello))
                .await
        })
        .unwrap();
        let stream = TcpStream::connect(addr).await.unwrap();
        let (sender, conn) = hyper::client::conn::http2::Builder::new(CorioExecutor::new())
            .timer(CorioTimer::new())
            .handshake(HyperIo::new(stream))
            .await
            .unwrap();
        corio_runtime::try_spawn(conn).unwrap();
        // Concurrent streams on one connection.
        let mut tasks = Vec::new();
        for i in 0..10 {
            let mut sender = sender.clone();
            tasks.push(
                corio_runtime::try_spawn(async move {
                    let req = Request::get(format!("/s{i}"))
                        .body(Full::new(Bytes::new()))
                        .unwrap();
                    let res = sender.send_request(req).await.unwrap();
                    res.into_body().collect().await.unwrap().to_bytes()
                })
                .unwrap(),
            );
        }
        for (i, t) in tasks.into_iter().enumerate() {
            assert_eq!(t.await.unwrap(), format!("/s{i}:0"));
        }
    })
    .unwrap();
}

#[test]
fn a_large_body_arrives_whole() {
    corio_runtime::run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        corio_runtime::try_spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            // Echoes the request body back.
            let echo = service_fn(|req: Request<Incoming>| async move {
                let body = req.into_body().collect().await?.to_bytes();
                Ok::<_, hyper::Error>(Response::new(Full::new(body)))
            });
            hyper::server::conn::http1::Builder::new()
                .serve_connection(HyperIo::new(stream), echo)
                .await
        })
        .unwrap();
        let stream = TcpStream::connect(addr).await.unwrap();
        let (mut sender, conn) = hyper::client::conn::http1::handshake(HyperIo::new(stream))
            .await
            .unwrap();
        corio_runtime::try_spawn(conn).unwrap();
        let body: Vec<u8> = (0..1 << 20).map(|i: u32| (i % 251) as u8).collect();
        let req = Request::post("/echo")
            .body(Full::new(Bytes::from(body.clone())))
            .unwrap();
        let res = sender.send_request(req).await.unwrap();
        let got = res.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(got.len(), body.len());
        assert!(got == body, "the body came back changed");
    })
    .unwrap();
}
