//! TCP: [`TcpListener`] and [`TcpStream`].

mod listener;
mod stream;

pub(crate) use listener::DEFAULT_BACKLOG;
pub use listener::{Incoming, TcpListener};
pub use stream::TcpStream;
