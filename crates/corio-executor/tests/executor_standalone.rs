//! The executor driven by its own `block_on` and a thread parker: no loop, no I/O, no time.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Waker;
use std::time::Duration;

use corio_executor::{ExecutorEvent, LocalExecutor, TaskError, park, yield_now};

fn executor() -> (LocalExecutor, park::ThreadPark) {
    let (parker, unparker) = park::pair();
    (LocalExecutor::new(unparker), parker)
}

#[test]
fn callbacks_and_task_steps_share_one_fifo_queue() {
    let (ex, mut parker) = executor();
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    ex.spawn_local(async move {
        l.borrow_mut().push("task step 1");
        yield_now().await;
        l.borrow_mut().push("task step 2");
    });
    let l = log.clone();
    ex.call_soon(move || l.borrow_mut().push("callback A"));
    let l = log.clone();
    ex.call_soon(move || l.borrow_mut().push("callback B"));
    ex.block_on(
        async {
            for _ in 0..3 {
                yield_now().await
            }
        },
        &mut parker,
    );
    assert_eq!(
        *log.borrow(),
        ["task step 1", "callback A", "callback B", "task step 2"]
    );
}

#[test]
fn a_wake_from_another_thread_unparks_the_driver() {
    let (ex, mut parker) = executor();
    let slot: Arc<std::sync::Mutex<Option<Waker>>> = Arc::default();
    let s = slot.clone();
    let task = ex.spawn_local(async move {
        let mut first = true;
        std::future::poll_fn(|cx| {
            if first {
                first = false;
                *s.lock().unwrap() = Some(cx.waker().clone());
                std::task::Poll::Pending
            } else {
                std::task::Poll::Ready(7)
            }
        })
        .await
    });
    let waker_thread = std::thread::spawn(move || {
        loop {
            if let Some(w) = slot.lock().unwrap().take() {
                std::thread::sleep(Duration::from_millis(10));
                w.wake();
                return;
            }
            std::thread::yield_now();
        }
    });
    assert_eq!(ex.block_on(task, &mut parker), Ok(7));
    waker_thread.join().unwrap();
}

#[test]
fn remote_callbacks_run_on_the_owner_thread_in_order() {
    let (ex, mut parker) = executor();
    let remote = ex.remote();
    let seen = Arc::new(AtomicUsize::new(0));
    let s = seen.clone();
    let owner = std::thread::current().id();
    std::thread::spawn(move || {
        for i in 0..100 {
            let s = s.clone();
            remote
                .call_soon_threadsafe(move || {
                    assert_eq!(std::thread::current().id(), owner);
                    assert_eq!(s.fetch_add(1, Ordering::SeqCst), i);
                })
                .unwrap();
        }
    })
    .join()
    .unwrap();
    ex.block_on(yield_now(), &mut parker);
    assert_eq!(seen.load(Ordering::SeqCst), 100);
}

#[test]
fn a_panicking_callback_is_reported_and_the_batch_goes_on() {
    let (ex, _parker) = executor();
    let events = Rc::new(RefCell::new(Vec::new()));
    let e = events.clone();
    ex.set_hook(move |event| e.borrow_mut().push(event.to_string()));
    let after = Rc::new(RefCell::new(false));
    let a = after.clone();
    ex.call_soon(|| -> () { panic!("first") });
    ex.call_soon(move || *a.borrow_mut() = true);
    assert_eq!(ex.run_batch(), 2);
    assert!(*after.borrow());
    assert!(events.borrow()[0].contains("first"));
}

#[test]
fn panics_in_tasks_become_typed_errors() {
    let (ex, mut parker) = executor();
    ex.set_hook(|_| {});
    let t = ex
        .spawn_local(async {
            yield_now().await;
            std::panic::panic_any(format!("in a task: {}", 42))
        })
        .share();
    let err = ex.block_on(t.clone(), &mut parker).unwrap_err();
    assert_eq!(err.panic().unwrap().message(), "in a task: 42");
    assert_eq!(t.failure(), Some(err.clone()));
    // The payload is the one the task panicked with, ready for `resume_unwind`.
    let payload = err.try_into_panic().unwrap();
    assert_eq!(payload.downcast_ref::<String>().unwrap(), "in a task: 42");
}

