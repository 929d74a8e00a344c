//! An HTTP/1.1 client: hyper on corio. Fetches a URL and prints the status, the headers and
//! the body.
//!
//! ```text
//! cargo run -p corio-net --features hyper --example hyper_server -- 127.0.0.1:8080 &
//! cargo run -p corio-net --features hyper --example hyper_client -- http://127.0.0.1:8080/
//! ```

use bytes::Bytes;
use corio_net::TcpStream;
use corio_net::hyper::HyperIo;
use http_body_util::{BodyExt, Empty};
use hyper::{Request, Uri};

async fn fetch(url: Uri) -> Result<(), Box<dyn std::error::Error>> {
    if url.scheme_str() != Some("http") {
        return Err(format!("only http:// URLs: {url}").into());
    }
    let host = url.host().ok_or("the URL names no host")?.to_owned();
    let port = url.port_u16().unwrap_or(80);
    let stream = TcpStream::connect((host.as_str(), port)).await?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(HyperIo::new(stream)).await?;
    // The connection runs as a task of its own while the request is sent on it.
    corio_runtime::try_spawn(async move {
        if let Err(e) = connection.await {
            eprintln!("connection: {e}");
        }
    })?;
    let request = Request::get(url.path_and_query().map_or("/", |p| p.as_str()))
        .header(hyper::header::HOST, format!("{host}:{port}"))
        .body(Empty::<Bytes>::new())?;
    let response = sender.send_request(request).await?;
    println!("{:?} {}", response.version(), response.status());
    for (name, value) in response.headers() {
        println!("{name}: {}", value.to_str().unwrap_or("<binary>"));
    }
    let body = response.into_body().collect().await?.to_bytes();
    println!();
    println!("{}", String::from_utf8_lossy(&body));
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url: Uri = std::env::args()
        .nth(1)
        .ok_or("usage: hyper_client URL")?
        .parse()?;
    corio_runtime::run(fetch(url))?
}
