//! The broadcast channel's rules: everyone sees everything, lag is reported.

mod common;

use std::task::Poll;

use common::Probe;
use corio_channel::broadcast::{self, RecvError, TryRecvError};
use futures_lite::future::block_on;

#[test]
fn zero_capacity_is_an_error() {
    assert!(broadcast::channel::<u8>(0).is_err());
}

#[test]
fn every_receiver_sees_every_value_after_subscribing() {
    let (tx, mut a) = broadcast::channel(8).unwrap();
    tx.send(1).unwrap();
    let mut b = tx.subscribe();
    tx.send(2).unwrap();
    assert_eq!(a.try_recv(), Ok(1));
    assert_eq!(a.try_recv(), Ok(2));
    assert_eq!(b.try_recv(), Ok(2));
    assert_eq!(b.try_recv(), Err(TryRecvError::Empty));
}

#[test]
fn lagging_receiver_is_told_how_many_it_missed() {
    let (tx, mut rx) = broadcast::channel(3).unwrap();
    for i in 0..10 {
        tx.send(i).unwrap();
    }
    assert_eq!(rx.len(), 10);
    assert_eq!(block_on(rx.recv()), Err(RecvError::Lagged(7)));
    assert_eq!(
        RecvError::Lagged(7).to_string(),
        "receiver lagged behind and missed 7 values"
    );
    assert_eq!(block_on(rx.recv()), Ok(7));
    assert_eq!(block_on(rx.recv()), Ok(8));
    assert_eq!(block_on(rx.recv()), Ok(9));
    assert!(rx.is_empty());
}

#[test]
fn receivers_are_woken_by_send_and_by_the_last_sender_leaving() {
    let (tx, mut a) = broadcast::channel(4).unwrap();
    let mut b = a.clone();
    {
        let mut ra = Probe::new(a.recv());
        let mut rb = Probe::new(b.recv());
        assert!(ra.poll().is_pending());
        assert!(rb.poll().is_pending());
        tx.send("x").unwrap();
        assert!(ra.woken() && rb.woken());
        assert_eq!(ra.poll(), Poll::Ready(Ok("x")));
        assert_eq!(rb.poll(), Poll::Ready(Ok("x")));
    }
    let tx2 = tx.clone();
    tx2.send("y").unwrap();
    drop(tx);
    drop(tx2);
    // Closed, but what was sent is read first.
    assert_eq!(block_on(a.recv()), Ok("y"));
    assert_eq!(block_on(a.recv()), Err(RecvError::Closed));
    let mut rb = Probe::new(b.recv());
    assert_eq!(rb.poll(), Poll::Ready(Ok("y")));
}

#[test]
fn blocked_receiver_woken_when_senders_go() {
    let (tx, mut rx) = broadcast::channel::<u8>(4).unwrap();
    let mut recv = Probe::new(rx.recv());
    assert!(recv.poll().is_pending());
    drop(tx);
    assert!(recv.woken());
    assert_eq!(recv.poll(), Poll::Ready(Err(RecvError::Closed)));
}

#[test]
fn send_without_receivers_gives_the_value_back() {
    let (tx, rx) = broadcast::channel(4).unwrap();
    assert_eq!(tx.send(1).unwrap(), 1);
    drop(rx);
    assert_eq!(tx.receiver_count(), 0);
    let err = tx.send(2).unwrap_err();
    assert_eq!(err.to_string(), "sending on a channel with no receiver");
    assert_eq!(err.into_inner(), 2);
    // A new subscriber starts fresh and makes sends work again.
    let mut rx = tx.subscribe();
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    tx.send(3).unwrap();
    assert_eq!(rx.try_recv(), Ok(3));
}

#[test]
fn clone_keeps_the_position() {
    let (tx, mut rx) = broadcast::channel(4).unwrap();
    tx.send(1).unwrap();
    tx.send(2).unwrap();
    assert_eq!(rx.try_recv(), Ok(1));
    let mut copy = rx.clone();
    assert_eq!(copy.try_recv(), Ok(2));
    assert_eq!(rx.try_recv(), Ok(2));
}

#[test]
fn cancelled_recv_does_not_advance() {
    let (tx, mut rx) = broadcast::channel(4).unwrap();
    {
        let mut recv = Probe::new(rx.recv());
        assert!(recv.poll().is_pending());
        tx.send(1).unwrap();
        assert!(recv.woken());
        // dropped here without polling again
    }
    assert_eq!(rx.try_recv(), Ok(1));
}
