//! Task handles: outputs, waiters, callbacks, names, cancellation and reports, also under
//! miri (the handles reach the task's metadata through raw pointers).

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::Waker;
use std::time::Duration;

use corio_executor::{
    AnyTask, ExecutorEvent, LocalExecutor, SharedTask, Task, TaskError, current_task, park,
    yield_now,
};

fn executor() -> (LocalExecutor, park::ThreadPark) {
    let (parker, unparker) = park::pair();
    (LocalExecutor::new(unparker), parker)
}

fn reports(ex: &LocalExecutor) -> Rc<RefCell<Vec<String>>> {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let s = seen.clone();
    ex.set_hook(move |event| s.borrow_mut().push(event.to_string()));
    seen
}

#[test]
fn every_awaiter_of_a_shared_task_gets_the_output() {
    let (ex, mut parker) = executor();
    let task = ex
        .spawn_local(async {
            yield_now().await;
            String::from("out")
        })
        .share();
    let waiters: Vec<_> = (0..3).map(|_| ex.spawn_local(task.clone())).collect();
    for w in waiters {
        assert_eq!(ex.block_on(w, &mut parker).unwrap(), Ok("out".to_owned()));
    }
    assert_eq!(task.result(), Some(Ok("out".to_owned())));
    assert_eq!(ex.block_on(task.clone(), &mut parker), Ok("out".to_owned()));
}

#[test]
fn result_clones_and_failure_reports_without_taking() {
    let (ex, mut parker) = executor();
    let task = ex.spawn_local(async { vec![1, 2] }).share();
    assert_eq!(task.failure(), None);
    assert_eq!(task.result(), None);
    ex.block_on(yield_now(), &mut parker);
    assert_eq!(task.result(), Some(Ok(vec![1, 2])));
    assert_eq!(task.failure(), None);
    assert_eq!(task.result(), Some(Ok(vec![1, 2])));
}

#[test]
fn done_callbacks_run_in_registration_order_through_the_queue() {
    let (ex, mut parker) = executor();
    let log = Rc::new(RefCell::new(Vec::new()));
    let task = ex.spawn_local(async { 5 }).share();
    for n in 0..4 {
        let l = log.clone();
        let id = task.add_done_callback(move |t| l.borrow_mut().push((n, t.result().unwrap())));
        if n == 2 {
            assert!(task.remove_done_callback(id));
            assert!(!task.remove_done_callback(id));
        }
    }
    let l = log.clone();
    ex.call_soon(move || l.borrow_mut().push((99, Ok(0))));
    ex.block_on(
        async {
            yield_now().await;
            yield_now().await;
        },
        &mut parker,
    );
    assert_eq!(
        *log.borrow(),
        [(99, Ok(0)), (0, Ok(5)), (1, Ok(5)), (3, Ok(5))]
    );
    // Added once done: queued, not run in place.
    let l = log.clone();
    task.add_done_callback(move |_| l.borrow_mut().push((7, Ok(7))));
    assert_eq!(log.borrow().len(), 4);
    ex.run_batch();
    assert_eq!(log.borrow().len(), 5);
}

#[test]
fn handles_compare_and_hash_by_task_and_any_tasks_match() {
    let (ex, _parker) = executor();
    let a = ex.spawn_local(async {}).share();
    let b = ex.spawn_local(async {}).share();
    // Hashing uses the task's id, which never changes.
    #[allow(clippy::mutable_key_type)] // interior mutability that leaves the id alone
    let set: HashSet<SharedTask<()>> = [a.clone(), a.clone(), b.clone()].into_iter().collect();
    assert_eq!(set.len(), 2);
    assert_ne!(a, b);
    let anys: HashSet<AnyTask> = [a.as_any(), a.as_any(), b.as_any()].into_iter().collect();
    assert_eq!(anys.len(), 2);
    assert_eq!(ex.tasks(), [a.as_any(), b.as_any()]);
}

