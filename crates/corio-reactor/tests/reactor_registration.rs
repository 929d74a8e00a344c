//! Registration, deregistration, the current reactor and `NoReactor`.

mod common;

use std::io::{self, Write};
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;
use std::thread;

use common::block_on;
use corio_reactor::{Async, NoReactor, Reactor};

#[test]
fn drop_deregisters() {
    let reactor = Reactor::new().unwrap();
    assert_eq!(reactor.source_count(), 0);
    let (a, b) = UnixStream::pair().unwrap();
    let a = Async::with_reactor(a, &reactor).unwrap();
    let b = Async::with_reactor(b, &reactor).unwrap();
    assert_eq!(reactor.source_count(), 2);
    drop(a);
    assert_eq!(reactor.source_count(), 1);
    drop(b);
    assert_eq!(reactor.source_count(), 0);
}

#[test]
fn into_inner_deregisters_and_keeps_the_fd_open() {
    let reactor = Reactor::new().unwrap();
    let (a, b) = UnixStream::pair().unwrap();
    let a = Async::with_reactor(a, &reactor).unwrap();
    let mut a = a.into_inner().unwrap();
    assert_eq!(reactor.source_count(), 0);
    // Still open (and still non-blocking).
    a.write_all(b"x").unwrap();
    let b = Async::with_reactor(b, &reactor).unwrap();
    let mut buf = [0; 1];
    assert_eq!(block_on(&reactor, b.read(&mut buf)).unwrap(), 1);
    // It can be registered again.
    let a = Async::with_reactor(a, &reactor).unwrap();
    assert_eq!(reactor.source_count(), 2);
    drop(a);
}

#[test]
fn slots_are_reused_and_events_reach_the_new_source() {
    let reactor = Reactor::new().unwrap();
    for _ in 0..50 {
        let (a, b) = UnixStream::pair().unwrap();
        let a = Async::with_reactor(a, &reactor).unwrap();
        let b = Async::with_reactor(b, &reactor).unwrap();
        block_on(&reactor, a.write(b"y")).unwrap();
        let mut buf = [0; 1];
        assert_eq!(block_on(&reactor, b.read(&mut buf)).unwrap(), 1);
    }
    assert_eq!(reactor.source_count(), 0);
}

#[test]
fn new_without_current_reactor_is_a_typed_error() {
    let (a, _b) = UnixStream::pair().unwrap();
    let err = Async::new(a).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::Other);
    let inner = err.get_ref().expect("an inner error");
    assert!(inner.downcast_ref::<NoReactor>().is_some(), "{inner:?}");
    assert!(err.to_string().starts_with("no reactor is current"));
}

#[test]
fn new_uses_the_current_reactor() {
    let reactor = Reactor::new().unwrap();
    let _guard = reactor.enter();
    let (a, _b) = UnixStream::pair().unwrap();
    let a = Async::new(a).unwrap();
    assert!(a.reactor().ptr_eq(&reactor));
    assert_eq!(reactor.source_count(), 1);
}

#[test]
fn enter_nests_and_restores() {
    let outer = Reactor::new().unwrap();
    let inner = Reactor::new().unwrap();
    assert!(Reactor::current().is_none());
    let g1 = outer.enter();
    assert!(Reactor::current().unwrap().ptr_eq(&outer));
    let g2 = inner.enter();
    assert!(Reactor::current().unwrap().ptr_eq(&inner));
    // The current reactor is per thread.
    thread::spawn(|| assert!(Reactor::current().is_none()))
        .join()
        .unwrap();
    drop(g2);
    assert!(Reactor::current().unwrap().ptr_eq(&outer));
    drop(g1);
    assert!(Reactor::current().is_none());
}

#[test]
fn registering_the_same_fd_twice_is_an_error() {
    let reactor = Reactor::new().unwrap();
    let (a, _b) = UnixStream::pair().unwrap();
    let dup = a.try_clone().unwrap();
    let a = Async::with_reactor(a, &reactor).unwrap();
    // A dup is a different fd number: fine.
    let dup = Async::with_reactor(dup, &reactor).unwrap();
    assert_eq!(reactor.source_count(), 2);
    // The same number (borrowed) is refused by the OS, and not counted.
    let same = Async::with_reactor(a.get_ref().as_fd(), &reactor);
    assert!(same.is_err(), "epoll/kqueue refuse a second registration");
    assert_eq!(reactor.source_count(), 2);
    drop(same);
    drop((a, dup));
}

#[test]
fn a_reactor_is_shared_across_threads() {
    let reactor = Reactor::new().unwrap();
    let r2 = reactor.clone();
    let handle = thread::spawn(move || {
        let (a, b) = UnixStream::pair().unwrap();
        (
            Async::with_reactor(a, &r2).unwrap(),
            Async::with_reactor(b, &r2).unwrap(),
        )
    });
    let (a, b) = handle.join().unwrap();
    assert_eq!(reactor.source_count(), 2);
    block_on(&reactor, a.write(b"z")).unwrap();
    let mut buf = [0; 1];
    assert_eq!(block_on(&reactor, b.read(&mut buf)).unwrap(), 1);
}
