//! Which public types are `Send`, `Sync` and `Unpin`, checked at compile
//! time (model: tokio's `tests/async_send_sync.rs`).

#![allow(dead_code)] // the functions exist only to be type-checked

use std::cell::Cell;
use std::rc::Rc;

use corio_channel::{LifoQueue, PriorityQueue, Queue, broadcast, mpmc, oneshot, queue};

fn send<T: Send>() {}
fn sync<T: Sync>() {}
fn unpin<T: Unpin>() {}

/// Send + Sync + Unpin for `T: Send` (the usual case).
macro_rules! all {
    ($($t:ty),* $(,)?) => {
        $( send::<$t>(); sync::<$t>(); unpin::<$t>(); )*
    };
}

#[test]
fn send_sync_unpin_for_send_items() {
    type T = Vec<u8>;
    all!(
        Queue<T>,
        LifoQueue<T>,
        PriorityQueue<T>,
        queue::Get<'static, T>,
        queue::Put<'static, T>,
        queue::Join<T>,
        queue::PutError<T>,
        queue::PutNowaitError<T>,
        queue::GetNowaitError,
        queue::ShutDown,
        queue::TaskDoneError,
        mpmc::Sender<T>,
        mpmc::Receiver<T>,
        mpmc::Send<'static, T>,
        mpmc::Recv<'static, T>,
        mpmc::SendError<T>,
        mpmc::TrySendError<T>,
        oneshot::Sender<T>,
        oneshot::Receiver<T>,
        oneshot::Closed<'static, T>,
        oneshot::SendError<T>,
        broadcast::Sender<T>,
        broadcast::Receiver<T>,
        broadcast::Recv<'static, T>,
        broadcast::SendError<T>,
        broadcast::RecvError,
        corio_channel::ZeroCapacityError,
    );
}

#[test]
fn send_but_not_sync_items_still_give_sync_queues() {
    // `Cell` is Send but not Sync: the queue only moves items between
    // threads, never shares them, so it is still Sync.
    type T = Cell<u8>;
    all!(
        Queue<T>,
        mpmc::Sender<T>,
        mpmc::Receiver<T>,
        queue::Get<'static, T>
    );
}

#[test]
fn unpin_even_for_unpin_less_items() {
    // The futures move their item, never pin it.
    type T = std::marker::PhantomPinned;
    unpin::<queue::Put<'static, T>>();
    unpin::<mpmc::Send<'static, T>>();
    unpin::<oneshot::Receiver<T>>();
}

/// Compile-time proof that `!Send` items make the handles `!Send`: this
/// would not compile if `Queue<Rc<u8>>` were `Send`.
trait AmbiguousIfSend<A> {
    fn some_item() {}
}
impl<T: ?Sized> AmbiguousIfSend<()> for T {}
impl<T: ?Sized + Send> AmbiguousIfSend<u8> for T {}

#[test]
fn not_send_for_not_send_items() {
    <Queue<Rc<u8>> as AmbiguousIfSend<_>>::some_item();
    <mpmc::Sender<Rc<u8>> as AmbiguousIfSend<_>>::some_item();
    <broadcast::Receiver<Rc<u8>> as AmbiguousIfSend<_>>::some_item();
}
