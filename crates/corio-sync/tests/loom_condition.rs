//! loom models of Condition: notify from another thread, and a cancelled
//! notified waiter passing the notification on.
#![cfg(loom)]

mod loom_support;

use corio_sync::Condition;
use loom::sync::Arc;
use loom::sync::atomic::{AtomicBool, Ordering};
use loom::thread;
use loom_support::{block_on, poll_once};

#[test]
fn notify_wakes_a_waiter_on_another_thread() {
    loom::model(|| {
        let cond = Arc::new(Condition::new());
        let ready = Arc::new(AtomicBool::new(false));
        let consumer = {
            let (cond, ready) = (cond.clone(), ready.clone());
            thread::spawn(move || {
                block_on(async {
                    let guard = cond.lock().await;
                    drop(guard.wait_for(|| ready.load(Ordering::SeqCst)).await);
                })
            })
        };
        block_on(async {
            let guard = cond.lock().await;
            ready.store(true, Ordering::SeqCst);
            guard.notify(1);
        });
        consumer.join().unwrap();
        assert!(!cond.locked());
    });
}

#[test]
fn cancelled_notified_waiter_passes_it_on() {
    loom::model(|| {
        let cond = Arc::new(Condition::new());
        let ready = Arc::new(AtomicBool::new(false));
        // Waiter A registers first, then is cancelled at some point.
        // Boxed, so that `drop(a)` really drops (cancels) it.
        let mut a = Box::pin(async {
            let guard = cond.lock().await;
            drop(guard.wait().await);
        });
        assert!(poll_once(a.as_mut()).is_pending());
        let b = {
            let (cond, ready) = (cond.clone(), ready.clone());
            thread::spawn(move || {
                block_on(async {
                    let guard = cond.lock().await;
                    drop(guard.wait_for(|| ready.load(Ordering::SeqCst)).await);
                })
            })
        };
        let notifier = {
            let (cond, ready) = (cond.clone(), ready.clone());
            thread::spawn(move || {
                block_on(async {
                    let guard = cond.lock().await;
                    ready.store(true, Ordering::SeqCst);
                    guard.notify(1); // may go to A, which is then dropped
                })
            })
        };
        notifier.join().unwrap();
        drop(a);
        b.join().unwrap();
        assert!(!cond.locked());
    });
}
