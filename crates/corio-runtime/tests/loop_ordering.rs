//! The order in which callbacks, timers and task steps run (asyncio's rules).

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use corio_runtime::{EventLoop, sleep, spawn, yield_now};

type Log = Rc<RefCell<Vec<String>>>;

fn log() -> Log {
    Rc::new(RefCell::new(Vec::new()))
}

fn push(log: &Log, s: impl Into<String>) -> impl FnOnce() + 'static {
    let log = log.clone();
    let s = s.into();
    move || log.borrow_mut().push(s)
}

#[test]
fn call_soon_is_fifo_and_runs_before_due_timers() {
    let lp = EventLoop::new().unwrap();
    let l = log();
    lp.call_later(0, push(&l, "timer 0")).unwrap();
    lp.call_soon(push(&l, "soon 1")).unwrap();
    lp.call_soon(push(&l, "soon 2")).unwrap();
    lp.run_until_complete(sleep(Duration::from_millis(5)))
        .unwrap();
    assert_eq!(*l.borrow(), ["soon 1", "soon 2", "timer 0"]);
}

#[test]
fn negative_delays_run_earliest_deadline_first() {
    let lp = EventLoop::new().unwrap();
    let l = log();
    lp.call_later(-1, push(&l, "minus one")).unwrap();
    lp.call_later(-2, push(&l, "minus two")).unwrap();
    lp.call_later(0.0, push(&l, "zero")).unwrap();
    lp.run_until_complete(sleep(Duration::from_millis(5)))
        .unwrap();
    assert_eq!(*l.borrow(), ["minus two", "minus one", "zero"]);
}

#[test]
fn timers_with_the_same_deadline_run_in_scheduling_order() {
    let lp = EventLoop::builder().virtual_time(true).build().unwrap();
    let l = log();
    let at = lp.time() + 1.0;
    for i in 0..50 {
        lp.call_at(at, push(&l, i.to_string())).unwrap();
    }
    lp.run_until_complete(sleep(Duration::from_secs(2)))
        .unwrap();
    let expected: Vec<String> = (0..50).map(|i| i.to_string()).collect();
    assert_eq!(*l.borrow(), expected);
}

#[test]
fn timers_never_fire_early() {
    let lp = EventLoop::new().unwrap();
    let late = Rc::new(RefCell::new(Vec::new()));
    for ms in [1u64, 3, 7, 12, 20] {
        let when = lp.now() + Duration::from_millis(ms);
        let inner = lp.clone();
        let late = late.clone();
        lp.call_at(when, move || late.borrow_mut().push(inner.now() >= when))
            .unwrap();
    }
    lp.run_until_complete(sleep(Duration::from_millis(30)))
        .unwrap();
    assert_eq!(*late.borrow(), [true; 5]);
}

#[test]
fn a_task_does_not_run_until_its_creator_yields() {
    let lp = EventLoop::new().unwrap();
    let l = log();
    let l2 = l.clone();
    lp.run_until_complete(async move {
        let l3 = l2.clone();
        let task = spawn(async move { l3.borrow_mut().push("child".into()) });
        l2.borrow_mut().push("parent before yield".into());
        yield_now().await;
        l2.borrow_mut().push("parent after yield".into());
        task.await.unwrap();
    })
    .unwrap();
    assert_eq!(
        *l.borrow(),
        ["parent before yield", "child", "parent after yield"]
    );
}

#[test]
fn sleep_zero_gives_up_exactly_one_iteration() {
    let lp = EventLoop::new().unwrap();
    let l = log();
    for name in ["a", "b"] {
        let l = l.clone();
        lp.create_task(async move {
            for i in 0..3 {
                l.borrow_mut().push(format!("{name}{i}"));
                sleep(Duration::ZERO).await;
            }
        })
        .unwrap();
    }
    lp.run_until_complete(async {
        for _ in 0..5 {
            yield_now().await;
        }
    })
    .unwrap();
    assert_eq!(*l.borrow(), ["a0", "b0", "a1", "b1", "a2", "b2"]);
}

#[test]
fn callbacks_queued_during_a_batch_wait_for_the_next_iteration() {
    let lp = EventLoop::new().unwrap();
    let l = log();
    let inner = lp.clone();
    let l2 = l.clone();
    lp.call_soon(move || {
        l2.borrow_mut().push("first".into());
        inner.call_soon(push(&l2, "nested")).unwrap();
        inner.stop();
    })
    .unwrap();
    lp.call_soon(push(&l, "second")).unwrap();
    lp.run_forever().unwrap();
    // stop() lets the current batch finish; "nested" was queued during it, so it waits.
    assert_eq!(*l.borrow(), ["first", "second"]);
    lp.stop();
    lp.run_forever().unwrap();
    assert_eq!(*l.borrow(), ["first", "second", "nested"]);
}

#[test]
fn sleeps_and_call_later_share_one_fifo_timer_order() {
    let lp = EventLoop::builder().virtual_time(true).build().unwrap();
    let l = log();
    let l2 = l.clone();
    lp.run_until_complete(async move {
        let lp = corio_runtime::get_running_loop().unwrap();
        let l3 = l2.clone();
        let sleeper = spawn(async move {
            sleep(Duration::from_secs(1)).await;
            l3.borrow_mut().push("sleeper".into());
        });
        yield_now().await; // the sleeper registers its timer first
        lp.call_later(1.0, push(&l2, "callback")).unwrap();
        sleeper.await.unwrap();
        sleep(Duration::from_millis(1)).await;
    })
    .unwrap();
    assert_eq!(*l.borrow(), ["sleeper", "callback"]);
}

#[test]
fn call_soon_threadsafe_on_the_loop_thread_keeps_fifo_order() {
    let lp = EventLoop::new().unwrap();
    let order = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let o = order.clone();
    lp.call_soon_threadsafe(move || o.lock().unwrap().push("threadsafe a"))
        .unwrap();
    let o = order.clone();
    lp.call_soon(move || o.lock().unwrap().push("soon b"))
        .unwrap();
    lp.run_until_complete(sleep(Duration::ZERO)).unwrap();
    assert_eq!(*order.lock().unwrap(), ["threadsafe a", "soon b"]);
}
