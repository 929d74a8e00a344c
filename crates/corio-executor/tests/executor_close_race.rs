//! Issue 6, defect 1: a wake from another thread that lands while `close()` runs must not
//! leave a task pending. The interleaving is forced: a destructor that `close()` runs makes
//! another thread wake task B (after the ready queue closed), and waits for that thread,
//! before `close()` gets to B.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};

use corio_executor::{LocalExecutor, park, yield_now};

/// Runs its closure when dropped.
struct OnDrop<F: FnMut()>(F);

impl<F: FnMut()> Drop for OnDrop<F> {
    fn drop(&mut self) {
        (self.0)();
    }
}

#[test]
fn close_drops_a_task_woken_from_another_thread_while_closing() {
    let (mut parker, unparker) = park::pair();
    let ex = LocalExecutor::new(unparker);
    let b_waker: Arc<Mutex<Option<Waker>>> = Arc::new(Mutex::new(None));
    let b_dropped = Rc::new(Cell::new(false));

    // A is spawned first, so close() drops it first; its destructor wakes B from another
    // thread and waits for that thread.
    let w = b_waker.clone();
    let a = ex.spawn_local(async move {
        let _wake_b_elsewhere = OnDrop(move || {
            let w = w.clone();
            std::thread::spawn(move || {
                let waker = w.lock().unwrap().take().expect("B waits");
                waker.wake();
            })
            .join()
            .unwrap();
        });
        std::future::pending::<()>().await;
    });
    let (w, d) = (b_waker.clone(), b_dropped.clone());
    let b = ex.spawn_local(async move {
        let _flag = OnDrop(move || d.set(true));
        std::future::poll_fn(|cx| {
            *w.lock().unwrap() = Some(cx.waker().clone());
            Poll::<()>::Pending
        })
        .await;
    });
    ex.block_on(yield_now(), &mut parker);
    assert!(b_waker.lock().unwrap().is_some());

    let pending = ex.close();
    assert_eq!(pending.len(), 2);
    assert!(a.cancelled());
    assert!(
        b_dropped.get(),
        "close() returned with B's future still alive"
    );
    assert!(b.cancelled(), "close() left B pending");
}

#[test]
fn close_storms_with_remote_wakes_leave_no_task_pending() {
    // Many rounds of the random version of the race: other threads wake tasks while the
    // executor closes. Every task must be done when close() returns.
    // Fewer rounds under miri, which runs this some thousand times slower.
    let rounds = if cfg!(miri) { 2 } else { 200 };
    for round in 0..rounds {
        let (mut parker, unparker) = park::pair();
        let ex = LocalExecutor::new(unparker);
        let wakers: Arc<Mutex<Vec<Waker>>> = Arc::new(Mutex::new(Vec::new()));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let w = wakers.clone();
                ex.spawn_local(std::future::poll_fn(move |cx| {
                    w.lock().unwrap().push(cx.waker().clone());
                    Poll::<()>::Pending
                }))
            })
            .collect();
        ex.block_on(yield_now(), &mut parker);
        let w = wakers.clone();
        let waker_thread = std::thread::spawn(move || {
            for _ in 0..50 {
                let batch: Vec<Waker> = w.lock().unwrap().clone();
                for waker in batch {
                    waker.wake();
                }
                std::thread::yield_now();
            }
        });
        if round % 2 == 0 {
            std::thread::yield_now();
        }
        ex.close();
        for t in &tasks {
            assert!(t.done(), "round {round}: a task left pending by close()");
        }
        waker_thread.join().unwrap();
    }
}
