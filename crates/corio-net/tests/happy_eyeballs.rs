//! Happy eyeballs (`happy_eyeballs_delay`, `interleave`) against real listeners on
//! 127.0.0.1: a blackhole (a listener whose accept queue is full, so the kernel drops new
//! SYNs and a connect hangs), a refusing port, and an accepting one.

use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use corio_net::protocol::{BaseProtocol, Protocol, create_connection_with};
use corio_net::socket2::{Domain, Socket, Type};
use corio_net::{ConnectOptions, open_connection_with};

/// The tests count descriptors: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// A listener that never accepts and whose queue is full: connects to it hang.
/// Returns the sockets to keep open (listener and the queue fillers).
fn blackhole() -> (SocketAddr, Vec<Socket>) {
    let listener = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    listener
        .bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())
        .unwrap();
    listener.listen(0).unwrap();
    let addr = listener.local_addr().unwrap().as_socket().unwrap();
    let mut keep = vec![listener];
    // Fill the accept queue (backlog 0 holds one; a few more for kernels that round up);
    // each filler's connect completes or hangs, either way without blocking us.
    for _ in 0..4 {
        let s = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        s.set_nonblocking(true).unwrap();
        let _ = s.connect(&addr.into());
        keep.push(s);
    }
    std::thread::sleep(Duration::from_millis(50));
    (addr, keep)
}

/// A port on which nothing listens (bound and closed again).
fn refusing() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

fn options(delay_ms: u64) -> ConnectOptions {
    ConnectOptions::new().happy_eyeballs_delay(Duration::from_millis(delay_ms))
}

#[test]
fn a_blackhole_is_overtaken_after_the_delay_and_its_socket_closed() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (hole, _keep) = blackhole();
    corio_runtime::run(async move {
        let good = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let good_addr = good.local_addr().unwrap();
        // Without racing, the blackhole holds the connect up until the timeout.
        let slow = ConnectOptions::new().timeout(Duration::from_millis(300));
        let started = Instant::now();
        let (_r, w) = open_connection_with(vec![hole, good_addr], &slow)
            .await
            .unwrap();
        assert!(
            started.elapsed() >= Duration::from_millis(300),
            "the blackhole did not hang"
        );
        drop(w);

        let before = open_fds();
        let (_r, w) = open_connection_with(vec![hole, good_addr], &options(50))
            .await
            .unwrap();
        let peer = w.get_extra_info().peername().and_then(|a| a.as_inet());
        assert_eq!(peer, Some(good_addr));
        drop((_r, w));
        // The blackhole attempt's socket was closed when the race ended.
        assert_eq!(open_fds(), before);
    })
    .unwrap();
}

#[test]
fn a_refused_address_starts_the_next_at_once() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    corio_runtime::run(async {
        let good = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let good_addr = good.local_addr().unwrap();
        let started = Instant::now();
        // A delay far beyond the test's patience: only the failure can start the second.
        let (_r, w) = open_connection_with(vec![refusing(), good_addr], &options(60_000))
            .await
            .unwrap();
        assert!(started.elapsed() < Duration::from_secs(30));
        assert_eq!(
            w.get_extra_info().peername().and_then(|a| a.as_inet()),
            Some(good_addr)
        );
    })
    .unwrap();
}

#[test]
fn all_failing_gives_the_error_and_leaks_nothing() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    corio_runtime::run(async {
        let before = open_fds();
        let err = open_connection_with(vec![refusing(), refusing()], &options(10))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
        let err = open_connection_with(Vec::<SocketAddr>::new(), &options(10))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
        assert_eq!(open_fds(), before);
    })
    .unwrap();
}

#[test]
fn the_first_connection_wins_and_the_others_are_closed() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    corio_runtime::run(async {
        // Two accepting listeners and a tiny delay: both attempts may connect; one wins.
        let a = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let b = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addrs = vec![a.local_addr().unwrap(), b.local_addr().unwrap()];
        let before = open_fds();
        let (r, w) = open_connection_with(addrs.clone(), &options(0))
            .await
            .unwrap();
        let peer = w
            .get_extra_info()
            .peername()
            .and_then(|p| p.as_inet())
            .unwrap();
        assert!(addrs.contains(&peer));
        assert_eq!(open_fds(), before + 1, "only the winner is open");
        drop((r, w));
        assert_eq!(open_fds(), before);
    })
    .unwrap();
}

#[test]
fn localhost_races_its_families() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let v4 = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = v4.local_addr().unwrap().port();
    let v6 = std::net::TcpListener::bind(("::1", port)).ok();
    if v6.is_none() {
        eprintln!("::1 is not available here: only the IPv4 half is checked");
    }
    corio_runtime::run(async move {
        let options = options(250).interleave(1);
        let (_r, w) = open_connection_with(("localhost", port), &options)
            .await
            .unwrap();
        let peer = w
            .get_extra_info()
            .peername()
            .and_then(|p| p.as_inet())
            .unwrap();
        assert_eq!(peer.port(), port);
        assert!(peer.ip().is_loopback());
    })
    .unwrap();
}

struct Quiet;
impl BaseProtocol for Quiet {}
impl Protocol for Quiet {
    fn data_received(&mut self, _: &[u8]) {}
}

#[test]
fn create_connection_races_too() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (hole, _keep) = blackhole();
    corio_runtime::run(async move {
        let good = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let good_addr = good.local_addr().unwrap();
        let (t, _) = create_connection_with(|| Quiet, vec![hole, good_addr], &options(50))
            .await
            .unwrap();
        assert_eq!(t.peername().and_then(|a| a.as_inet()), Some(good_addr));
        t.abort();
    })
    .unwrap();
}
