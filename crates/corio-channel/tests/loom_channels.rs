//! loom models of the channels' wakeup and close logic.
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p corio-channel --release --test 'loom_*'`

#![cfg(loom)]

mod loom_support;

use corio_channel::{broadcast, mpmc, oneshot};
use loom::thread;
use loom_support::block_on;

#[test]
fn mpmc_bounded_send_and_recv_wake_each_other() {
    loom::model(|| {
        let (tx, rx) = mpmc::bounded(1).unwrap();
        let producer = thread::spawn(move || {
            block_on(tx.send(1)).unwrap();
            block_on(tx.send(2)).unwrap();
            // `tx` dropped: closes the channel.
        });
        assert_eq!(block_on(rx.recv()), Ok(1));
        assert_eq!(block_on(rx.recv()), Ok(2));
        assert_eq!(block_on(rx.recv()), Err(mpmc::RecvError));
        producer.join().unwrap();
    });
}

#[test]
fn mpmc_receiver_drop_fails_blocked_sender() {
    loom::model(|| {
        let (tx, rx) = mpmc::bounded(1).unwrap();
        tx.try_send(0u8).unwrap();
        let sender = thread::spawn(move || block_on(tx.send(1)).map_err(|e| e.into_inner()));
        drop(rx);
        assert_eq!(sender.join().unwrap(), Err(1));
    });
}

#[test]
fn mpmc_two_receivers_share_the_values() {
    loom::model(|| {
        let (tx, rx) = mpmc::unbounded();
        let rx2 = rx.clone();
        let other = thread::spawn(move || block_on(rx2.recv()));
        tx.try_send(1u8).unwrap();
        tx.try_send(2u8).unwrap();
        drop(tx);
        let mine = block_on(rx.recv()).unwrap();
        let theirs = other.join().unwrap().unwrap();
        assert_eq!(mine + theirs, 3);
    });
}

#[test]
fn oneshot_send_across_threads() {
    loom::model(|| {
        let (tx, rx) = oneshot::channel();
        let sender = thread::spawn(move || tx.send(5u8).unwrap());
        assert_eq!(block_on(rx), Ok(5));
        sender.join().unwrap();
    });
}

#[test]
fn oneshot_sender_drop_wakes_receiver() {
    loom::model(|| {
        let (tx, rx) = oneshot::channel::<u8>();
        let sender = thread::spawn(move || drop(tx));
        assert_eq!(block_on(rx), Err(oneshot::RecvError));
        sender.join().unwrap();
    });
}

#[test]
fn oneshot_receiver_drop_wakes_closed_and_returns_value() {
    loom::model(|| {
        let (tx, rx) = oneshot::channel::<u8>();
        let receiver = thread::spawn(move || drop(rx));
        block_on(tx.closed());
        assert_eq!(tx.send(1).unwrap_err().into_inner(), 1);
        receiver.join().unwrap();
    });
}

#[test]
fn broadcast_send_wakes_receiver_and_close_ends_it() {
    loom::model(|| {
        let (tx, mut rx) = broadcast::channel(2).unwrap();
        let sender = thread::spawn(move || {
            tx.send(1u8).unwrap();
            // `tx` dropped: closes the channel.
        });
        assert_eq!(block_on(rx.recv()), Ok(1));
        assert_eq!(block_on(rx.recv()), Err(broadcast::RecvError::Closed));
        sender.join().unwrap();
    });
}

#[test]
fn broadcast_two_receivers_each_see_the_value() {
    loom::model(|| {
        let (tx, mut rx) = broadcast::channel(2).unwrap();
        let mut rx2 = rx.clone();
        let other = thread::spawn(move || block_on(rx2.recv()));
        tx.send(1u8).unwrap();
        assert_eq!(block_on(rx.recv()), Ok(1));
        assert_eq!(other.join().unwrap(), Ok(1));
    });
}