#[test]
fn names_and_current_task_work_with_and_without_handles() {
    let (ex, mut parker) = executor();
    let seen = Rc::new(RefCell::new(Vec::new()));
    let s = seen.clone();
    let detached = ex.spawn_local(async move {
        let me = current_task().unwrap();
        me.set_name("detached");
        yield_now().await;
        s.borrow_mut().push(current_task().unwrap().name());
    });
    let id = detached.id();
    drop(detached);
    let named = ex
        .spawn_local(async { current_task().unwrap().name() })
        .share();
    assert_eq!(named.name(), format!("Task-{}", named.id()));
    named.set_name("named");
    assert_eq!(ex.block_on(named.clone(), &mut parker).unwrap(), "named");
    assert_eq!(named.name(), "named");
    ex.block_on(yield_now(), &mut parker);
    assert_eq!(*seen.borrow(), ["detached"]);
    assert!(ex.tasks().iter().all(|t| t.id() != id));
    assert!(current_task().is_none());
}

#[test]
fn a_task_keeps_running_when_its_handles_drop() {
    let (ex, mut parker) = executor();
    let done = Rc::new(RefCell::new(false));
    let d = done.clone();
    drop(ex.spawn_local(async move {
        yield_now().await;
        yield_now().await;
        *d.borrow_mut() = true;
    }));
    assert_eq!(ex.tasks().len(), 1);
    while !ex.tasks().is_empty() {
        ex.block_on(yield_now(), &mut parker);
    }
    assert!(*done.borrow());
}

