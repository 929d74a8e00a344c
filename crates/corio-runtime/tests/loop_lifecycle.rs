//! run/stop/close and the typed errors of misuse.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use corio_runtime::{EventLoop, LoopError, TaskError, get_running_loop, run, sleep};

#[test]
fn stop_before_run_forever_runs_one_iteration() {
    let lp = EventLoop::new().unwrap();
    let count = Rc::new(Cell::new(0));
    let c = count.clone();
    let inner = lp.clone();
    lp.call_soon(move || {
        c.set(c.get() + 1);
        let c = c.clone();
        inner.call_soon(move || c.set(c.get() + 10)).unwrap();
    })
    .unwrap();
    lp.stop();
    lp.run_forever().unwrap();
    assert_eq!(count.get(), 1);
}

#[test]
fn run_until_complete_reports_a_stop_before_completion_and_can_resume() {
    let lp = EventLoop::new().unwrap();
    let task = lp
        .create_task(async {
            sleep(Duration::from_millis(20)).await;
            "late"
        })
        .unwrap();
    let stopper = lp.clone();
    lp.call_later(0.005, move || stopper.stop()).unwrap();
    let err = lp
        .run_until_complete(sleep(Duration::from_secs(5)))
        .unwrap_err();
    assert!(matches!(err, LoopError::StoppedBeforeComplete), "{err}");
    assert_eq!(
        err.to_string(),
        "event loop stopped before future completed"
    );
    assert_eq!(lp.run_until_complete(task).unwrap(), Ok("late"));
}

#[test]
fn misuse_is_a_typed_error() {
    let lp = EventLoop::new().unwrap();
    assert!(matches!(get_running_loop(), Err(LoopError::NoRunningLoop)));
    let inner = lp.clone();
    let nested = lp
        .run_until_complete(async move {
            let again = inner.run_until_complete(async {});
            let forever = inner.run_forever();
            let close = inner.close();
            let other = EventLoop::new().unwrap().run_forever();
            let asyncio_run = run(async {});
            (again.is_err(), forever, close, other, asyncio_run)
        })
        .unwrap();
    assert!(nested.0);
    assert!(matches!(nested.1, Err(LoopError::AlreadyRunning)));
    assert!(matches!(nested.2, Err(LoopError::CloseWhileRunning)));
    assert!(matches!(nested.3, Err(LoopError::AlreadyRunning)));
    assert!(matches!(nested.4, Err(LoopError::AlreadyRunning)));
    assert!(matches!(
        lp.call_later(f64::NAN, || {}),
        Err(LoopError::InvalidTime(_))
    ));

    lp.close().unwrap();
    lp.close().unwrap();
    assert!(matches!(lp.run_forever(), Err(LoopError::Closed)));
    assert!(matches!(
        lp.run_until_complete(async {}),
        Err(LoopError::Closed)
    ));
    assert!(matches!(lp.call_soon(|| {}), Err(LoopError::Closed)));
    assert!(matches!(lp.call_later(1, || {}), Err(LoopError::Closed)));
    assert!(matches!(lp.call_at(1.0, || {}), Err(LoopError::Closed)));
    assert!(matches!(lp.create_task(async {}), Err(LoopError::Closed)));
    assert!(matches!(
        lp.call_soon_threadsafe(|| {}),
        Err(LoopError::Closed)
    ));
}

#[test]
fn close_drops_pending_callbacks_and_tasks() {
    struct Guard(Rc<Cell<bool>>);
    impl Drop for Guard {
        fn drop(&mut self) {
            self.0.set(true);
        }
    }
    let lp = EventLoop::new().unwrap();
    let dropped = Rc::new(Cell::new(false));
    let guard = Guard(dropped.clone());
    let task = lp
        .create_task(async move {
            let _g = guard;
            std::future::pending::<()>().await;
        })
        .unwrap();
    let ran = Rc::new(Cell::new(false));
    let r = ran.clone();
    lp.call_soon(move || r.set(true)).unwrap();
    lp.close().unwrap();
    assert!(dropped.get(), "the task's destructors ran");
    assert!(task.cancelled());
    assert!(!ran.get());
}

#[test]
fn a_panicking_task_or_callback_does_not_take_the_loop_down() {
    let lp = EventLoop::new().unwrap();
    lp.set_exception_handler(Some(|_: &EventLoop, _: &corio_runtime::Report| {}));
    lp.call_soon(|| -> () { panic!("callback boom") }).unwrap();
    let task = lp.create_task(async { panic!("task boom") }).unwrap();
    let out = lp.run_until_complete(task).unwrap();
    assert_eq!(out.unwrap_err().panic().unwrap().message(), "task boom");
    assert_eq!(lp.run_until_complete(async { 5 }).unwrap(), 5);
    let err = lp
        .run_until_complete(async { panic!("main boom") })
        .unwrap_err();
    assert!(
        matches!(err, LoopError::Task(TaskError::Panicked(ref m)) if m.message() == "main boom")
    );
}

