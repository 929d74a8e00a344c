//! An HTTP/1.1 server: hyper on corio. Answers every request with `Hello, World!` (the
//! TechEmpower "plaintext" answer), keep-alive on, one task per connection.
//!
//! ```text
//! cargo run -p corio-net --features hyper --release --example hyper_server -- 127.0.0.1:8080
//! curl -i http://127.0.0.1:8080/
//! wrk -c64 -d5s http://127.0.0.1:8080/
//! ```
//!
//! With no address it listens on a free port of 127.0.0.1 and prints it.

use std::convert::Infallible;

use bytes::Bytes;
use corio_net::TcpListener;
use corio_net::hyper::{CorioTimer, HyperIo};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};

async fn hello(_req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let mut response = Response::new(Full::new(Bytes::from_static(b"Hello, World!")));
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        "text/plain".parse().unwrap_or_else(|_| unreachable!()),
    );
    Ok(response)
}

async fn serve(addr: String) -> std::io::Result<()> {
    let listener = TcpListener::bind(addr.as_str()).await?;
    println!("listening on http://{}/", listener.local_addr()?);
    loop {
        let (stream, _) = listener.accept().await?;
        // Responses are small: send them at once rather than wait for Nagle.
        stream.set_nodelay(true)?;
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(CorioTimer::new())
            .serve_connection(HyperIo::new(stream), service_fn(hello));
        // A connection that fails (a client that hangs up mid-request) ends its task only.
        corio_runtime::try_spawn(async move {
            if let Err(e) = connection.await {
                eprintln!("connection: {e}");
            }
        })
        .map_err(std::io::Error::other)?;
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:0".to_owned());
    corio_runtime::run(serve(addr))??;
    Ok(())
}