#[test]
fn cancel_stops_the_task_at_its_next_await_and_runs_its_destructors() {
    struct Flag(Rc<RefCell<Vec<&'static str>>>);
    impl Drop for Flag {
        fn drop(&mut self) {
            let name = current_task().map(|t| t.name());
            assert_eq!(name.as_deref(), Some("victim"));
            self.0.borrow_mut().push("dropped");
        }
    }
    let (ex, mut parker) = executor();
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    let task = ex
        .spawn_local(async move {
            let _flag = Flag(l.clone());
            l.borrow_mut().push("started");
            std::future::pending::<()>().await;
        })
        .share();
    task.set_name("victim");
    ex.block_on(yield_now(), &mut parker);
    assert!(task.cancel());
    assert!(task.as_any().cancelling());
    assert_eq!(
        ex.block_on(task.clone(), &mut parker),
        Err(TaskError::Cancelled)
    );
    assert_eq!(*log.borrow(), ["started", "dropped"]);
    assert!(task.cancelled() && !task.cancel());
    assert_eq!(task.failure(), Some(TaskError::Cancelled));
}

#[test]
fn a_task_cancelled_during_its_own_step_stops_at_that_await() {
    let (ex, mut parker) = executor();
    let steps = Rc::new(RefCell::new(0));
    let s = steps.clone();
    let task = ex.spawn_local(async move {
        *s.borrow_mut() += 1;
        current_task().unwrap().cancel();
        yield_now().await;
        *s.borrow_mut() += 1;
    });
    assert_eq!(ex.block_on(task, &mut parker), Err(TaskError::Cancelled));
    assert_eq!(*steps.borrow(), 1);
}

#[test]
fn cancel_on_drop_and_cancelling_the_awaiter_cancel() {
    let (ex, mut parker) = executor();
    let guarded = ex.spawn_local(std::future::pending::<()>());
    let guarded_id = guarded.id();
    drop(guarded.cancel_on_drop());
    let shared = ex.spawn_local(std::future::pending::<()>()).share();
    let watcher = shared.clone();
    let shared_awaiter = ex.spawn_local(shared);
    let inner = ex.spawn_local(std::future::pending::<()>());
    let inner_id = inner.id();
    let outer = ex.spawn_local(inner);
    ex.block_on(yield_now(), &mut parker);
    outer.cancel();
    shared_awaiter.cancel();
    ex.block_on(
        async {
            yield_now().await;
            yield_now().await;
        },
        &mut parker,
    );
    assert!(
        watcher.cancelled(),
        "the shared task awaited by a cancelled task"
    );
    assert!(outer.cancelled());
    assert!(ex.tasks().iter().all(|t| t.id() != inner_id));
    assert!(ex.tasks().iter().all(|t| t.id() != guarded_id));
}

#[test]
fn an_unretrieved_panic_is_reported_once_nobody_can_look() {
    let (ex, mut parker) = executor();
    let seen = reports(&ex);
    drop(ex.spawn_local(async { panic!("detached boom") }));
    let held = ex.spawn_local(async { panic!("held boom") });
    let looked = ex.spawn_local(async { panic!("looked at") }).share();
    ex.block_on(yield_now(), &mut parker);
    assert_eq!(seen.borrow().len(), 1);
    assert!(seen.borrow()[0].contains("detached boom"));
    assert!(matches!(looked.failure(), Some(TaskError::Panicked(_))));
    drop(looked);
    assert_eq!(seen.borrow().len(), 1);
    drop(held);
    assert_eq!(seen.borrow().len(), 2);
    assert!(seen.borrow()[1].contains("held boom"));
    let _ = ExecutorEvent::SlowStep; // the events are this crate's
}

#[test]
fn close_cancels_pending_tasks_as_the_current_task_and_wakes_their_waiters() {
    let (ex, mut parker) = executor();
    let names = Rc::new(RefCell::new(Vec::new()));
    struct Named(Rc<RefCell<Vec<String>>>);
    impl Drop for Named {
        fn drop(&mut self) {
            self.0
                .borrow_mut()
                .push(current_task().map(|t| t.name()).unwrap_or_default());
        }
    }
    let n = names.clone();
    let parked = ex.spawn_local(async move {
        let _named = Named(n);
        std::future::pending::<()>().await;
    });
    parked.set_name("parked");
    let n = names.clone();
    let queued = ex.spawn_local(async move {
        let _named = Named(n);
    });
    queued.set_name("queued");
    ex.block_on(yield_now(), &mut parker);
    // Made outside the body: a task cancelled before its first step drops what it captured.
    let named = Named(names.clone());
    let never_ran = ex.spawn_local(async move {
        let _named = named;
        unreachable!("cancelled before its first step");
    });
    never_ran.set_name("never ran");
    let pending = ex.close();
    let ids: Vec<_> = pending.iter().map(AnyTask::id).collect();
    assert_eq!(ids, [parked.id(), never_ran.id()]);
    assert!(parked.cancelled() && never_ran.cancelled() && queued.done());
    assert_eq!(*names.borrow(), ["queued", "parked", "never ran"]);
    let mut parked = parked;
    assert_eq!(parked.try_take(), Some(Err(TaskError::Cancelled)));
    // A spawn on a closed executor gives a cancelled task.
    let late = ex.spawn_local(async { 1 });
    assert!(late.cancelled());
}

#[test]
fn a_waker_kept_by_another_thread_after_close_is_harmless() {
    let (ex, mut parker) = executor();
    let slot: Rc<RefCell<Option<Waker>>> = Rc::new(RefCell::new(None));
    let s = slot.clone();
    let task = ex.spawn_local(std::future::poll_fn(move |cx| {
        *s.borrow_mut() = Some(cx.waker().clone());
        std::task::Poll::<()>::Pending
    }));
    ex.block_on(yield_now(), &mut parker);
    let waker = slot.borrow_mut().take().unwrap();
    ex.close();
    assert!(task.cancelled());
    std::thread::spawn(move || {
        waker.wake_by_ref();
        drop(waker);
    })
    .join()
    .unwrap();
    drop(task);
}

#[test]
fn a_unique_handle_sees_a_destructor_panic_at_close() {
    struct Bomb;
    impl Drop for Bomb {
        fn drop(&mut self) {
            panic!("cleanup failed");
        }
    }
    let (ex, mut parker) = executor();
    let seen = reports(&ex);
    let bomb = Bomb;
    let mut task = ex.spawn_local(async move {
        let _bomb = bomb;
        std::future::pending::<()>().await;
    });
    ex.block_on(yield_now(), &mut parker);
    ex.close();
    let err = task.try_take().unwrap().unwrap_err();
    assert_eq!(err.panic().unwrap().message(), "cleanup failed");
    assert_eq!(task.try_take(), None);
    drop(task);
    assert!(seen.borrow().is_empty(), "{:?}", seen.borrow());
}

#[test]
fn a_unique_handle_awaited_after_the_task_finished_gets_the_output_once() {
    let (ex, mut parker) = executor();
    let mut task = ex.spawn_local(async { String::from("v") });
    ex.block_on(yield_now(), &mut parker);
    assert!(task.done());
    assert_eq!(task.try_take(), Some(Ok("v".to_owned())));
    assert_eq!(task.try_take(), None);
    let late = ex.spawn_local(async { String::from("w") });
    ex.block_on(yield_now(), &mut parker);
    assert_eq!(late.share().result(), Some(Ok("w".to_owned())));
    let guarded = ex.spawn_local(async { 3 }).cancel_on_drop();
    let plain = guarded.detach();
    assert_eq!(ex.block_on(plain, &mut parker), Ok(3));
}

#[test]
fn a_task_in_its_first_step_is_listed_and_closing_from_it_stops_it() {
    let (ex, mut parker) = executor();
    let ex2 = ex.clone();
    let listed = Rc::new(RefCell::new(Vec::new()));
    let l = listed.clone();
    let task = ex.spawn_local(async move {
        let me = current_task().unwrap();
        l.borrow_mut().extend(ex2.tasks());
        assert!(l.borrow().contains(&me));
        let pending = ex2.close();
        assert_eq!(pending.len(), 2); // this task and the one spawned after it
        assert_eq!(pending[0], me);
        std::future::pending::<()>().await;
    });
    let other = ex.spawn_local(async {});
    assert_eq!(ex.block_on(task, &mut parker), Err(TaskError::Cancelled));
    assert_eq!(listed.borrow().len(), 2);
    assert!(other.cancelled());
}

/// Sets a hook that runs after every step (threshold zero) and calls `f` with the handle in
/// `slot` once its task is done, once.
fn on_done_in_hook<T: 'static>(
    ex: &LocalExecutor,
    slot: &Rc<RefCell<Option<Task<T>>>>,
    f: impl Fn(&Rc<RefCell<Option<Task<T>>>>) + 'static,
) -> Rc<RefCell<Vec<String>>> {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let (s, slot, fired) = (seen.clone(), slot.clone(), Cell::new(false));
    ex.set_slow_step_threshold(Some(Duration::ZERO));
    ex.set_hook(move |event| {
        if let ExecutorEvent::UnretrievedPanic { .. } = event {
            s.borrow_mut().push(event.to_string());
        }
        let done = slot.borrow().as_ref().is_some_and(Task::done);
        if done && !fired.replace(true) {
            f(&slot);
        }
    });
    seen
}

