//! hyper 1.x on corio: the runtime traits hyper asks of an executor, implemented over corio.
//!
//! hyper does not own a runtime; it asks for three things, and this module gives each one:
//!
//! | hyper's trait | corio's type | what it does |
//! |---|---|---|
//! | [`hyper::rt::Read`] / [`hyper::rt::Write`] | [`HyperIo`] | wraps any `futures-io` stream (a corio [`TcpStream`](crate::TcpStream), a `UnixStream`, a TLS stream) |
//! | [`hyper::rt::Executor`] | [`CorioExecutor`] | spawns hyper's background futures (HTTP/2 streams, client connections) as tasks on the running corio loop |
//! | [`hyper::rt::Timer`] | [`CorioTimer`] | sleeps on the running loop's clock (header-read timeouts, keep-alive, HTTP/2 pings) |
//!
//! The types are written for corio, not borrowed from `hyper-util`'s tokio glue: the loop is
//! single-threaded, so the executor takes `!Send` futures, and the timer uses the loop's own
//! clock, which is virtual under a virtual-time loop (hyper then times out in virtual time too).
//!
//! # Examples
//!
//! An HTTP/1.1 server and a client on one loop:
//!
//! ```
//! use bytes::Bytes;
//! use http_body_util::{BodyExt, Full};
//! use hyper::{Request, Response, body::Incoming, service::service_fn};
//! use corio_net::hyper::HyperIo;
//! use corio_net::{TcpListener, TcpStream};
//!
//! corio_runtime::run(async {
//!     let listener = TcpListener::bind("127.0.0.1:0").await?;
//!     let addr = listener.local_addr()?;
//!     corio_runtime::try_spawn(async move {
//!         let (stream, _) = listener.accept().await.unwrap();
//!         let service = service_fn(|_req: Request<Incoming>| async {
//!             Ok::<_, std::convert::Infallible>(Response::new(Full::new(Bytes::from("hi"))))
//!         });
//!         hyper::server::conn::http1::Builder::new()
//!             .serve_connection(HyperIo::new(stream), service)
//!             .await
//!             .unwrap();
//!     })?;
//!
//!     let stream = TcpStream::connect(addr).await?;
//!     let (mut sender, conn) = hyper::client::conn::http1::handshake(HyperIo::new(stream)).await?;
//!     corio_runtime::try_spawn(conn)?;
//!     let req = Request::get("/").body(Full::new(Bytes::new()))?;
//!     let res = sender.send_request(req).await?;
//!     assert_eq!(res.status(), 200);
//!     assert_eq!(res.into_body().collect().await?.to_bytes(), "hi");
//!     Ok::<(), Box<dyn std::error::Error>>(())
//! })??;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod executor;
mod io;
mod timer;

pub use executor::CorioExecutor;
pub use io::HyperIo;
pub use timer::{CorioTimer, HyperSleep};
