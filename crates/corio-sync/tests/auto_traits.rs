//! Which public types are `Send`, `Sync` and `Unpin` (model: tokio's
//! `tests/async_send_sync.rs`). A change here is an API change.
#![cfg(not(loom))]

use std::cell::Cell;
use std::rc::Rc;

use corio_sync::*;

fn send<T: Send>() {}
fn sync<T: Sync>() {}
fn unpin<T: Unpin>() {}
fn all3<T: Send + Sync + Unpin>() {}

macro_rules! assert_not {
    ($t:ty: $tr:path) => {{
        // Compile-time check that `$t` does not implement `$tr`: an ambiguity
        // error would appear if it did.
        trait AmbiguousIfImpl<A> {
            fn some_item() {}
        }
        impl<T: ?Sized> AmbiguousIfImpl<()> for T {}
        struct Invalid;
        impl<T: ?Sized + $tr> AmbiguousIfImpl<Invalid> for T {}
        let _ = <$t as AmbiguousIfImpl<_>>::some_item;
    }};
}

#[test]
fn primitives_are_send_sync_unpin() {
    all3::<Lock>();
    all3::<Semaphore>();
    all3::<BoundedSemaphore>();
    all3::<Event>();
    all3::<Condition>();
    all3::<Barrier>();
    all3::<Mutex<u8>>();
    all3::<RwLock<u8>>();
    // Errors.
    all3::<NotAcquired>();
    all3::<ReleasedTooManyTimes>();
    all3::<ConditionError>();
    all3::<InvalidParties>();
    all3::<BrokenBarrier>();
}

#[test]
fn futures_and_guards_are_send_sync_unpin() {
    all3::<Acquire<'static>>();
    all3::<LockFuture<'static>>();
    all3::<LockGuard<'static>>();
    all3::<AcquirePermit<'static>>();
    all3::<SemaphorePermit<'static>>();
    all3::<EventWait<'static>>();
    all3::<ConditionLockFuture<'static>>();
    all3::<ConditionGuard<'static>>();
    all3::<BarrierWait<'static>>();
    all3::<MutexLockFuture<'static, u8>>();
    all3::<MutexGuard<'static, u8>>();
    all3::<RwLockReadFuture<'static, u8>>();
    all3::<RwLockWriteFuture<'static, u8>>();
    all3::<RwLockReadGuard<'static, u8>>();
    all3::<RwLockWriteGuard<'static, u8>>();
}

#[test]
fn async_fn_futures_are_send() {
    let cond = Condition::new();
    fn is_send<T: Send>(_: &T) {}
    is_send(&cond.wait());
    is_send(&cond.wait_for(|| true));
    let guard = cond.try_lock().unwrap();
    let fut = guard.wait();
    is_send(&fut);
}

#[test]
fn data_locks_follow_their_data() {
    // Mutex<T>: Send + Sync iff T: Send (as std's).
    send::<Mutex<Cell<u8>>>();
    sync::<Mutex<Cell<u8>>>();
    assert_not!(Mutex<Rc<u8>>: Send);
    assert_not!(Mutex<Rc<u8>>: Sync);
    // Its guard hands out &T across threads when shared: needs T: Sync too.
    send::<MutexGuard<'static, Cell<u8>>>();
    assert_not!(MutexGuard<'static, Cell<u8>>: Sync);
    // RwLock<T>: Sync needs T: Send + Sync.
    send::<RwLock<Cell<u8>>>();
    assert_not!(RwLock<Cell<u8>>: Sync);
    assert_not!(RwLockReadGuard<'static, Cell<u8>>: Send);
    assert_not!(Mutex<std::marker::PhantomPinned>: Unpin);
    unpin::<MutexGuard<'static, std::marker::PhantomPinned>>();
}
