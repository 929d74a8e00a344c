//! TCP: [`TcpListener`] and [`TcpStream`].

mod happy_eyeballs;
mod listener;
mod stream;

pub(crate) use happy_eyeballs::connect_with;
pub(crate) use listener::DEFAULT_BACKLOG;
pub use listener::{Incoming, TcpListener};
pub use stream::TcpStream;
