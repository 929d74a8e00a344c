//! The cost model: a hot socket costs no re-arm syscall per read. A counting
//! backend wraps the real one and counts `modify` (re-arm) calls.

mod common;

use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::block_on;
use corio_reactor::{
    Async, Backend, Events, Interest, PollingBackend, RawSource, Reactor, Trigger,
};

struct Counting {
    inner: PollingBackend,
    modifies: Arc<AtomicUsize>,
}

impl Backend for Counting {
    fn register(&self, s: RawSource, key: usize, i: Interest) -> io::Result<()> {
        self.inner.register(s, key, i)
    }
    fn modify(&self, s: RawSource, key: usize, i: Interest) -> io::Result<()> {
        self.modifies.fetch_add(1, Ordering::SeqCst);
        self.inner.modify(s, key, i)
    }
    fn deregister(&self, s: RawSource) -> io::Result<()> {
        self.inner.deregister(s)
    }
    fn wait(&self, events: &mut Events, timeout: Option<Duration>) -> io::Result<usize> {
        self.inner.wait(events, timeout)
    }
    fn notify(&self) -> io::Result<()> {
        self.inner.notify()
    }
    fn trigger(&self) -> Trigger {
        self.inner.trigger()
    }
}

fn counting(inner: PollingBackend) -> (Reactor, Arc<AtomicUsize>) {
    let modifies = Arc::new(AtomicUsize::new(0));
    let reactor = Reactor::with_backend(Counting {
        inner,
        modifies: Arc::clone(&modifies),
    });
    (reactor, modifies)
}

/// Reads with data already there: no re-arm in either mode.
fn hot_reads(reactor: &Reactor) {
    let (a, mut b) = UnixStream::pair().unwrap();
    let a = Async::with_reactor(a, reactor).unwrap();
    let mut buf = [0; 4];
    for i in 0..1_000u32 {
        b.write_all(&i.to_le_bytes()).unwrap();
        let n = block_on(reactor, a.read(&mut buf)).unwrap();
        assert_eq!(n, 4);
        assert_eq!(u32::from_le_bytes(buf), i);
    }
}

#[test]
fn edge_mode_never_rearms() {
    let (reactor, modifies) = counting(PollingBackend::new().unwrap());
    assert_eq!(reactor.trigger(), Trigger::Edge, "Linux supports edge mode");
    hot_reads(&reactor);
    // Also when the reader has to wait.
    let (a, mut b) = UnixStream::pair().unwrap();
    let a = Async::with_reactor(a, &reactor).unwrap();
    let t = std::thread::spawn(move || {
        for _ in 0..20 {
            std::thread::sleep(Duration::from_millis(1));
            b.write_all(b"x").unwrap();
        }
        b
    });
    let mut got = 0;
    let mut buf = [0; 8];
    while got < 20 {
        got += block_on(&reactor, a.read(&mut buf)).unwrap();
    }
    drop(t.join().unwrap());
    assert_eq!(modifies.load(Ordering::SeqCst), 0);
}

#[test]
fn oneshot_mode_rearms_only_when_waiting() {
    let (reactor, modifies) = counting(PollingBackend::oneshot().unwrap());
    hot_reads(&reactor);
    assert_eq!(
        modifies.load(Ordering::SeqCst),
        0,
        "data was always there: no task waited, nothing was re-armed"
    );
    // A read that must wait costs exactly one re-arm.
    let (a, mut b) = UnixStream::pair().unwrap();
    let a = Async::with_reactor(a, &reactor).unwrap();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(20));
        b.write_all(b"x").unwrap();
        b
    });
    let mut buf = [0; 1];
    assert_eq!(block_on(&reactor, a.read(&mut buf)).unwrap(), 1);
    drop(t.join().unwrap());
    assert_eq!(modifies.load(Ordering::SeqCst), 1);
}

/// Reads through `get_ref` then `readable()`: readiness is cached, so the
/// wait after a successful raw read is free (no syscall, no poll).
#[test]
fn readable_uses_cached_readiness() {
    let (reactor, modifies) = counting(PollingBackend::oneshot().unwrap());
    let (a, mut b) = UnixStream::pair().unwrap();
    let a = Async::with_reactor(a, &reactor).unwrap();
    b.write_all(b"abcd").unwrap();
    block_on(&reactor, a.readable()).unwrap();
    let mut one = [0; 1];
    a.get_ref().read_exact(&mut one).unwrap();
    let before = modifies.load(Ordering::SeqCst);
    // Still cached as readable: completes on the first poll.
    let mut fut = Box::pin(a.readable());
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    assert!(fut.as_mut().poll(&mut cx).is_ready());
    assert_eq!(modifies.load(Ordering::SeqCst), before);
}