#[test]
fn run_cancels_leftover_tasks_and_closes_the_loop() {
    struct Guard(Rc<Cell<u32>>);
    impl Drop for Guard {
        fn drop(&mut self) {
            self.0.set(self.0.get() + 1);
        }
    }
    let dropped = Rc::new(Cell::new(0));
    let d = dropped.clone();
    let lp = run(async move {
        for _ in 0..3 {
            let g = Guard(d.clone());
            corio_runtime::spawn(async move {
                let _g = g;
                sleep(Duration::from_secs(3600)).await;
            });
        }
        get_running_loop().unwrap()
    })
    .unwrap();
    assert_eq!(dropped.get(), 3);
    assert!(lp.is_closed());
}

#[test]
fn virtual_time_jumps_to_the_next_deadline() {
    let lp = EventLoop::builder().virtual_time(true).build().unwrap();
    let start = lp.time();
    let wall = std::time::Instant::now();
    lp.run_until_complete(sleep(Duration::from_secs(3600)))
        .unwrap();
    // `time()` counts from a process-wide origin, so the difference is a float sum.
    assert!((lp.time() - start - 3600.0).abs() < 1e-6);
    // An hour of virtual time takes no real waiting (a loose bound: CI machines are loaded).
    assert!(wall.elapsed() < Duration::from_secs(30));
}

#[test]
fn get_event_loop_returns_the_thread_loop() {
    std::thread::spawn(|| {
        let a = corio_runtime::get_event_loop().unwrap();
        assert_eq!(corio_runtime::get_event_loop().unwrap(), a);
        let b = EventLoop::new().unwrap();
        corio_runtime::set_event_loop(Some(b.clone()));
        assert_eq!(corio_runtime::get_event_loop().unwrap(), b);
        let inside = b
            .run_until_complete(async { corio_runtime::get_event_loop().unwrap() })
            .unwrap();
        assert_eq!(inside, b);
    })
    .join()
    .unwrap();
}

/// Issue 6, defect 4: a pending task that holds its loop (`get_running_loop()` across an
/// await, or a clone made inside) used to keep the loop, its tasks and its fds alive forever
/// once the loop was dropped without `close()`. Dropping the last outside handle frees it.
#[test]
fn a_task_holding_its_loop_does_not_leak_it() {
    struct Guard(Rc<Cell<u32>>);
    impl Drop for Guard {
        fn drop(&mut self) {
            self.0.set(self.0.get() + 1);
        }
    }
    let dropped = Rc::new(Cell::new(0));
    let lp = EventLoop::new().unwrap();
    let outside = lp.clone(); // an owning clone: the loop lives until both are gone
    let g = Guard(dropped.clone());
    lp.run_until_complete(async move {
        let task = get_running_loop()
            .unwrap()
            .create_task(async move {
                let lp = get_running_loop().unwrap();
                let again = lp.clone();
                let _g = g;
                sleep(Duration::from_secs(3600)).await;
                (lp.time(), again.time())
            })
            .unwrap();
        drop(task); // detached: it keeps running
        corio_runtime::yield_now().await;
    })
    .unwrap();
    let seen_inside = lp
        .run_until_complete(async { get_running_loop().unwrap() })
        .unwrap();
    drop(lp);
    assert_eq!(dropped.get(), 0, "an owning handle is left");
    assert!(!outside.is_closed());
    drop(outside);
    assert_eq!(
        dropped.get(),
        1,
        "the pending task was dropped with the loop"
    );
    // A handle from inside outlives the loop's owners: it sees a closed loop.
    assert!(seen_inside.is_closed());
    assert!(matches!(
        seen_inside.create_task(async {}),
        Err(LoopError::Closed)
    ));
}

/// The last owning handle dropped while the loop runs (a run made through a handle from
/// inside the loop): the loop is closed as that run returns, and the run's output is kept.
#[test]
fn last_owner_dropped_during_a_run_closes_the_loop_after_it() {
    let lp = EventLoop::new().unwrap();
    let inside = lp
        .run_until_complete(async { get_running_loop().unwrap() })
        .unwrap();
    let owner = lp;
    let pending = inside
        .create_task(async {
            sleep(Duration::from_secs(3600)).await;
        })
        .unwrap();
    inside
        .create_task(async move {
            drop(owner); // the last owning handle
        })
        .unwrap();
    let out = inside.run_until_complete(async {
        sleep(Duration::from_millis(1)).await;
        "kept"
    });
    assert_eq!(out.unwrap(), "kept");
    assert!(inside.is_closed());
    assert!(
        pending.cancelled(),
        "the pending task was dropped by the close"
    );
}