/// The slow-step report of the step that finished a task runs before async-task holds the
/// outcome: a handle shared there must still get it, and its awaiters be woken.
#[test]
fn a_task_shared_in_the_hook_of_the_finishing_step_gets_the_output() {
    let (ex, mut parker) = executor();
    let slot = Rc::new(RefCell::new(None));
    let shared = Rc::new(RefCell::new(Vec::new()));
    let c = shared.clone();
    on_done_in_hook(&ex, &slot, move |slot| {
        let task: SharedTask<i32> = slot.borrow_mut().take().unwrap().share();
        // Not there yet; asking must not lose it.
        assert_eq!(task.result(), None);
        c.borrow_mut().push(task);
    });
    *slot.borrow_mut() = Some(ex.spawn_local(async { 5 }));
    ex.run_batch();
    let task = shared.borrow_mut().pop().expect("shared in the hook");
    assert!(task.done());
    assert_eq!(task.result(), Some(Ok(5)));
    assert_eq!(ex.block_on(task, &mut parker), Ok(5));
}

/// A unique handle being awaited when it is shared in the hook of the finishing step: the
/// awaiter (now of the shared handle) is woken and gets the output.
#[test]
fn an_awaiter_of_a_task_shared_in_the_hook_of_the_finishing_step_is_woken() {
    let (ex, _parker) = executor();
    let slot: Rc<RefCell<Option<Task<i32>>>> = Rc::new(RefCell::new(None));
    let shared: Rc<RefCell<Option<SharedTask<i32>>>> = Rc::new(RefCell::new(None));
    let sh = shared.clone();
    on_done_in_hook(&ex, &slot, move |slot| {
        let task = slot.borrow_mut().take().unwrap().share();
        *sh.borrow_mut() = Some(task);
    });
    *slot.borrow_mut() = Some(ex.spawn_local(async {
        yield_now().await;
        5
    }));
    let (s, sh) = (slot.clone(), shared.clone());
    let mut awaiter = ex.spawn_local(std::future::poll_fn(move |cx| {
        if let Some(task) = s.borrow_mut().as_mut() {
            return Pin::new(task).poll(cx);
        }
        let mut shared = sh.borrow_mut();
        Pin::new(shared.as_mut().unwrap()).poll(cx)
    }));
    for _ in 0..6 {
        ex.run_batch();
    }
    assert!(awaiter.done(), "the awaiter was never woken");
    assert_eq!(awaiter.try_take(), Some(Ok(Ok(5))));
}

