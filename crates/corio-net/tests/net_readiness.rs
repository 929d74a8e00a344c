//! The cost model holds through corio-net's types: a hot socket is read without any
//! re-arm, and a read that has to wait re-arms once (with a oneshot backend; the default
//! edge-triggered backend never re-arms). A counting backend wraps the real one.

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use corio_net::TcpStream;
use corio_reactor::{Backend, Events, Interest, PollingBackend, RawSource, Reactor, Trigger};
use futures_lite::AsyncReadExt;

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

fn block_on<F: std::future::Future>(reactor: &Reactor, f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
        reactor.poll(Some(Duration::from_secs(5))).unwrap();
    }
}

fn pair() -> (std::net::TcpStream, std::net::TcpStream) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let a = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (b, _) = listener.accept().unwrap();
    (a, b)
}

#[test]
fn hot_reads_cost_no_rearm_and_a_blocked_read_one() {
    let modifies = Arc::new(AtomicUsize::new(0));
    let reactor = Reactor::with_backend(Counting {
        inner: PollingBackend::oneshot().unwrap(),
        modifies: Arc::clone(&modifies),
    });
    let _guard = reactor.enter();
    let (a, mut b) = pair();
    let mut a = TcpStream::from_std(a).unwrap();
    let mut buf = [0; 4];

    // Data is always there before the read: no re-arm at all.
    for i in 0..1_000u32 {
        b.write_all(&i.to_le_bytes()).unwrap();
        block_on(&reactor, a.read_exact(&mut buf)).unwrap();
        assert_eq!(u32::from_le_bytes(buf), i);
    }
    assert_eq!(modifies.load(Ordering::SeqCst), 0);

    // Reads that find nothing: one re-arm each (the failed read, then the wait).
    for i in 0..20u32 {
        let t = std::thread::spawn({
            let mut b = b.try_clone().unwrap();
            move || {
                std::thread::sleep(Duration::from_millis(2));
                b.write_all(&i.to_le_bytes()).unwrap();
            }
        });
        block_on(&reactor, a.read_exact(&mut buf)).unwrap();
        t.join().unwrap();
    }
    let rearms = modifies.load(Ordering::SeqCst);
    assert!(
        (1..=20).contains(&rearms),
        "{rearms} re-arms for 20 blocked reads"
    );
}
