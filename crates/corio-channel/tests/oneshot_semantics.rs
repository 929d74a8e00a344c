//! The oneshot channel's rules.

mod common;

use std::task::Poll;

use common::Probe;
use corio_channel::oneshot::{self, RecvError, TryRecvError};
use futures_lite::future::block_on;

#[test]
fn delivers_the_value() {
    let (tx, rx) = oneshot::channel();
    let mut rx = Probe::new(rx);
    assert!(rx.poll().is_pending());
    tx.send(5).unwrap();
    assert!(rx.woken());
    assert_eq!(rx.poll(), Poll::Ready(Ok(5)));
}

#[test]
fn sender_dropped_without_sending() {
    let (tx, rx) = oneshot::channel::<u8>();
    let mut rx = Probe::new(rx);
    assert!(rx.poll().is_pending());
    drop(tx);
    assert!(rx.woken());
    assert_eq!(rx.poll(), Poll::Ready(Err(RecvError)));
}

#[test]
fn send_to_a_gone_receiver_gives_the_value_back() {
    let (tx, rx) = oneshot::channel();
    assert!(!tx.is_closed());
    drop(rx);
    assert!(tx.is_closed());
    let err = tx.send(vec![1, 2]).unwrap_err();
    assert_eq!(err.into_inner(), [1, 2]);
}

#[test]
fn value_sent_before_close_can_still_be_taken() {
    let (tx, mut rx) = oneshot::channel();
    tx.send("v").unwrap();
    rx.close();
    assert_eq!(rx.try_recv(), Ok("v"));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
}

#[test]
fn closed_resolves_when_the_receiver_goes() {
    let (tx, rx) = oneshot::channel::<u8>();
    let mut closed = Probe::new(tx.closed());
    assert!(closed.poll().is_pending());
    drop(rx);
    assert!(closed.woken());
    assert_eq!(closed.poll(), Poll::Ready(()));
}

#[test]
fn across_threads() {
    for _ in 0..100 {
        let (tx, rx) = oneshot::channel();
        let t = std::thread::spawn(move || tx.send(7).unwrap());
        assert_eq!(block_on(rx), Ok(7));
        t.join().unwrap();
    }
}

#[test]
fn polled_after_completion_reports_closed() {
    let (tx, rx) = oneshot::channel();
    tx.send(1).unwrap();
    let mut rx = Probe::new(rx);
    assert_eq!(rx.poll(), Poll::Ready(Ok(1)));
    assert_eq!(rx.poll(), Poll::Ready(Err(RecvError)));
}
