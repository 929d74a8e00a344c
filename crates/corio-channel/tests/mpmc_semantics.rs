//! The mpmc channel's rules: delivery, waiting, closing, and no silent loss.

mod common;

use std::task::Poll;

use common::Probe;
use corio_channel::ZeroCapacityError;
use corio_channel::mpmc::{self, RecvError, TryRecvError, TrySendError};
use futures_lite::future::block_on;

#[test]
fn zero_capacity_is_an_error() {
    let err = mpmc::bounded::<u8>(0).unwrap_err();
    assert_eq!(err, ZeroCapacityError);
    assert_eq!(err.to_string(), "channel capacity must be at least 1");
}

#[test]
fn fifo_delivery() {
    let (tx, rx) = mpmc::bounded(100).unwrap();
    for i in 0..100 {
        tx.try_send(i).unwrap();
    }
    assert!(tx.is_full());
    for i in 0..100 {
        assert_eq!(rx.try_recv(), Ok(i));
    }
}

#[test]
fn send_waits_while_full_and_recv_while_empty() {
    let (tx, rx) = mpmc::bounded(1).unwrap();
    let mut recv = Probe::new(rx.recv());
    assert!(recv.poll().is_pending());
    tx.try_send(1).unwrap();
    assert!(recv.woken());
    assert_eq!(recv.poll(), Poll::Ready(Ok(1)));

    tx.try_send(2).unwrap();
    let mut send = Probe::new(tx.send(3));
    assert!(send.poll().is_pending());
    assert_eq!(rx.try_recv(), Ok(2));
    assert!(send.woken());
    assert!(send.poll().is_ready());
    assert_eq!(rx.try_recv(), Ok(3));
}

#[test]
fn closes_when_all_senders_drop_and_drains_first() {
    let (tx, rx) = mpmc::unbounded();
    let tx2 = tx.clone();
    tx.try_send(1).unwrap();
    tx2.try_send(2).unwrap();
    drop(tx);
    assert!(!rx.is_closed(), "one sender left");
    let mut waiting = Probe::new(rx.recv());
    assert_eq!(waiting.poll(), Poll::Ready(Ok(1)));
    drop(tx2);
    assert!(rx.is_closed());
    assert_eq!(
        block_on(rx.recv()),
        Ok(2),
        "drained before reporting closed"
    );
    assert_eq!(block_on(rx.recv()), Err(RecvError));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
}

#[test]
fn last_sender_drop_wakes_blocked_receivers() {
    let (tx, rx) = mpmc::unbounded::<u8>();
    let rx2 = rx.clone();
    let mut a = Probe::new(rx.recv());
    let mut b = Probe::new(rx2.recv());
    assert!(a.poll().is_pending());
    assert!(b.poll().is_pending());
    drop(tx);
    assert!(a.woken() && b.woken());
    assert_eq!(a.poll(), Poll::Ready(Err(RecvError)));
    assert_eq!(b.poll(), Poll::Ready(Err(RecvError)));
}

#[test]
fn send_on_closed_channel_gives_the_value_back() {
    let (tx, rx) = mpmc::bounded(1).unwrap();
    tx.try_send(String::from("kept")).unwrap();
    let mut blocked = Probe::new(tx.send(String::from("blocked")));
    assert!(blocked.poll().is_pending());
    drop(rx);
    assert!(blocked.woken());
    match blocked.poll() {
        Poll::Ready(Err(err)) => {
            assert_eq!(err.to_string(), "sending on a closed channel");
            assert_eq!(err.into_inner(), "blocked");
        }
        other => panic!("expected a closed error, got {other:?}"),
    }
    match tx.try_send(String::from("late")) {
        Err(TrySendError::Closed(v)) => assert_eq!(v, "late"),
        other => panic!("expected Closed, got {other:?}"),
    }
    assert_eq!(block_on(tx.send(String::from("x"))).unwrap_err().0, "x");
}

#[test]
fn cancelled_recv_loses_no_value() {
    let (tx, rx) = mpmc::unbounded();
    let mut first = Probe::new(rx.recv());
    let mut second = Probe::new(rx.recv());
    assert!(first.poll().is_pending());
    assert!(second.poll().is_pending());
    tx.try_send(42).unwrap();
    assert!(first.woken() && !second.woken());
    drop(first);
    assert!(second.woken());
    assert_eq!(second.poll(), Poll::Ready(Ok(42)));
}

#[test]
fn receiver_close_then_drain() {
    let (tx, rx) = mpmc::unbounded();
    tx.try_send(1).unwrap();
    tx.try_send(2).unwrap();
    assert!(rx.close());
    assert!(tx.try_send(3).unwrap_err().is_closed());
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(rx.try_recv(), Ok(2));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
}

#[test]
fn counts() {
    let (tx, rx) = mpmc::bounded::<()>(3).unwrap();
    let tx2 = tx.clone();
    let rx2 = rx.clone();
    let rx3 = rx2.clone();
    assert_eq!(rx.sender_count(), 2);
    assert_eq!(tx.receiver_count(), 3);
    drop((rx2, rx3));
    assert_eq!(tx2.receiver_count(), 1);
    assert_eq!(tx.capacity(), Some(3));
}
