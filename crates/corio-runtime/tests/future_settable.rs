//! SettableFuture: asyncio.Future's rules.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use corio_runtime::{EventLoop, FutureError, SettableFuture, sleep, spawn};

#[test]
fn set_once_result_rules_and_many_waiters() {
    let lp = EventLoop::new().unwrap();
    let fut = lp.create_future::<u32>();
    assert!(matches!(fut.result(), Err(FutureError::NotDone)));
    let f = fut.clone();
    let outs = lp
        .run_until_complete(async move {
            let waiters: Vec<_> = (0..4)
                .map(|_| {
                    let f = f.clone();
                    spawn(async move { f.await.unwrap() })
                })
                .collect();
            sleep(Duration::from_millis(1)).await;
            f.set_result(7).unwrap();
            assert!(matches!(f.set_result(8), Err(FutureError::AlreadyDone)));
            assert!(matches!(f.set_error("late"), Err(FutureError::AlreadyDone)));
            assert!(!f.cancel());
            let mut outs = Vec::new();
            for w in waiters {
                outs.push(w.await.unwrap());
            }
            outs
        })
        .unwrap();
    assert_eq!(outs, [7, 7, 7, 7]);
    assert_eq!(fut.result().unwrap(), 7);
}

#[test]
fn callbacks_run_through_the_loop_in_order_and_can_be_removed() {
    let lp = EventLoop::new().unwrap();
    let fut = lp.create_future::<&'static str>();
    let log = Rc::new(RefCell::new(Vec::new()));
    for n in 0..3 {
        let l = log.clone();
        fut.add_done_callback(move |f| l.borrow_mut().push(format!("{n}:{}", f.result().unwrap())));
    }
    let l = log.clone();
    let removed = fut.add_done_callback(move |_| l.borrow_mut().push("removed".into()));
    assert!(fut.remove_done_callback(removed));
    let l = log.clone();
    let f = fut.clone();
    lp.call_soon(move || {
        f.set_result("x").unwrap();
        l.borrow_mut().push("set_result returned".into());
    })
    .unwrap();
    lp.run_until_complete(sleep(Duration::from_millis(1)))
        .unwrap();
    // A callback added after completion is still scheduled, not run inline.
    let l = log.clone();
    fut.add_done_callback(move |_| l.borrow_mut().push("late".into()));
    assert_eq!(
        log.borrow().last().unwrap(),
        "0:x".replace("0:x", "2:x").as_str()
    );
    lp.run_until_complete(sleep(Duration::ZERO)).unwrap();
    assert_eq!(
        *log.borrow(),
        ["set_result returned", "0:x", "1:x", "2:x", "late"]
    );
}

#[test]
fn errors_and_cancellation_reach_the_waiters() {
    let lp = EventLoop::new().unwrap();
    let failed = lp.create_future::<()>();
    failed.set_error("no luck").unwrap();
    let err = lp.run_until_complete(failed.clone()).unwrap().unwrap_err();
    assert_eq!(err.to_string(), "no luck");
    assert!(failed.error().unwrap().is_some());

    let cancelled = lp.create_future::<()>();
    cancelled.cancel();
    assert!(matches!(
        lp.run_until_complete(cancelled.clone()).unwrap(),
        Err(FutureError::Cancelled)
    ));
    assert!(cancelled.cancelled());
}

#[test]
fn cancelling_the_awaiting_task_cancels_the_future() {
    let lp = EventLoop::new().unwrap();
    let fut = lp.create_future::<u8>();
    let f = fut.clone();
    lp.run_until_complete(async move {
        let waiter = spawn(f);
        sleep(Duration::from_millis(1)).await;
        waiter.cancel();
        sleep(Duration::from_millis(1)).await;
    })
    .unwrap();
    assert!(fut.cancelled());
}

#[test]
fn works_without_a_loop() {
    let fut = SettableFuture::new();
    assert!(!fut.done());
    fut.set_result(String::from("plain")).unwrap();
    assert!(fut.done());
    assert_eq!(fut.result().unwrap(), "plain");
}

/// Issue 6, defect 9: `remove_done_callback` dropped the removed closure while the
/// callback list was borrowed; a capture whose destructor uses the same future panicked
/// on a double borrow.
#[test]
fn a_removed_callback_may_touch_the_future_when_dropped() {
    struct AddsOnDrop(SettableFuture<u8>, Rc<RefCell<Vec<u8>>>);
    impl Drop for AddsOnDrop {
        fn drop(&mut self) {
            let log = self.1.clone();
            self.0
                .add_done_callback(move |f| log.borrow_mut().push(f.result().unwrap()));
        }
    }
    let fut = SettableFuture::<u8>::new();
    let log = Rc::new(RefCell::new(Vec::new()));
    let guard = AddsOnDrop(fut.clone(), log.clone());
    let id = fut.add_done_callback(move |_| drop(guard));
    assert!(fut.remove_done_callback(id));
    assert!(!fut.remove_done_callback(id));
    fut.set_result(4).unwrap(); // no loop: callbacks run at once
    assert_eq!(*log.borrow(), [4]);
}

/// Issue 6, defect 9: `poll` dropped the waker it replaced while the waiter list was
/// borrowed; a waker whose destructor polls the same future panicked on a double borrow.
#[test]
fn a_replaced_waker_may_poll_the_future_when_dropped() {
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::Arc;
    use std::task::{Context, Wake, Waker};

    thread_local! {
        static FUT: RefCell<Option<SettableFuture<u8>>> = const { RefCell::new(None) };
    }
    struct PollsOnDrop;
    impl Wake for PollsOnDrop {
        fn wake(self: Arc<Self>) {}
    }
    impl Drop for PollsOnDrop {
        fn drop(&mut self) {
            if let Some(fut) = FUT.with(|f| f.borrow().clone()) {
                let mut again = fut.clone();
                let poll = Pin::new(&mut again).poll(&mut Context::from_waker(Waker::noop()));
                assert!(poll.is_pending());
                std::mem::forget(again); // not cancel the future on drop
            }
        }
    }
    let mut fut = SettableFuture::<u8>::new();
    FUT.with(|f| *f.borrow_mut() = Some(fut.clone()));
    let first = Waker::from(Arc::new(PollsOnDrop));
    assert!(
        Pin::new(&mut fut)
            .poll(&mut Context::from_waker(&first))
            .is_pending()
    );
    drop(first); // the list still holds a clone
    // A different waker replaces it: the old one's last reference goes.
    assert!(
        Pin::new(&mut fut)
            .poll(&mut Context::from_waker(Waker::noop()))
            .is_pending()
    );
    FUT.with(|f| f.borrow_mut().take());
    fut.set_result(1).unwrap();
    let out = Pin::new(&mut fut).poll(&mut Context::from_waker(Waker::noop()));
    assert!(matches!(out, std::task::Poll::Ready(Ok(1))));
}