/// A panic whose handle is shared in the hook of the step that panicked is reported once,
/// when the last handle goes: later, or in that very hook.
#[test]
fn a_panic_shared_in_the_hook_of_its_step_is_reported_once() {
    let (ex, _parker) = executor();
    let slot: Rc<RefCell<Option<Task<()>>>> = Rc::new(RefCell::new(None));
    let shared = Rc::new(RefCell::new(Vec::new()));
    let c = shared.clone();
    let seen = on_done_in_hook(&ex, &slot, move |slot| {
        c.borrow_mut()
            .push(slot.borrow_mut().take().unwrap().share());
    });
    *slot.borrow_mut() = Some(ex.spawn_local(async { panic!("shared boom") }));
    ex.run_batch();
    assert_eq!(shared.borrow().len(), 1);
    assert!(seen.borrow().is_empty(), "{:?}", seen.borrow());
    shared.borrow_mut().clear();
    assert_eq!(seen.borrow().len(), 1, "{:?}", seen.borrow());
    assert!(seen.borrow()[0].contains("shared boom"));

    // The unique handle dropped there, before async-task holds the outcome.
    let (ex, _parker) = executor();
    let slot: Rc<RefCell<Option<Task<()>>>> = Rc::new(RefCell::new(None));
    let seen = on_done_in_hook(&ex, &slot, |slot| drop(slot.borrow_mut().take()));
    *slot.borrow_mut() = Some(ex.spawn_local(async { panic!("unique boom") }));
    ex.run_batch();
    ex.run_batch();
    assert!(slot.borrow().is_none());
    assert_eq!(seen.borrow().len(), 1, "{:?}", seen.borrow());
}

/// Issue 7, resume order: awaiters and done-callbacks of a shared task run in the order
/// they registered, so asyncio's `background.add(t); t.add_done_callback(background.discard)`
/// idiom holds: after `await t`, `t` is no longer in the set.
#[test]
fn awaiters_and_done_callbacks_resume_in_registration_order() {
    let (ex, mut parker) = executor();
    let background: Rc<RefCell<HashSet<u64>>> = Rc::new(RefCell::new(HashSet::new()));
    let t = ex
        .spawn_local(async {
            yield_now().await;
            1
        })
        .share();
    background.borrow_mut().insert(t.id().as_u64());
    let b = background.clone();
    t.add_done_callback(move |t| {
        b.borrow_mut().remove(&t.id().as_u64());
    });
    let log = Rc::new(RefCell::new(Vec::new()));
    let (b, l, awaited) = (background.clone(), log.clone(), t.clone());
    let waiter = ex.spawn_local(async move {
        let out = awaited.await;
        l.borrow_mut()
            .push(format!("awaiter: in set = {}", !b.borrow().is_empty()));
        out
    });
    ex.run_batch(); // the waiter starts waiting: its registration comes second
    let l = log.clone();
    t.add_done_callback(move |_| l.borrow_mut().push("second callback".to_owned()));
    assert_eq!(ex.block_on(waiter, &mut parker), Ok(Ok(1)));
    ex.block_on(yield_now(), &mut parker);
    assert_eq!(
        *log.borrow(),
        ["awaiter: in set = false", "second callback"]
    );
}

/// Issue 6, defect 2: a handle that a select stopped polling is not awaited any more; the
/// task that holds it may drop it, or be cancelled, without cancelling the task.
#[test]
fn a_handle_abandoned_by_a_select_detaches_when_dropped_later() {
    let (ex, mut parker) = executor();
    let job = ex.spawn_local(async {
        for _ in 0..1000 {
            yield_now().await;
        }
        "job done"
    });
    let job_id = job.id();
    let shared = ex
        .spawn_local(async {
            for _ in 0..20 {
                yield_now().await;
            }
        })
        .share();
    let watch = shared.clone();
    let holder = ex.spawn_local(async move {
        let mut job = job;
        let mut shared = shared;
        // A select that gives up on both handles after one round.
        let first = futures_lite::future::or(
            async {
                let _ = (&mut job).await;
                "job"
            },
            async {
                yield_now().await;
                "gave up"
            },
        )
        .await;
        assert_eq!(first, "gave up");
        let second = futures_lite::future::or(
            async {
                let _ = (&mut shared).await;
                "shared"
            },
            async {
                yield_now().await;
                "gave up"
            },
        )
        .await;
        assert_eq!(second, "gave up");
        // Still held; now wait on something else, and get cancelled there. (The yield: a
        // handle polled in the very step in which its task then suspends elsewhere counts
        // as awaited; see `AwaitMark`.)
        yield_now().await;
        std::future::pending::<()>().await;
        drop((job, shared));
    });
    for _ in 0..4 {
        ex.block_on(yield_now(), &mut parker);
    }
    holder.cancel();
    ex.block_on(yield_now(), &mut parker);
    assert!(holder.cancelled());
    assert!(
        !watch.done() && !watch.cancelling(),
        "the shared task was cancelled"
    );
    let still = ex
        .tasks()
        .iter()
        .any(|t| t.id() == job_id && !t.cancelling());
    assert!(still, "the job was cancelled");
    assert_eq!(ex.block_on(watch, &mut parker), Ok(()));
}

