//! Readiness over `UnixStream::pair()`, in both backend modes.

mod common;

use std::future::Future;
use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;
use std::time::Duration;

use common::{block_on, reactors};
use corio_reactor::{Async, Reactor};

fn pair(reactor: &Reactor) -> (Async<UnixStream>, Async<UnixStream>) {
    let (a, b) = UnixStream::pair().unwrap();
    (
        Async::with_reactor(a, reactor).unwrap(),
        Async::with_reactor(b, reactor).unwrap(),
    )
}

#[test]
fn write_then_read() {
    for (mode, reactor) in reactors() {
        let (a, b) = pair(&reactor);
        let got = block_on(&reactor, async {
            a.write(b"hello").await?;
            let mut buf = [0; 16];
            let n = b.read(&mut buf).await?;
            io::Result::Ok(buf[..n].to_vec())
        })
        .unwrap();
        assert_eq!(got, b"hello", "{mode}");
    }
}

#[test]
fn read_waits_for_data_from_another_thread() {
    for (mode, reactor) in reactors() {
        let (a, mut b) = UnixStream::pair().unwrap();
        let a = Async::with_reactor(a, &reactor).unwrap();
        let writer = thread::spawn(move || {
            thread::sleep(Duration::from_millis(30));
            b.write_all(b"late").unwrap();
            b
        });
        let mut buf = [0; 8];
        let n = block_on(&reactor, a.read(&mut buf)).unwrap();
        assert_eq!(&buf[..n], b"late", "{mode}");
        drop(writer.join().unwrap());
    }
}

/// Edge-triggered correctness: after a partial read the data left must still
/// be readable without a new event, and new data after draining must wake
/// the reader again.
#[test]
fn partial_read_then_more_data_wakes_again() {
    for (mode, reactor) in reactors() {
        let (a, mut b) = UnixStream::pair().unwrap();
        let a = Async::with_reactor(a, &reactor).unwrap();
        b.write_all(b"0123456789").unwrap();
        let mut buf = [0; 4];
        // Partial read: 4 of 10 bytes.
        let n = block_on(&reactor, a.read(&mut buf)).unwrap();
        assert_eq!(&buf[..n], b"0123", "{mode}");
        // The rest is there; no new edge will come for it.
        let mut rest = [0; 16];
        let n = block_on(&reactor, a.read(&mut rest)).unwrap();
        assert_eq!(&rest[..n], b"456789", "{mode}");
        // Drained: the next read must wait for new data, then be woken.
        let writer = thread::spawn(move || {
            thread::sleep(Duration::from_millis(20));
            b.write_all(b"more").unwrap();
            b
        });
        let n = block_on(&reactor, a.read(&mut rest)).unwrap();
        assert_eq!(&rest[..n], b"more", "{mode}");
        // And once more, with the reader already parked before the write.
        let mut b = writer.join().unwrap();
        let mut read = pin!(a.read(&mut rest));
        let flag = Arc::new(Flag::default());
        let waker = Waker::from(Arc::clone(&flag));
        let mut cx = Context::from_waker(&waker);
        assert!(read.as_mut().poll(&mut cx).is_pending(), "{mode}");
        b.write_all(b"again").unwrap();
        while !flag.0.load(Ordering::SeqCst) {
            reactor.poll(Some(Duration::from_secs(5))).unwrap();
        }
        match read.as_mut().poll(&mut cx) {
            Poll::Ready(Ok(n)) => assert_eq!(n, 5, "{mode}"),
            other => panic!("{mode}: {other:?}"),
        }
    }
}

