//! TCP: [`TcpListener`] and [`TcpStream`].

mod listener;
mod stream;

pub(crate) use listener::DEFAULT_BACKLOG;
pub use listener::TcpListener;
pub use stream::TcpStream;