/// Issue 6, defect 8: a task that awaits its own handle gets a typed error at once.
#[test]
fn a_task_awaiting_itself_gets_an_error() {
    let (ex, mut parker) = executor();
    type Me = SharedTask<Result<(), TaskError>>;
    let slot: Rc<RefCell<Option<Me>>> = Rc::new(RefCell::new(None));
    let s = slot.clone();
    let task = ex
        .spawn_local(async move {
            yield_now().await;
            let me = s.borrow().clone().unwrap();
            me.await.map(|_| ())
        })
        .share();
    *slot.borrow_mut() = Some(task.clone());
    assert_eq!(
        ex.block_on(task, &mut parker),
        Ok(Err(TaskError::AwaitedItself))
    );
    slot.borrow_mut().take();
}

/// Issue 6, defect 8: awaiting a pending task of another executor from a task is a typed
/// error (it would never be run meanwhile); a finished one gives its output.
#[test]
fn awaiting_a_pending_task_of_another_executor_is_an_error() {
    let (a, _parker_a) = executor();
    let (b, mut parker_b) = executor();
    let of_a = a.spawn_local(std::future::pending::<()>());
    let awaiting = b.spawn_local(of_a);
    assert_eq!(
        b.block_on(awaiting, &mut parker_b),
        Ok(Err(TaskError::OtherExecutor))
    );
    let done_on_a = a.spawn_local(async { 3 });
    a.run_batch();
    assert_eq!(
        b.block_on(b.spawn_local(done_on_a), &mut parker_b),
        Ok(Ok(3))
    );
}

/// asyncio runs a task's done-callbacks when it ends, whoever still holds it: a callback
/// added to a pending task runs even if every handle is dropped first (fire and forget
/// with a callback), and nothing is kept once it ran.
#[test]
fn a_done_callback_runs_after_every_handle_was_dropped() {
    let (ex, mut parker) = executor();
    let probe = Rc::new(());
    let p = probe.clone();
    let seen = Rc::new(Cell::new(false));
    let s = seen.clone();
    let task = ex
        .spawn_local(async move {
            yield_now().await;
            p
        })
        .share();
    task.add_done_callback(move |t| s.set(matches!(t.result(), Some(Ok(_)))));
    drop(task);
    ex.block_on(
        async {
            for _ in 0..3 {
                yield_now().await;
            }
        },
        &mut parker,
    );
    assert!(
        seen.get(),
        "the done-callback was lost with the last handle"
    );
    assert!(ex.tasks().is_empty());
    assert_eq!(
        Rc::strong_count(&probe),
        1,
        "the output was kept after the callback ran"
    );
}

/// The same for a task that never ends: closing the executor ends it, and then nothing
/// (the task, its shared part, the callback) is left behind.
#[test]
fn a_done_callback_kept_for_a_pending_task_is_freed_by_close() {
    let (ex, mut parker) = executor();
    let probe = Rc::new(());
    let p = probe.clone();
    let task = ex.spawn_local(std::future::pending::<()>()).share();
    task.add_done_callback(move |_| drop(p));
    drop(task);
    ex.block_on(yield_now(), &mut parker);
    assert_eq!(Rc::strong_count(&probe), 2);
    ex.close();
    assert_eq!(Rc::strong_count(&probe), 1, "the callback outlived close()");
    // And by the executor's drop, without close.
    let (ex, mut parker) = executor();
    let p = probe.clone();
    let task = ex.spawn_local(std::future::pending::<()>()).share();
    task.add_done_callback(move |_| drop(p));
    drop(task);
    ex.block_on(yield_now(), &mut parker);
    drop(ex);
    assert_eq!(
        Rc::strong_count(&probe),
        1,
        "the callback outlived the executor"
    );
}
