//! The part of aiohttp's `ClientSession` the seeds use, over hyper's HTTP/1.1 client on
//! corio: `session.get(url)` gives the response's status.
//!
//! Like aiohttp's default connector, a session opens at most 100 connections at a time
//! (more requests wait for a slot), and a URL whose scheme is not `http` fails with
//! [`ClientError::NonHttpUrl`] (aiohttp's `NonHttpUrlClientError`) before any I/O.
//!
//! Each request opens its own connection and drives it inside the request's own future:
//! no background task is spawned, so a port's `all_tasks()` shows only its own tasks, as
//! aiohttp's does. (aiohttp keeps idle connections for reuse; the stand-in is local, so a
//! fresh connection costs little, and the outputs do not depend on it.)

use std::fmt;
use std::rc::Rc;
use std::time::Duration;

use bytes::Bytes;
use corio::net::TcpStream;
use corio::net::hyper::HyperIo;
use corio::sync::{Event, Semaphore};
use http_body_util::{BodyExt, Empty};
use hyper::{Request, StatusCode, Uri};

/// aiohttp's default limit of simultaneous connections per session (`TCPConnector(limit=100)`).
const CONNECTION_LIMIT: usize = 100;

/// Why a request failed. `Clone` (the I/O and hyper errors are shared), so that a task
/// whose output holds one can be a `SharedTask`, as `corio::wait` needs.
#[derive(Debug, Clone)]
pub enum ClientError {
    /// The URL's scheme is not `http` (aiohttp's `NonHttpUrlClientError`).
    NonHttpUrl(String),
    /// The URL does not parse or names no host.
    InvalidUrl(String),
    /// Connecting failed.
    Connect(Rc<std::io::Error>),
    /// The HTTP exchange failed.
    Http(Rc<hyper::Error>),
    /// The request's time limit passed (aiohttp's `ClientTimeout(total=...)`: `TimeoutError`).
    Timeout,
    /// The session was closed while the request ran or before it started.
    SessionClosed,
}

impl ClientError {
    /// The error as Python prints it inside a list (`repr`), e.g.
    /// `NonHttpUrlClientError(URL('python://example.com'))`.
    pub fn py_repr(&self) -> String {
        match self {
            ClientError::NonHttpUrl(url) => format!("NonHttpUrlClientError(URL('{url}'))"),
            ClientError::Timeout => "TimeoutError()".to_owned(),
            other => format!("ClientError('{other}')"),
        }
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::NonHttpUrl(url) => write!(f, "NonHttpUrlClientError: {url}"),
            ClientError::InvalidUrl(url) => write!(f, "InvalidUrlClientError: {url}"),
            ClientError::Connect(e) => write!(f, "ClientConnectorError: {e}"),
            ClientError::Http(e) => write!(f, "ClientError: {e}"),
            ClientError::Timeout => f.write_str("TimeoutError"),
            ClientError::SessionClosed => f.write_str("ClientConnectionError: session is closed"),
        }
    }
}

impl std::error::Error for ClientError {}

/// aiohttp's `ClientSession`: cheap to clone (clones share the connection limit).
#[derive(Clone)]
pub struct ClientSession {
    slots: Rc<Semaphore>,
    /// Set by [`ClientSession::close`]: requests in flight end, new ones fail.
    closed: Rc<Event>,
    /// aiohttp's session-wide `ClientTimeout(total=...)`, if any.
    timeout: Option<Duration>,
}

impl fmt::Debug for ClientSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Printed where Python prints `<aiohttp.client.ClientSession object at 0x...>`.
        f.write_str("<aiohttp.client.ClientSession object>")
    }
}

impl Default for ClientSession {
    fn default() -> Self {
        Self::new()
    }
}

impl ClientSession {
    /// aiohttp's `ClientSession()`: no connection yet, at most `CONNECTION_LIMIT` at once.
    pub fn new() -> ClientSession {
        ClientSession {
            slots: Rc::new(Semaphore::new(CONNECTION_LIMIT)),
            closed: Rc::new(Event::new()),
            timeout: None,
        }
    }

    /// A session whose requests each end with [`ClientError::Timeout`] after `total`.
    pub fn with_timeout(total: Duration) -> ClientSession {
        ClientSession {
            timeout: Some(total),
            ..ClientSession::new()
        }
    }

    /// Leaving `async with ClientSession()`: closes the connections of the requests still in
    /// flight (they end with [`ClientError::SessionClosed`]) and gives them one loop
    /// iteration to finish, as aiohttp's `close()` does.
    pub async fn close(&self) {
        self.closed.set();
        corio::sleep(Duration::ZERO).await;
    }

    /// `session.get(url)`: the response's status, with the session's time limit.
    pub async fn get(&self, url: &str) -> Result<StatusCode, ClientError> {
        match self.timeout {
            Some(total) => self.get_with_timeout(url, total).await,
            None => self.fetch(url).await,
        }
    }

    /// `session.get(url, timeout=ClientTimeout(total=...))`.
    pub async fn get_with_timeout(
        &self,
        url: &str,
        total: Duration,
    ) -> Result<StatusCode, ClientError> {
        corio::timeout(total, self.fetch(url))
            .await
            .unwrap_or(Err(ClientError::Timeout))
    }

    async fn fetch(&self, url: &str) -> Result<StatusCode, ClientError> {
        if self.closed.is_set() {
            return Err(ClientError::SessionClosed);
        }
        let closed = async {
            self.closed.wait().await;
            Err(ClientError::SessionClosed)
        };
        futures_lite::future::or(self.exchange(url), closed).await
    }

    async fn exchange(&self, url: &str) -> Result<StatusCode, ClientError> {
        let uri: Uri = url
            .parse()
            .map_err(|_| ClientError::InvalidUrl(url.to_owned()))?;
        if uri.scheme_str() != Some("http") {
            return Err(ClientError::NonHttpUrl(url.to_owned()));
        }
        let host = uri
            .host()
            .ok_or_else(|| ClientError::InvalidUrl(url.to_owned()))?
            .to_owned();
        let port = uri.port_u16().unwrap_or(80);
        let _slot = self.slots.permit().await;
        let stream = TcpStream::connect((host.as_str(), port))
            .await
            .map_err(|e| ClientError::Connect(Rc::new(e)))?;
        let (mut sender, conn) = hyper::client::conn::http1::handshake(HyperIo::new(stream))
            .await
            .map_err(|e| ClientError::Http(Rc::new(e)))?;
        let request = Request::get(uri.path_and_query().map_or("/", |p| p.as_str()))
            .header(hyper::header::HOST, format!("{host}:{port}"))
            .body(Empty::<Bytes>::new())
            .map_err(|_| ClientError::InvalidUrl(url.to_owned()))?;
        let exchange = async {
            let response = sender.send_request(request).await?;
            let status = response.status();
            // Read the body to the end, as leaving `async with session.get(...)` does.
            response.into_body().collect().await?;
            Ok::<_, hyper::Error>(status)
        };
        // The connection is driven in this same future: it ends when the exchange does,
        // and a connection that fails first fails the exchange.
        let connection = async {
            let _ = conn.await;
            std::future::pending::<Result<StatusCode, hyper::Error>>().await
        };
        futures_lite::future::or(exchange, connection)
            .await
            .map_err(|e| ClientError::Http(Rc::new(e)))
    }
}
