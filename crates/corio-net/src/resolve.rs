//! Name resolution: [`ToSocketAddrs`] and [`lookup_host`] (asyncio's `getaddrinfo`).
//!
//! Literal addresses resolve at once, without a thread. Host names go through the
//! system resolver (`getaddrinfo(3)`, which blocks) on a thread of their own.
//!
//! NOTE: asyncio runs `getaddrinfo` in the loop's default executor. corio's blocking pool
//! (`corio-blocking`, `unblock`) is being written on another branch; until it lands, each
//! lookup runs on a short-lived `std::thread` and reports back through the small one-shot
//! cell below. Switch [`blocking`] to `corio_blocking::unblock` when it is on `main`.

use std::future::Future;
use std::io;
use std::net::ToSocketAddrs as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};

impl Target {
    /// The addresses, looking the host up on a thread when it is a name.
    pub(crate) async fn resolve(self) -> io::Result<Vec<SocketAddr>> {
        let addrs = match self {
            Target::Addrs(addrs) => addrs,
            Target::Lookup(host, port) => lookup_host(host, port).await?,
        };
        if addrs.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "could not resolve to any address",
            ));
        }
        Ok(addrs)
    }
}

// `pub` items in a private module: the seal of `ToSocketAddrs`, which no one outside
// can name (so the lint about unreachable `pub` items does not apply in spirit).
#[allow(unreachable_pub)]
mod sealed {
    /// What an address argument turns into before any socket is made.
    #[derive(Debug)]
    pub enum Target {
        /// Already numeric: no lookup.
        Addrs(Vec<std::net::SocketAddr>),
        /// A host name and a port for the resolver.
        Lookup(String, u16),
    }

    pub trait Sealed {
        fn target(&self) -> std::io::Result<Target>;
    }
}

pub(crate) use sealed::Target;

/// Anything that names one or more socket addresses: a [`SocketAddr`], an `(ip, port)`
/// pair, a `"host:port"` string or a `(host, port)` pair. Host names are resolved without
/// blocking the loop (see [`lookup_host`]).
///
/// The trait is sealed: corio implements it for the std address types and strings.
///
/// # Examples
///
/// ```
/// use corio_net::TcpListener;
///
/// corio_runtime::run(async {
///     let a = TcpListener::bind("127.0.0.1:0").await?;
///     let b = TcpListener::bind(("127.0.0.1", 0)).await?;
///     let c = TcpListener::bind(std::net::SocketAddr::from(([127, 0, 0, 1], 0))).await?;
///     # let _ = (a, b, c);
///     std::io::Result::Ok(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait ToSocketAddrs: sealed::Sealed {}

impl<T: sealed::Sealed + ?Sized> ToSocketAddrs for T {}

macro_rules! numeric {
    ($($ty:ty),*) => {$(
        impl sealed::Sealed for $ty {
            fn target(&self) -> io::Result<Target> {
                Ok(Target::Addrs(vec![SocketAddr::from(*self)]))
            }
        }
    )*};
}
numeric!(
    SocketAddr,
    SocketAddrV4,
    SocketAddrV6,
    (IpAddr, u16),
    (Ipv4Addr, u16),
    (Ipv6Addr, u16),
    ([u8; 4], u16),
    ([u16; 8], u16)
);

impl sealed::Sealed for [SocketAddr] {
    fn target(&self) -> io::Result<Target> {
        Ok(Target::Addrs(self.to_vec()))
    }
}

impl sealed::Sealed for Vec<SocketAddr> {
    fn target(&self) -> io::Result<Target> {
        Ok(Target::Addrs(self.clone()))
    }
}

impl sealed::Sealed for str {
    fn target(&self) -> io::Result<Target> {
        if let Ok(addr) = self.parse::<SocketAddr>() {
            return Ok(Target::Addrs(vec![addr]));
        }
        let (host, port) = self.rsplit_once(':').ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "invalid socket address: no port",
            )
        })?;
        let port: u16 = port.parse().map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "invalid socket address: bad port",
            )
        })?;
        (host, port).target()
    }
}

