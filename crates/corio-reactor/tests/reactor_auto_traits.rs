//! Which public types are `Send`, `Sync` and `Unpin`.

use std::io::PipeReader;
use std::net::TcpStream;
use std::os::unix::net::UnixStream;

use corio_reactor::{
    Async, Backend, EnterGuard, Event, Events, Interest, NoReactor, Notifier, PollingBackend,
    Reactor, Trigger,
};

fn send_sync_unpin<T: Send + Sync + Unpin>() {}
fn send<T: Send>(_: &T) {}
fn unpin<T: Unpin>() {}

#[test]
fn auto_traits() {
    send_sync_unpin::<Reactor>();
    send_sync_unpin::<Notifier>();
    send_sync_unpin::<PollingBackend>();
    send_sync_unpin::<Async<UnixStream>>();
    send_sync_unpin::<Async<TcpStream>>();
    send_sync_unpin::<Async<PipeReader>>();
    send_sync_unpin::<Event>();
    send_sync_unpin::<Events>();
    send_sync_unpin::<Interest>();
    send_sync_unpin::<Trigger>();
    send_sync_unpin::<NoReactor>();
    send_sync_unpin::<Box<dyn Backend>>();
    // Not Send/Sync: it restores a thread-local (checked by the compiler
    // through its `*const ()` marker; a doc test below proves it).
    unpin::<EnterGuard<'static>>();
}

#[test]
fn futures_are_send() {
    let (a, _b) = UnixStream::pair().unwrap();
    let reactor = Reactor::new().unwrap();
    let a = Async::with_reactor(a, &reactor).unwrap();
    let mut buf = [0; 4];
    send(&a.readable());
    send(&a.writable());
    send(&a.read_with(|s| s.peer_addr()));
    send(&a.write_with(|s| s.peer_addr()));
    send(&a.read(&mut buf));
    send(&a.write(b"x"));
}
