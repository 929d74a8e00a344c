//! Debug mode: slow steps, pending tasks at close, the exception handler.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use corio_runtime::{EventLoop, Report, ReportKind, sleep};

fn collect(lp: &EventLoop) -> Rc<RefCell<Vec<Report>>> {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let s = seen.clone();
    lp.set_exception_handler(Some(move |_: &EventLoop, r: &Report| {
        s.borrow_mut().push(r.clone())
    }));
    seen
}

#[test]
fn slow_callbacks_and_task_steps_are_reported_in_debug_mode() {
    let lp = EventLoop::builder()
        .debug(true)
        // Wide margins: on a loaded CI machine a fast step can be preempted for a while.
        .slow_callback_duration(Duration::from_millis(150))
        .build()
        .unwrap();
    let seen = collect(&lp);
    lp.call_soon(|| std::thread::sleep(Duration::from_millis(300)))
        .unwrap();
    let task = lp
        .create_task(async {
            std::thread::sleep(Duration::from_millis(300));
            sleep(Duration::ZERO).await;
        })
        .unwrap();
    task.set_name("cpu-bound");
    lp.call_soon(|| {}).unwrap(); // fast: not reported
    lp.run_until_complete(task).unwrap().unwrap();
    let seen = seen.borrow();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(seen[0].message.starts_with("Executing <Handle"));
    assert!(seen[1].message.starts_with("Executing Task"));
    assert!(seen[1].message.contains("cpu-bound"));
    assert!(seen[1].message.ends_with(" seconds"));
    for r in seen.iter() {
        match r.kind {
            ReportKind::SlowStep { elapsed } => assert!(elapsed >= Duration::from_millis(150)),
            _ => panic!("unexpected {r:?}"),
        }
    }
}

#[test]
fn nothing_is_timed_outside_debug_mode() {
    let lp = EventLoop::builder().debug(false).build().unwrap();
    let seen = collect(&lp);
    lp.set_slow_callback_duration(Duration::from_millis(100));
    lp.call_soon(|| std::thread::sleep(Duration::from_millis(200)))
        .unwrap();
    lp.run_until_complete(sleep(Duration::ZERO)).unwrap();
    assert!(seen.borrow().is_empty());
    lp.set_debug(true);
    lp.call_soon(|| std::thread::sleep(Duration::from_millis(200)))
        .unwrap();
    lp.run_until_complete(sleep(Duration::ZERO)).unwrap();
    assert_eq!(seen.borrow().len(), 1);
}

#[test]
fn pending_tasks_at_close_are_reported_in_and_out_of_debug_mode() {
    let lp = EventLoop::new().unwrap();
    assert!(!lp.get_debug());
    let seen = collect(&lp);
    let t = lp.create_task(std::future::pending::<()>()).unwrap();
    t.set_name("forever");
    lp.close().unwrap();
    let seen = seen.borrow();
    assert_eq!(seen.len(), 1);
    assert!(matches!(seen[0].kind, ReportKind::PendingTaskDestroyed));
    assert!(
        seen[0]
            .message
            .starts_with("Task was destroyed but it is pending!")
    );
    assert!(seen[0].message.contains("forever"));
}

#[test]
fn an_unretrieved_panic_is_reported_when_the_task_is_dropped() {
    let lp = EventLoop::new().unwrap();
    let seen = collect(&lp);
    let task = lp.create_task(async { panic!("nobody looks") }).unwrap();
    lp.run_until_complete(sleep(Duration::from_millis(1)))
        .unwrap();
    assert!(task.done());
    drop(task);
    let seen = seen.borrow();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(matches!(seen[0].kind, ReportKind::UnretrievedPanic));
    assert!(seen[0].message.contains("nobody looks"));
}
