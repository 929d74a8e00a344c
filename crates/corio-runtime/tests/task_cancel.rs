//! Tasks: cancellation, awaiting, done-callbacks, names, current/all tasks.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use corio_runtime::{
    EventLoop, TaskError, all_tasks, current_task, get_running_loop, sleep, spawn, yield_now,
};

struct OnDrop<F: FnMut()>(F);
impl<F: FnMut()> Drop for OnDrop<F> {
    fn drop(&mut self) {
        (self.0)()
    }
}

#[test]
fn a_task_cancelled_before_its_first_step_never_runs_its_body() {
    let lp = EventLoop::new().unwrap();
    let ran = Rc::new(Cell::new(false));
    let r = ran.clone();
    let task = lp.create_task(async move { r.set(true) }).unwrap().share();
    assert!(task.cancel());
    assert_eq!(
        lp.run_until_complete(task.clone()).unwrap(),
        Err(TaskError::Cancelled)
    );
    assert!(!ran.get());
    assert!(task.cancelled() && task.done());
    assert!(!task.cancel(), "cancel() is false once done");
}

#[test]
fn cancelling_a_sleeping_task_runs_its_cleanup_and_tells_the_awaiter() {
    let lp = EventLoop::new().unwrap();
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    let out = lp
        .run_until_complete(async move {
            let l2 = l.clone();
            let task = spawn(async move {
                let l3 = l2.clone();
                let _cleanup = OnDrop(move || l3.borrow_mut().push("cleanup"));
                l2.borrow_mut().push("sleeping");
                sleep(Duration::from_secs(3600)).await;
                l2.borrow_mut().push("never");
            })
            .share();
            sleep(Duration::from_millis(5)).await;
            assert!(task.cancel());
            let out = task.clone().await;
            l.borrow_mut().push("awaited");
            (out, task.cancelled())
        })
        .unwrap();
    assert_eq!(out, (Err(TaskError::Cancelled), true));
    assert_eq!(*log.borrow(), ["sleeping", "cleanup", "awaited"]);
}

#[test]
fn cancelling_an_awaiter_cancels_the_task_it_awaits() {
    let lp = EventLoop::new().unwrap();
    let (inner, outer) = lp
        .run_until_complete(async {
            let inner = spawn(sleep(Duration::from_secs(3600))).share();
            let i = inner.clone();
            let outer = spawn(i).share();
            sleep(Duration::from_millis(2)).await;
            outer.cancel();
            sleep(Duration::from_millis(2)).await;
            (inner, outer)
        })
        .unwrap();
    assert!(outer.cancelled());
    assert!(
        inner.cancelled(),
        "asyncio propagates the cancel to the awaited task"
    );
}

#[test]
fn dropping_a_handle_detaches_and_cancel_on_drop_cancels() {
    let lp = EventLoop::new().unwrap();
    let finished = Rc::new(Cell::new(false));
    let f = finished.clone();
    let watched = lp
        .run_until_complete(async move {
            drop(spawn(async move {
                sleep(Duration::from_millis(2)).await;
                f.set(true);
            }));
            let guarded = spawn(std::future::pending::<()>()).share();
            let watcher = guarded.clone();
            drop(spawn(guarded).cancel_on_drop());
            let unique = spawn(std::future::pending::<()>());
            let id = unique.id();
            drop(unique.cancel_on_drop());
            yield_now().await;
            assert!(all_tasks().unwrap().iter().all(|t| t.id() != id));
            sleep(Duration::from_millis(10)).await;
            // Returned inside an Option: a bare Task would itself be a future.
            Some(watcher)
        })
        .unwrap();
    assert!(finished.get(), "a dropped handle does not stop the task");
    // Its awaiter was cancelled before it awaited: nothing propagates.
    assert!(!watched.unwrap().done());
}

#[test]
fn several_waiters_see_completion_and_done_callbacks_run_in_order() {
    let lp = EventLoop::new().unwrap();
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    lp.run_until_complete(async move {
        let task = spawn(async {
            sleep(Duration::from_millis(2)).await;
            21
        })
        .share();
        for n in 1..=3 {
            let l = l.clone();
            task.add_done_callback(move |t| {
                l.borrow_mut().push(format!("cb{n}={:?}", t.result()));
            });
        }
        let waiters: Vec<_> = (0..3)
            .map(|_| {
                let t = task.clone();
                spawn(t)
            })
            .collect();
        let mut outs = Vec::new();
        for w in waiters {
            outs.push(w.await.unwrap());
        }
        l.borrow_mut().push(format!("outs={outs:?}"));
    })
    .unwrap();
    assert_eq!(log.borrow()[3], "outs=[Ok(21), Ok(21), Ok(21)]");
    assert_eq!(log.borrow()[0].split('=').next(), Some("cb1"));
    assert_eq!(log.borrow()[1].split('=').next(), Some("cb2"));
    assert_eq!(log.borrow()[2].split('=').next(), Some("cb3"));
}

#[test]
fn names_current_task_and_all_tasks() {
    let lp = EventLoop::new().unwrap();
    lp.run_until_complete(async {
        let me = current_task().unwrap();
        let child = spawn(async { current_task().unwrap().name() }).share();
        child.set_name("child");
        let all = all_tasks().unwrap();
        assert!(all.contains(&me) && all.contains(&child.as_any()));
        assert_eq!(child.clone().await.unwrap(), "child");
        assert!(!all_tasks().unwrap().contains(&child.as_any()));
        assert!(me.name().starts_with("Task-"));
        assert!(get_running_loop().unwrap().is_running());
    })
    .unwrap();
    assert!(current_task().is_none());
}

#[test]
fn a_task_can_cancel_itself() {
    let lp = EventLoop::new().unwrap();
    let reached = Rc::new(Cell::new(false));
    let r = reached.clone();
    let task = lp
        .create_task(async move {
            current_task().unwrap().cancel();
            yield_now().await;
            r.set(true);
        })
        .unwrap();
    assert_eq!(
        lp.run_until_complete(task).unwrap(),
        Err(TaskError::Cancelled)
    );
    assert!(!reached.get());
}

#[test]
fn a_destructor_that_panics_during_cancellation_does_not_take_the_loop_down() {
    let lp = EventLoop::new().unwrap();
    lp.set_exception_handler(Some(|_: &EventLoop, _: &corio_runtime::Report| {}));
    let current_in_drop = Rc::new(RefCell::new(None));
    let c = current_in_drop.clone();
    let task = lp
        .create_task(async move {
            let _bomb = OnDrop(move || {
                *c.borrow_mut() = current_task().map(|t| t.name());
                panic!("cleanup failed");
            });
            sleep(Duration::from_secs(3600)).await;
        })
        .unwrap()
        .share();
    task.set_name("bomb");
    let t = task.clone();
    lp.call_later(0.002, move || {
        t.cancel();
    })
    .unwrap();
    let out = lp.run_until_complete(task).unwrap();
    assert_eq!(
        out.unwrap_err().panic().unwrap().message(),
        "cleanup failed"
    );
    assert_eq!(current_in_drop.borrow().as_deref(), Some("bomb"));
    assert_eq!(
        lp.run_until_complete(async { "still running" }).unwrap(),
        "still running"
    );
}