#[derive(Default)]
struct Flag(AtomicBool);

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Several tasks wait on `readable()` at once; one event wakes every one.
#[test]
fn many_concurrent_readers_are_all_woken() {
    const READERS: usize = 16;
    for (mode, reactor) in reactors() {
        let (a, mut b) = UnixStream::pair().unwrap();
        let a = Async::with_reactor(a, &reactor).unwrap();
        let flags: Vec<Arc<Flag>> = (0..READERS).map(|_| Arc::default()).collect();
        let mut futs: Vec<_> = (0..READERS).map(|_| Box::pin(a.readable())).collect();
        for (fut, flag) in futs.iter_mut().zip(&flags) {
            let waker = Waker::from(Arc::clone(flag));
            assert!(
                fut.as_mut()
                    .poll(&mut Context::from_waker(&waker))
                    .is_pending(),
                "{mode}"
            );
        }
        b.write_all(b"x").unwrap();
        while !flags.iter().all(|f| f.0.load(Ordering::SeqCst)) {
            assert!(
                reactor.poll(Some(Duration::from_secs(5))).unwrap() > 0,
                "{mode}: not every reader was woken"
            );
        }
        for (fut, flag) in futs.iter_mut().zip(&flags) {
            let waker = Waker::from(Arc::clone(flag));
            assert!(
                matches!(
                    fut.as_mut().poll(&mut Context::from_waker(&waker)),
                    Poll::Ready(Ok(()))
                ),
                "{mode}"
            );
        }
    }
}

/// A cancelled waiter removes its waker; the others are still woken.
#[test]
fn dropped_waiter_does_not_block_the_others() {
    for (mode, reactor) in reactors() {
        let (a, mut b) = UnixStream::pair().unwrap();
        let a = Async::with_reactor(a, &reactor).unwrap();
        let noop = Waker::noop();
        let mut cx = Context::from_waker(noop);
        let mut gone = Box::pin(a.readable());
        assert!(gone.as_mut().poll(&mut cx).is_pending());
        drop(gone);
        let thread = thread::spawn(move || {
            thread::sleep(Duration::from_millis(10));
            b.write_all(b"x").unwrap();
            b
        });
        block_on(&reactor, a.readable()).unwrap();
        drop(thread.join().unwrap());
        let _ = mode;
    }
}

/// The first waiter's inline entry and the boxed ones for the rest: dropping the first
/// frees its entry for a newcomer, and an event wakes every waiter still there.
#[test]
fn waiter_entries_are_reused_and_all_woken() {
    for (mode, reactor) in reactors() {
        let (a, mut b) = UnixStream::pair().unwrap();
        let a = Async::with_reactor(a, &reactor).unwrap();
        let woken: Vec<Arc<Flag>> = (0..4).map(|_| Arc::new(Flag::default())).collect();
        let wakers: Vec<Waker> = woken.iter().map(|f| Waker::from(Arc::clone(f))).collect();
        let mut first = Box::pin(a.readable());
        let mut second = Box::pin(a.readable());
        let mut third = Box::pin(a.readable());
        assert!(
            first
                .as_mut()
                .poll(&mut Context::from_waker(&wakers[0]))
                .is_pending()
        );
        assert!(
            second
                .as_mut()
                .poll(&mut Context::from_waker(&wakers[1]))
                .is_pending()
        );
        assert!(
            third
                .as_mut()
                .poll(&mut Context::from_waker(&wakers[2]))
                .is_pending()
        );
        drop(first);
        let mut fourth = Box::pin(a.readable());
        assert!(
            fourth
                .as_mut()
                .poll(&mut Context::from_waker(&wakers[3]))
                .is_pending()
        );
        b.write_all(b"x").unwrap();
        block_on(&reactor, a.readable()).unwrap();
        for (i, flag) in woken.iter().enumerate().skip(1) {
            assert!(
                flag.0.load(Ordering::SeqCst),
                "{mode}: waiter {i} was not woken"
            );
        }
        assert!(
            !woken[0].0.load(Ordering::SeqCst),
            "{mode}: a dropped waiter was woken"
        );
        for fut in [&mut second, &mut third, &mut fourth] {
            assert!(
                fut.as_mut()
                    .poll(&mut Context::from_waker(Waker::noop()))
                    .is_ready()
            );
        }
    }
}

