//! loom models of RwLock: a writer and a reader on two threads, and a
//! cancelled writer letting a queued reader in.
#![cfg(loom)]

mod loom_support;

use std::pin::pin;

use corio_sync::RwLock;
use loom::sync::Arc;
use loom::thread;
use loom_support::{block_on, poll_once};

#[test]
fn writer_and_reader() {
    loom::model(|| {
        let lock = Arc::new(RwLock::new((0, 0)));
        let writer = {
            let lock = lock.clone();
            thread::spawn(move || {
                let mut g = block_on(lock.write());
                g.0 += 1;
                g.1 += 1;
            })
        };
        let g = block_on(lock.read());
        assert_eq!(g.0, g.1);
        drop(g);
        writer.join().unwrap();
        assert_eq!(*block_on(lock.read()), (1, 1));
    });
}

#[test]
fn cancelled_writer_lets_reader_in() {
    loom::model(|| {
        let lock = Arc::new(RwLock::new(()));
        let held = lock.try_read().unwrap();
        let canceller = {
            let lock = lock.clone();
            thread::spawn(move || {
                let mut w = pin!(lock.write());
                // Queue, then give up (or drop the lock at once if granted).
                drop(poll_once(w.as_mut()));
            })
        };
        let reader = {
            let lock = lock.clone();
            thread::spawn(move || drop(block_on(lock.read())))
        };
        canceller.join().unwrap();
        reader.join().unwrap();
        drop(held);
        assert!(lock.try_write().is_some());
    });
}
