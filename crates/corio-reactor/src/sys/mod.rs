//! The one platform split. Every `cfg` on the target OS lives here.

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub use unix::RawSource;
#[cfg(unix)]
pub(crate) use unix::{add, as_raw, set_nonblocking, with_borrowed};

#[cfg(not(unix))]
compile_error!(
    "corio-reactor supports Unix platforms only (epoll, kqueue, event ports); \
     Windows (IOCP) is not implemented yet"
);