/// Writers block on a full buffer and are woken when the peer drains it.
#[test]
fn writer_waits_for_buffer_space() {
    for (mode, reactor) in reactors() {
        let (a, b) = UnixStream::pair().unwrap();
        let a = Async::with_reactor(a, &reactor).unwrap();
        // Fill the socket buffer.
        let chunk = [7u8; 4096];
        let mut written = 0usize;
        loop {
            match a.get_ref().write(&chunk) {
                Ok(n) => written += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) => panic!("{mode}: {e}"),
            }
        }
        let reader = thread::spawn(move || {
            thread::sleep(Duration::from_millis(20));
            let mut b = b;
            let mut buf = vec![0; written + 4096];
            let mut total = 0;
            while total < written + 4096 {
                total += b.read(&mut buf).unwrap();
            }
            total
        });
        // This write can only finish after the reader drains.
        let mut sent = 0;
        while sent < 4096 {
            sent += block_on(&reactor, a.write(&chunk[sent..])).unwrap();
        }
        assert_eq!(reader.join().unwrap(), written + 4096, "{mode}");
    }
}

/// Stress for lost wake-ups: a writer thread sends many small messages at
/// uneven times while the reader parks on every `WouldBlock`; `block_on`
/// fails if any wake-up goes missing.
#[test]
fn no_lost_wakeups_under_racing_writes() {
    const MESSAGES: u32 = 2_000;
    for (mode, reactor) in reactors() {
        let (a, mut b) = UnixStream::pair().unwrap();
        let a = Async::with_reactor(a, &reactor).unwrap();
        let writer = thread::spawn(move || {
            for i in 0..MESSAGES {
                b.write_all(&i.to_le_bytes()).unwrap();
                if i % 7 == 0 {
                    thread::yield_now();
                }
            }
            b
        });
        let mut received = Vec::with_capacity(MESSAGES as usize * 4);
        let mut buf = [0; 64];
        while received.len() < MESSAGES as usize * 4 {
            let n = block_on(&reactor, a.read(&mut buf)).unwrap();
            assert!(n > 0, "{mode}: unexpected end of stream");
            received.extend_from_slice(&buf[..n]);
        }
        let values: Vec<u32> = received
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
            .collect();
        assert!(values.iter().copied().eq(0..MESSAGES), "{mode}");
        drop(writer.join().unwrap());
    }
}

/// The peer closing is readiness too: the read returns 0 (end of stream).
#[test]
fn peer_close_wakes_reader_with_eof() {
    for (mode, reactor) in reactors() {
        let (a, b) = UnixStream::pair().unwrap();
        let a = Async::with_reactor(a, &reactor).unwrap();
        let closer = thread::spawn(move || {
            thread::sleep(Duration::from_millis(10));
            drop(b);
        });
        let mut buf = [0; 8];
        assert_eq!(block_on(&reactor, a.read(&mut buf)).unwrap(), 0, "{mode}");
        closer.join().unwrap();
    }
}

/// `poll_read_with` (the `AsyncRead` building block) waits and retries too.
#[test]
fn poll_read_with_parks_and_resumes() {
    for (mode, reactor) in reactors() {
        let (a, mut b) = UnixStream::pair().unwrap();
        let a = Async::with_reactor(a, &reactor).unwrap();
        let flag = Arc::new(Flag::default());
        let waker = Waker::from(Arc::clone(&flag));
        let mut cx = Context::from_waker(&waker);
        let mut buf = [0; 8];
        assert!(
            a.poll_read_with(&mut cx, |mut s| s.read(&mut buf))
                .is_pending()
        );
        b.write_all(b"abc").unwrap();
        while !flag.0.load(Ordering::SeqCst) {
            reactor.poll(Some(Duration::from_secs(5))).unwrap();
        }
        match a.poll_read_with(&mut cx, |mut s| s.read(&mut buf)) {
            Poll::Ready(Ok(3)) => assert_eq!(&buf[..3], b"abc", "{mode}"),
            other => panic!("{mode}: {other:?}"),
        }
    }
}