impl sealed::Sealed for String {
    fn target(&self) -> io::Result<Target> {
        self.as_str().target()
    }
}

impl sealed::Sealed for (&str, u16) {
    fn target(&self) -> io::Result<Target> {
        let (host, port) = *self;
        // `[::1]` is accepted as well as `::1`, as getaddrinfo-style APIs do.
        let bare = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        match bare.parse::<IpAddr>() {
            Ok(ip) => Ok(Target::Addrs(vec![SocketAddr::new(ip, port)])),
            Err(_) => Ok(Target::Lookup(host.to_owned(), port)),
        }
    }
}

impl sealed::Sealed for (String, u16) {
    fn target(&self) -> io::Result<Target> {
        (self.0.as_str(), self.1).target()
    }
}

impl<T: sealed::Sealed + ?Sized> sealed::Sealed for &T {
    fn target(&self) -> io::Result<Target> {
        (**self).target()
    }
}

/// Resolves an address argument.
pub(crate) async fn resolve(addr: &(impl ToSocketAddrs + ?Sized)) -> io::Result<Vec<SocketAddr>> {
    addr.target()?.resolve().await
}

/// Looks `host` up with the system resolver, off the loop's thread (asyncio's
/// `loop.getaddrinfo(host, port)`), and returns its addresses with `port` set.
///
/// A numeric `host` (`"127.0.0.1"`, `"::1"`) is parsed without a lookup.
///
/// # Errors
///
/// The resolver's error (unknown host, no network), as an [`io::Error`].
///
/// # Cancel safety
///
/// Cancel safe: a cancelled lookup finishes on its thread and its answer is dropped.
///
/// # Examples
///
/// ```
/// corio_runtime::run(async {
///     let addrs = corio_net::lookup_host("localhost", 8080).await?;
///     assert!(addrs.iter().all(|a| a.ip().is_loopback() && a.port() == 8080));
///     std::io::Result::Ok(())
/// })??;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[doc(alias = "getaddrinfo")]
pub async fn lookup_host(host: impl Into<String>, port: u16) -> io::Result<Vec<SocketAddr>> {
    let host = host.into();
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    blocking(move || {
        (host.as_str(), port)
            .to_socket_addrs()
            .map(Iterator::collect)
    })
    .await
}

/// Runs `f` on a thread of its own and awaits its result (see the module note).
pub(crate) fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> io::Result<T> + Send + 'static,
) -> impl Future<Output = io::Result<T>> {
    let cell = Arc::new(Mutex::new(Cell {
        value: None,
        waker: None,
    }));
    let theirs = Arc::clone(&cell);
    let spawned = std::thread::Builder::new()
        .name("corio-resolve".into())
        .spawn(move || {
            // A panicking resolver must not leave the awaiting task hanging.
            let value = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
                .unwrap_or_else(|_| Err(io::Error::other("the resolver thread panicked")));
            let mut cell = theirs.lock().unwrap_or_else(PoisonError::into_inner);
            cell.value = Some(value);
            if let Some(waker) = cell.waker.take() {
                waker.wake();
            }
        });
    OneShot {
        cell,
        spawn_error: spawned.err(),
    }
}

struct Cell<T> {
    value: Option<io::Result<T>>,
    waker: Option<Waker>,
}

struct OneShot<T> {
    cell: Arc<Mutex<Cell<T>>>,
    spawn_error: Option<io::Error>,
}

impl<T> Unpin for OneShot<T> {}

impl<T> Future for OneShot<T> {
    type Output = io::Result<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        let this = self.get_mut();
        if let Some(err) = this.spawn_error.take() {
            return Poll::Ready(Err(err));
        }
        let mut cell = this.cell.lock().unwrap_or_else(PoisonError::into_inner);
        match cell.value.take() {
            Some(value) => Poll::Ready(value),
            None => {
                cell.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}
