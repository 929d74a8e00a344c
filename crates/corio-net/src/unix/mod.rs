//! Unix domain sockets: [`UnixListener`], [`UnixStream`] and [`UnixDatagram`].

mod datagram;
mod listener;
mod stream;

pub use datagram::UnixDatagram;
pub use listener::{Incoming as UnixIncoming, UnixListener};
pub use stream::UnixStream;