/// The tick rule, deterministically: an event delivered *between* an
/// operation's `WouldBlock` and the clearing of the cached readiness must
/// not be erased, or (edge-triggered: no second edge) the reader would wait
/// forever. The operation itself delivers the event, inside that window;
/// `read_with` must then retry at once and finish on its first poll.
#[test]
fn readiness_arriving_during_would_block_is_kept() {
    // Edge mode only: a oneshot source is not armed while no task waits, so
    // no event can arrive in that window (its re-arm on wait reports level
    // readiness instead, covered by the other tests).
    for (mode, reactor) in reactors().into_iter().filter(|(m, _)| *m == "default") {
        let (a, b) = UnixStream::pair().unwrap();
        let a = Async::with_reactor(a, &reactor).unwrap();
        // Consume the initial writable edge so only our event matters.
        reactor.poll(Some(Duration::ZERO)).unwrap();
        let mut b = Some(b);
        let mut buf = [0; 8];
        let mut calls = 0;
        {
            let read = a.read_with(|mut s| {
                calls += 1;
                let result = s.read(&mut buf);
                if let Some(mut peer) = b.take() {
                    assert_eq!(
                        result.as_ref().map_err(|e| e.kind()).unwrap_err(),
                        io::ErrorKind::WouldBlock
                    );
                    peer.write_all(b"race").unwrap();
                    // Deliver the readable event now, before `read_with` clears.
                    let deadline = std::time::Instant::now() + Duration::from_secs(5);
                    while reactor.poll(Some(Duration::from_millis(10))).unwrap() == 0 {
                        assert!(std::time::Instant::now() < deadline, "no event");
                    }
                    drop(peer);
                }
                result
            });
            let mut read = pin!(read);
            let mut cx = Context::from_waker(Waker::noop());
            match read.as_mut().poll(&mut cx) {
                Poll::Ready(Ok(4)) => {}
                other => panic!("{mode}: the event was lost: {other:?}"),
            }
        }
        assert_eq!(calls, 2, "{mode}");
        assert_eq!(&buf[..4], b"race", "{mode}");
    }
}

/// A reader and a writer wait on the same socket; a read event must not make
/// the reactor forget the writer (a oneshot event disarms both directions, so
/// the reactor must re-arm the one still waited on). Each future has its own
/// waker, so one being woken cannot mask the other being forgotten.
#[test]
fn read_event_keeps_the_blocked_writer_armed() {
    for (mode, reactor) in reactors() {
        let (a, b) = UnixStream::pair().unwrap();
        let a = Async::with_reactor(a, &reactor).unwrap();
        let chunk = [1u8; 4096];
        let mut filled = 0usize;
        loop {
            match a.get_ref().write(&chunk) {
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) => panic!("{mode}: {e}"),
            }
        }
        let (rflag, wflag) = (Arc::new(Flag::default()), Arc::new(Flag::default()));
        let (rwaker, wwaker) = (
            Waker::from(Arc::clone(&rflag)),
            Waker::from(Arc::clone(&wflag)),
        );
        let mut buf = [0; 8];
        let mut reader = Box::pin(a.read(&mut buf));
        let mut writer = Box::pin(a.write(&chunk));
        assert!(
            reader
                .as_mut()
                .poll(&mut Context::from_waker(&rwaker))
                .is_pending()
        );
        assert!(
            writer
                .as_mut()
                .poll(&mut Context::from_waker(&wwaker))
                .is_pending()
        );
        let wait = |flag: &Flag, what: &str| {
            let deadline = std::time::Instant::now() + Duration::from_secs(5);
            while !flag.0.load(Ordering::SeqCst) {
                assert!(
                    std::time::Instant::now() < deadline,
                    "{mode}: {what} never woken"
                );
                reactor.poll(Some(Duration::from_millis(50))).unwrap();
            }
        };
        (&b).write_all(b"x").unwrap();
        wait(&rflag, "reader");
        assert!(matches!(
            reader.as_mut().poll(&mut Context::from_waker(&rwaker)),
            Poll::Ready(Ok(1))
        ));
        // Now drain the peer: only the writer's direction becomes ready.
        let mut sink = vec![0; filled];
        (&b).read_exact(&mut sink).unwrap();
        wait(&wflag, "writer");
        assert!(matches!(
            writer.as_mut().poll(&mut Context::from_waker(&wwaker)),
            Poll::Ready(Ok(_))
        ));
    }
}
