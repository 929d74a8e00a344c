//! asyncio's streams: [`StreamReader`], [`StreamWriter`], [`Server`], and the functions
//! that make them ([`open_connection`], [`start_server`] and their Unix twins).

mod extra;
pub(crate) mod open;
mod reader;
mod server;
mod writer;

pub use extra::{ExtraInfo, SocketAddress};
pub use open::{
    ConnectOptions, open_connection, open_connection_with, open_unix_connection,
    open_unix_connection_with,
};
pub use reader::{BoxRead, DEFAULT_LIMIT, StreamReader};
pub(crate) use server::{ClientHandle, ConnectionGuard, ServeConn, bind_tcp, bind_unix};
pub use server::{
    Server, ServerOptions, start_server, start_server_with, start_unix_server,
    start_unix_server_with,
};
pub use writer::{BoxWrite, StreamWriter, WriteLimitsError};
