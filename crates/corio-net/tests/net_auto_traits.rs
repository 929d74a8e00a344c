//! Which public types are `Send`, `Sync` and `Unpin`.

use corio_net::*;

fn send<T: Send>() {}
fn sync<T: Sync>() {}
fn unpin<T: Unpin>() {}

#[test]
fn sockets_are_send_sync_unpin() {
    send::<TcpStream>();
    sync::<TcpStream>();
    unpin::<TcpStream>();
    send::<TcpListener>();
    sync::<TcpListener>();
    send::<UdpSocket>();
    sync::<UdpSocket>();
    send::<UnixStream>();
    sync::<UnixStream>();
    unpin::<UnixStream>();
    send::<UnixListener>();
    sync::<UnixListener>();
    send::<UnixDatagram>();
    sync::<UnixDatagram>();
}

#[test]
fn streams_and_errors() {
    // The reader can move between threads with its stream; the writer and the server
    // belong to their loop's thread, like asyncio's.
    send::<StreamReader>();
    unpin::<StreamReader>();
    unpin::<StreamWriter>();
    send::<ExtraInfo>();
    sync::<ExtraInfo>();
    send::<SocketAddress>();
    send::<ReadError>();
    sync::<ReadError>();
    send::<IncompleteReadError>();
    send::<LimitOverrunError>();
    send::<WriteError>();
    send::<ConnectOptions>();
    sync::<ConnectOptions>();
    send::<ServerOptions>();
    sync::<ServerOptions>();
}