#[test]
fn close_drops_every_future_on_its_thread_and_refuses_remote_calls() {
    let (ex, _parker) = executor();
    let drops = Rc::new(RefCell::new(0));
    struct Count(Rc<RefCell<u32>>);
    impl Drop for Count {
        fn drop(&mut self) {
            *self.0.borrow_mut() += 1;
        }
    }
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let c = Count(drops.clone());
        tasks.push(ex.spawn_local(async move {
            let _c = c;
            std::future::pending::<()>().await
        }));
    }
    ex.run_batch(); // every task now waits, unscheduled
    let remote = ex.remote();
    let pending = ex.close();
    assert_eq!(pending.len(), 10);
    assert_eq!(*drops.borrow(), 10);
    assert!(tasks.iter().all(|t| t.cancelled()));
    assert!(remote.call_soon_threadsafe(|| {}).is_err());
    // Spawning on a closed executor drops the future at once.
    let late = ex.spawn_local(async { 1 });
    assert!(late.cancelled());
}

#[test]
fn dropping_the_executor_drops_pending_futures() {
    let dropped = Rc::new(RefCell::new(false));
    struct Flag(Rc<RefCell<bool>>);
    impl Drop for Flag {
        fn drop(&mut self) {
            *self.0.borrow_mut() = true;
        }
    }
    let f = Flag(dropped.clone());
    {
        let (ex, _parker) = executor();
        ex.spawn_local(async move {
            let _f = f;
            std::future::pending::<()>().await
        });
        ex.run_batch();
    }
    assert!(*dropped.borrow());
}

#[test]
fn slow_steps_are_reported_only_over_the_threshold() {
    let (ex, mut parker) = executor();
    ex.set_slow_step_threshold(Some(Duration::from_millis(15)));
    let slow = Rc::new(RefCell::new(Vec::new()));
    let s = slow.clone();
    ex.set_hook(move |e| {
        if let ExecutorEvent::SlowStep(step) = e {
            s.borrow_mut().push(step.elapsed);
        }
    });
    let t = ex.spawn_local(async {
        std::thread::sleep(Duration::from_millis(30));
        yield_now().await;
        // fast step
    });
    ex.block_on(t, &mut parker).unwrap();
    assert_eq!(slow.borrow().len(), 1);
    assert!(slow.borrow()[0] >= Duration::from_millis(30));
}

#[test]
fn a_panicking_hook_neither_unwinds_into_the_executor_nor_leaves_the_task_registered() {
    let (ex, _parker) = executor();
    let reports = Rc::new(RefCell::new(0));
    let r = reports.clone();
    ex.set_hook(move |e| {
        *r.borrow_mut() += 1;
        panic!("hook: {e}");
    });
    // Detached, and panics in its first step: completing it reports an unretrieved panic
    // through the hook, which panics in turn.
    drop(ex.spawn_local(async { panic!("boom") }));
    ex.run_batch();
    assert_eq!(*reports.borrow(), 1);
    assert!(ex.tasks().is_empty());
    ex.close(); // must not touch the finished task (miri checks this test too)
}

#[test]
fn a_task_cancelled_in_the_step_it_returns_in_ends_cancelled() {
    let (ex, mut parker) = executor();
    let t = ex
        .spawn_local(async {
            let me = corio_executor::current_task().unwrap();
            assert!(me.cancel());
            7
        })
        .share();
    assert_eq!(
        ex.block_on(t.clone(), &mut parker),
        Err(TaskError::Cancelled)
    );
    assert!(t.cancelled());
}

#[test]
fn close_drops_a_waiting_task_on_its_thread_and_a_later_wake_from_another_thread_is_harmless() {
    struct Flag(Rc<RefCell<bool>>);
    impl Drop for Flag {
        fn drop(&mut self) {
            *self.0.borrow_mut() = true;
        }
    }
    let (ex, _parker) = executor();
    let dropped = Rc::new(RefCell::new(false));
    let (tx, rx) = std::sync::mpsc::channel::<Waker>();
    let flag = Flag(dropped.clone());
    let t = ex.spawn_local(async move {
        let _flag = flag;
        std::future::poll_fn(|cx| {
            tx.send(cx.waker().clone()).unwrap();
            std::task::Poll::<()>::Pending
        })
        .await;
    });
    ex.run_batch();
    let waker = rx.recv().unwrap();
    ex.close();
    assert!(*dropped.borrow());
    assert!(t.cancelled());
    // The task is over: a wake from elsewhere finds nothing to run, and nothing to drop
    // on the wrong thread. (A wake racing `close()` itself, its step pushed into the queue
    // just closed, is kept for this thread to drop when the executor goes: `take_late`.)
    std::thread::spawn(move || waker.wake()).join().unwrap();
    drop(ex);
    assert!(t.cancelled());
}
