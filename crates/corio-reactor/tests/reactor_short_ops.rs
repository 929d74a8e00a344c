//! Short stream reads: the next read waits for an event without its syscall, and a
//! FIN that came with the last data is never missed. Plus the epoll backend's waits.

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use common::{block_on, reactors};
use corio_reactor::{Async, Reactor};

/// A connected pair: `Async` server end, std client end.
fn pair(reactor: &Reactor) -> (Async<TcpStream>, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    (Async::with_reactor(server, reactor).unwrap(), client)
}

/// Polls `poll_read_stream` once, counting how often the read syscall ran.
fn read_once(io: &Async<TcpStream>, buf: &mut [u8], calls: &AtomicUsize) -> Poll<usize> {
    let mut cx = Context::from_waker(Waker::noop());
    let len = buf.len();
    io.poll_read_stream(&mut cx, len, |mut s| {
        calls.fetch_add(1, Ordering::SeqCst);
        s.read(buf)
    })
    .map(|r| r.unwrap())
}

/// Polls the reactor until `io` is readable again (the data was sent already).
fn wait_readable(reactor: &Reactor, io: &Async<TcpStream>) {
    block_on(reactor, io.readable()).unwrap();
}

#[test]
fn a_short_read_skips_the_would_block_read() {
    for (mode, reactor) in reactors() {
        let (server, mut client) = pair(&reactor);
        let calls = AtomicUsize::new(0);
        let mut buf = [0; 64];
        client.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
        wait_readable(&reactor, &server);
        assert_eq!(
            read_once(&server, &mut buf, &calls),
            Poll::Ready(18),
            "{mode}"
        );
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        // The read was short: where the backend lets the reactor trust that, the next
        // read waits without its syscall; elsewhere it costs one `WouldBlock` read.
        assert!(read_once(&server, &mut buf, &calls).is_pending(), "{mode}");
        let expected = if mode == "polling" { 2 } else { 1 };
        assert_eq!(calls.load(Ordering::SeqCst), expected, "{mode}");
        // Either way the next request is read as soon as it comes.
        client.write_all(b"again").unwrap();
        wait_readable(&reactor, &server);
        assert_eq!(
            read_once(&server, &mut buf, &calls),
            Poll::Ready(5),
            "{mode}"
        );
    }
}

#[test]
fn a_fin_that_came_with_the_last_data_is_read() {
    for (mode, reactor) in reactors() {
        let (server, mut client) = pair(&reactor);
        client.write_all(b"last words").unwrap();
        client.shutdown(Shutdown::Write).unwrap();
        // Let both the data and the FIN arrive before the reactor reports them.
        std::thread::sleep(Duration::from_millis(20));
        wait_readable(&reactor, &server);
        let calls = AtomicUsize::new(0);
        let mut buf = [0; 64];
        assert_eq!(
            read_once(&server, &mut buf, &calls),
            Poll::Ready(10),
            "{mode}"
        );
        // Short, but the end of file is still to be read: no new edge will come for it.
        let eof = block_on(&reactor, async {
            let mut buf = [0; 64];
            std::future::poll_fn(|cx| {
                server.poll_read_stream(cx, buf.len(), |mut s| s.read(&mut buf))
            })
            .await
        });
        assert_eq!(eof.unwrap(), 0, "{mode}");
    }
}

#[test]
fn a_short_read_keeps_data_that_arrived_during_it() {
    for (mode, reactor) in reactors() {
        let (server, mut client) = pair(&reactor);
        client.write_all(b"one").unwrap();
        wait_readable(&reactor, &server);
        let mut cx = Context::from_waker(Waker::noop());
        let mut buf = [0; 64];
        // More data arrives, and the reactor reports it, while the first read runs.
        let got = server.poll_read_stream(&mut cx, buf.len(), |mut s| {
            let n = s.read(&mut buf)?;
            client.write_all(b"two").unwrap();
            std::thread::sleep(Duration::from_millis(20));
            reactor.poll(Some(Duration::ZERO))?;
            Ok(n)
        });
        assert!(matches!(got, Poll::Ready(Ok(3))), "{mode}");
        // The event that came during the read survived the short read. (A oneshot source
        // is not armed while no task waits, so it had no event: its next read re-arms,
        // and re-arming reports the data at once.)
        let calls = AtomicUsize::new(0);
        let got = read_once(&server, &mut buf, &calls);
        if mode == "oneshot" {
            assert!(got.is_pending());
            wait_readable(&reactor, &server);
            assert_eq!(read_once(&server, &mut buf, &calls), Poll::Ready(3));
        } else {
            assert_eq!(got, Poll::Ready(3), "{mode}");
        }
    }
}

struct Notifying(corio_reactor::Notifier);

impl Wake for Notifying {
    fn wake(self: Arc<Self>) {
        self.0.notify().unwrap();
    }
}

/// A task woken by `poll` that notifies the reactor (as a loop's unparker does) costs no
/// notify syscall: the next wait does not return at once for it.
#[test]
fn a_notify_from_a_woken_task_is_absorbed() {
    let reactor = Reactor::new().unwrap();
    let (server, mut client) = pair(&reactor);
    let waker = Waker::from(Arc::new(Notifying(reactor.notifier())));
    let mut cx = Context::from_waker(&waker);
    let mut buf = [0; 8];
    let mut read = |cx: &mut Context<'_>| server.poll_read_stream(cx, 8, |mut s| s.read(&mut buf));
    assert!(read(&mut cx).is_pending());
    client.write_all(b"x").unwrap();
    assert_eq!(reactor.poll(None).unwrap(), 1);
    // The waker notified during that poll; a pending notify would end this wait at
    // once with no event. 50 ms is a lower bound, safe on any machine.
    let start = Instant::now();
    assert_eq!(reactor.poll(Some(Duration::from_millis(50))).unwrap(), 0);
    assert!(start.elapsed() >= Duration::from_millis(50));
    // A notify from outside a poll still wakes the next one.
    reactor.notifier().notify().unwrap();
    let start = Instant::now();
    reactor.poll(Some(Duration::from_secs(30))).unwrap();
    assert!(start.elapsed() < Duration::from_secs(20));
}

/// Timeouts that are not whole milliseconds are kept (the epoll backend arms its timerfd
/// for them): the wait neither ends before its timeout nor sleeps on. A watchdog notify
/// turns a timer that never fires into a failure instead of a hang.
#[test]
fn sub_millisecond_timeouts_are_kept() {
    let reactor = Reactor::new().unwrap();
    let notifier = reactor.notifier();
    let watchdog = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(20));
        let _ = notifier.notify();
    });
    for timeout in [Duration::from_micros(1500), Duration::from_micros(2300)] {
        let start = Instant::now();
        let mut waits = 0;
        // `wait` may return early and empty (a timer armed for an earlier wait): wait
        // again until the timeout has passed, as a loop does.
        while start.elapsed() < timeout {
            reactor.poll(Some(timeout - start.elapsed())).unwrap();
            waits += 1;
        }
        assert!(waits <= 3, "{timeout:?}: {waits} waits");
        // Far below the watchdog's 20 s, far above any scheduling delay.
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{timeout:?}: the timer never fired"
        );
    }
    let start = Instant::now();
    assert_eq!(reactor.poll(Some(Duration::ZERO)).unwrap(), 0);
    assert!(start.elapsed() < Duration::from_secs(10));
    drop(watchdog);
}
