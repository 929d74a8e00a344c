//! Which public types of the protocol and hyper modules are `Send`, `Sync`, `Unpin`.
//! Transports and protocol servers live on their loop's thread (`Rc` inside), so they are
//! only `Unpin`; errors and the hyper glue travel between threads.

fn unpin<T: Unpin>() {}
fn send_sync<T: Send + Sync>() {}

#[test]
fn protocol_types() {
    unpin::<corio_net::protocol::Transport>();
    unpin::<corio_net::protocol::DatagramTransport>();
    unpin::<corio_net::protocol::Server>();
    send_sync::<corio_net::protocol::PipeError>();
    send_sync::<corio_net::protocol::TransportError>();
    send_sync::<corio_net::protocol::EndpointError>();
}

#[cfg(feature = "hyper")]
#[test]
fn hyper_glue_types() {
    use corio_net::hyper::{CorioExecutor, CorioTimer, HyperIo, HyperSleep};
    send_sync::<CorioExecutor>();
    send_sync::<CorioTimer>();
    send_sync::<HyperSleep>();
    unpin::<HyperSleep>();
    // The adapter is as Send/Sync/Unpin as the stream it wraps.
    fn send<T: Send>() {}
    send::<HyperIo<corio_net::TcpStream>>();
    unpin::<HyperIo<corio_net::TcpStream>>();
}
