//! Mutex<T> and RwLock<T>: exclusion, FIFO order, writer priority over later
//! readers, and no lost hand-off on cancellation.
#![cfg(not(loom))]

mod common;

use std::task::Poll;

use common::poll;
use corio_sync::{Mutex, RwLock};

#[test]
fn mutex_is_fifo_and_passes_on_when_cancelled() {
    let mutex = Mutex::new(Vec::new());
    let guard = mutex.try_lock().unwrap();
    let mut a = mutex.lock();
    let mut b = mutex.lock();
    let mut c = mutex.lock();
    for f in [&mut a, &mut b, &mut c] {
        assert!(poll(f).is_pending());
    }
    drop(guard); // to a
    assert!(mutex.try_lock().is_none(), "no barging");
    drop(a); // a cancelled: to b
    let Poll::Ready(mut g) = poll(&mut b) else {
        panic!("b must own the mutex")
    };
    g.push("b");
    assert!(poll(&mut c).is_pending());
    drop(g);
    let Poll::Ready(mut g) = poll(&mut c) else {
        panic!("c must own the mutex")
    };
    g.push("c");
    drop(g);
    drop((b, c));
    assert_eq!(mutex.into_inner(), ["b", "c"]);
}

#[test]
fn rwlock_readers_share_and_writer_excludes() {
    let lock = RwLock::new(0);
    let r1 = lock.try_read().unwrap();
    let r2 = lock.try_read().unwrap();
    let mut w = lock.write();
    assert!(poll(&mut w).is_pending());
    // A waiting writer holds back later readers.
    assert!(lock.try_read().is_none());
    let mut r3 = lock.read();
    assert!(poll(&mut r3).is_pending());
    drop(r1);
    assert!(poll(&mut w).is_pending());
    drop(r2);
    let Poll::Ready(mut wg) = poll(&mut w) else {
        panic!("writer must get the lock")
    };
    *wg = 5;
    assert!(poll(&mut r3).is_pending());
    drop(wg);
    let Poll::Ready(rg) = poll(&mut r3) else {
        panic!("reader must get the lock")
    };
    assert_eq!(*rg, 5);
}

#[test]
fn cancelled_writer_lets_queued_readers_in() {
    let lock = RwLock::new(());
    let r1 = lock.try_read().unwrap();
    let mut w = lock.write();
    assert!(poll(&mut w).is_pending());
    let mut readers: Vec<_> = (0..40).map(|_| lock.read()).collect();
    for r in &mut readers {
        assert!(poll(r).is_pending());
    }
    drop(w); // the writer held back 40 readers and one reader slot... gives up
    let guards: Vec<_> = readers
        .iter_mut()
        .map(|r| match poll(r) {
            Poll::Ready(g) => g,
            Poll::Pending => panic!("readers behind a cancelled writer must proceed"),
        })
        .collect();
    drop(r1);
    drop(guards);
    assert!(lock.try_write().is_some());
}

#[test]
fn writer_release_admits_a_batch_of_readers() {
    // More readers than one batch of wakers (16): the hand-off goes on.
    let lock = RwLock::new(1);
    let wg = lock.try_write().unwrap();
    let mut readers: Vec<_> = (0..100).map(|_| lock.read()).collect();
    for r in &mut readers {
        assert!(poll(r).is_pending());
    }
    drop(wg);
    for r in &mut readers {
        let Poll::Ready(g) = poll(r) else {
            panic!("every reader must be admitted")
        };
        assert_eq!(*g, 1);
    }
}

#[test]
fn get_mut_and_debug() {
    let mut m = Mutex::new(1);
    *m.get_mut() = 2;
    assert_eq!(format!("{m:?}"), "Mutex { data: 2 }");
    let g = m.try_lock().unwrap();
    assert_eq!(format!("{m:?}"), "Mutex { data: <locked> }");
    drop(g);
    let mut l = RwLock::new(1);
    *l.get_mut() = 3;
    assert_eq!(format!("{l:?}"), "RwLock { data: 3 }");
}
