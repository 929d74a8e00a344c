//! The rules every awaitable handle follows on a loop: which drop cancels (issue 6, defect
//! 2), the order in which awaiters and done-callbacks resume (issue 7), and the awaits
//! that would hang (issue 6, defect 8).

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;
use std::time::Duration;

use corio_runtime::{
    EventLoop, FutureError, LoopError, SettableFuture, TaskError, all_tasks, sleep, spawn, timeout,
    yield_now,
};

fn virtual_loop() -> EventLoop {
    EventLoop::builder().virtual_time(true).build().unwrap()
}

/// A task that runs for a long (virtual) while, then gives 1.
async fn long_job() -> i32 {
    sleep(Duration::from_secs(3600)).await;
    1
}

/// `timeout(10ms, &mut job)` gives up on the job; dropping the handle afterwards detaches
/// it, and so does cancelling the task that holds it while it waits on something else.
#[test]
fn a_task_handle_given_up_by_a_timeout_detaches_when_dropped() {
    let lp = virtual_loop();
    let (job_id, shared) = lp
        .run_until_complete(async {
            let mut job = spawn(long_job());
            let job_id = job.id();
            assert!(timeout(Duration::from_millis(10), &mut job).await.is_err());
            drop(job);
            let mut shared = spawn(long_job()).share();
            let kept = shared.clone();
            assert!(
                futures_lite::future::or(async { Some((&mut shared).await) }, async {
                    sleep(Duration::from_millis(10)).await;
                    None
                })
                .await
                .is_none()
            );
            // The holder waits on something else and is cancelled there.
            let holder = spawn(async move {
                let _shared = shared;
                sleep(Duration::from_secs(1)).await;
            });
            sleep(Duration::from_millis(1)).await;
            holder.cancel();
            sleep(Duration::from_millis(1)).await;
            (job_id, kept)
        })
        .unwrap();
    let alive: Vec<_> = lp.all_tasks().iter().map(|t| t.id()).collect();
    assert!(alive.contains(&job_id), "the dropped job was cancelled");
    assert!(!shared.cancelling() && !shared.done());
    // Both still finish.
    assert_eq!(lp.run_until_complete(shared).unwrap(), Ok(1));
}

/// The same for a `SettableFuture`.
#[test]
fn a_settable_future_given_up_by_a_select_is_not_cancelled_when_dropped() {
    let lp = virtual_loop();
    let fut = lp.create_future::<i32>();
    let f = fut.clone();
    lp.run_until_complete(async move {
        let mut f = f;
        assert!(timeout(Duration::from_millis(10), &mut f).await.is_err());
        // Dropped right away (a clone given up by a timeout), or held by a task that is
        // cancelled while waiting on something else: neither cancels the future.
        let mut dropped = f.clone();
        assert!(
            timeout(Duration::from_millis(10), &mut dropped)
                .await
                .is_err()
        );
        drop(dropped);
        let holder = spawn(async move {
            let _f = f;
            sleep(Duration::from_secs(1)).await;
        });
        sleep(Duration::from_millis(1)).await;
        holder.cancel();
        sleep(Duration::from_millis(1)).await;
    })
    .unwrap();
    assert!(!fut.done(), "an abandoned await cancelled the future");
    fut.set_result(5).unwrap();
    assert_eq!(fut.result().unwrap(), 5);
}

/// The other side of the rule: a task cancelled while suspended in the await cancels
/// what it awaits, through a timeout too (asyncio's rule).
#[test]
fn cancelling_a_task_suspended_in_an_await_cancels_what_it_awaits() {
    let lp = virtual_loop();
    let (job, fut) = lp
        .run_until_complete(async {
            let job = spawn(long_job()).share();
            let fut = SettableFuture::<i32>::new();
            let (j, f) = (job.clone(), fut.clone());
            let a = spawn(async move { timeout(Duration::from_secs(60), j).await });
            let b = spawn(f);
            sleep(Duration::from_millis(1)).await;
            a.cancel();
            b.cancel();
            sleep(Duration::from_millis(1)).await;
            (job, fut)
        })
        .unwrap();
    assert!(job.cancelled());
    assert!(matches!(fut.result(), Err(FutureError::Cancelled)));
}

/// asyncio's `background.add(t); t.add_done_callback(background.discard)` idiom: after
/// `await t`, `t` is no longer in the set, because the awaiter resumes after the callbacks
/// registered before it started waiting.
#[test]
fn an_awaiter_resumes_after_the_done_callbacks_registered_before_it() {
    let lp = EventLoop::new().unwrap();
    let still_in_set = lp
        .run_until_complete(async {
            let background = Rc::new(RefCell::new(HashSet::new()));
            let t = spawn(async {
                yield_now().await;
                "done"
            })
            .share();
            background.borrow_mut().insert(t.clone());
            let b = background.clone();
            t.add_done_callback(move |t| {
                b.borrow_mut().remove(t);
            });
            assert_eq!(t.clone().await, Ok("done"));
            background.borrow().contains(&t)
        })
        .unwrap();
    assert!(!still_in_set);
}

/// The same for a `SettableFuture`, with callbacks registered before and after the awaiter.
#[test]
fn settable_future_awaiters_and_callbacks_run_in_registration_order() {
    let lp = EventLoop::new().unwrap();
    let log = Rc::new(RefCell::new(Vec::new()));
    let fut = lp.create_future::<u8>();
    let l = log.clone();
    fut.add_done_callback(move |_| l.borrow_mut().push("callback before"));
    let (l, f) = (log.clone(), fut.clone());
    let waiter = lp
        .create_task(async move {
            f.await.unwrap();
            l.borrow_mut().push("awaiter");
        })
        .unwrap();
    let setter = fut.clone();
    let l = log.clone();
    lp.run_until_complete(async move {
        yield_now().await; // the waiter starts waiting
        setter.add_done_callback(move |_| l.borrow_mut().push("callback after"));
        setter.set_result(1).unwrap();
        waiter.await.unwrap();
        yield_now().await;
    })
    .unwrap();
    assert_eq!(
        *log.borrow(),
        ["callback before", "awaiter", "callback after"]
    );
}

/// Issue 6, defect 8: `loop_b.run_until_complete(task_of_loop_a)` is a typed error, not a
/// hang; so is a task awaiting itself.
#[test]
fn awaits_that_would_hang_are_typed_errors() {
    let a = EventLoop::new().unwrap();
    let b = EventLoop::new().unwrap();
    let of_a = a.create_task(std::future::pending::<()>()).unwrap();
    assert_eq!(
        b.run_until_complete(of_a).unwrap(),
        Err(TaskError::OtherExecutor)
    );

    let me = Rc::new(RefCell::new(None));
    let m = me.clone();
    let task = a
        .create_task(async move {
            yield_now().await;
            let this: corio_runtime::SharedTask<bool> = m.borrow_mut().take().unwrap();
            this.await == Err(TaskError::AwaitedItself)
        })
        .unwrap()
        .share();
    *me.borrow_mut() = Some(task.clone());
    assert_eq!(a.run_until_complete(task).unwrap(), Ok(true));
    assert!(matches!(
        corio_runtime::try_spawn(async {}),
        Err(LoopError::NoRunningLoop)
    ));
    assert!(all_tasks().is_err());
}
