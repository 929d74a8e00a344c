//! Task handles: outputs, waiters, callbacks, names, cancellation and reports, also under
//! miri (the handles reach the task's metadata through raw pointers).

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use corio_executor::{
    AnyTask, ExecutorEvent, LocalExecutor, Task, TaskError, current_task, park, yield_now,
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
fn the_first_waiter_takes_the_output_and_later_ones_see_it_taken() {
    let (ex, mut parker) = executor();
    let task = ex.spawn_local(async {
        yield_now().await;
        String::from("out")
    });
    let waiters: Vec<Task<Result<String, TaskError>>> = (0..3)
        .map(|_| {
            let t = task.clone();
            ex.spawn_local(t)
        })
        .collect();
    let mut outcomes = Vec::new();
    for w in waiters {
        outcomes.push(ex.block_on(w, &mut parker).unwrap());
    }
    assert_eq!(outcomes[0], Ok("out".to_owned()));
    assert_eq!(outcomes[1], Err(TaskError::OutputTaken));
    assert_eq!(outcomes[2], Err(TaskError::OutputTaken));
    assert_eq!(task.try_take(), Err(TaskError::OutputTaken));
}

#[test]
fn result_clones_and_failure_reports_without_taking() {
    let (ex, mut parker) = executor();
    let task = ex.spawn_local(async { vec![1, 2] });
    assert_eq!(task.failure(), Err(TaskError::Pending));
    ex.block_on(yield_now(), &mut parker);
    assert_eq!(task.result(), Ok(vec![1, 2]));
    assert_eq!(task.failure(), Ok(None));
    assert_eq!(task.clone().try_take(), Ok(vec![1, 2]));
    assert_eq!(task.result(), Err(TaskError::OutputTaken));
}

#[test]
fn done_callbacks_run_in_registration_order_through_the_queue() {
    let (ex, mut parker) = executor();
    let log = Rc::new(RefCell::new(Vec::new()));
    let task = ex.spawn_local(async { 5 });
    for n in 0..4 {
        let l = log.clone();
        let id = task.add_done_callback(move |t| l.borrow_mut().push((n, t.result())));
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
    let a = ex.spawn_local(async {});
    let b = ex.spawn_local(async {});
    // Hashing uses the task's id, which never changes.
    #[allow(clippy::mutable_key_type)]
    let set: HashSet<Task<()>> = [a.clone(), a.clone(), b.clone()].into_iter().collect();
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
    let named = ex.spawn_local(async { current_task().unwrap().name() });
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
    let task = ex.spawn_local(async move {
        let _flag = Flag(l.clone());
        l.borrow_mut().push("started");
        std::future::pending::<()>().await;
    });
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
    assert_eq!(task.failure(), Ok(Some(TaskError::Cancelled)));
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
fn cancel_on_drop_and_dropping_an_awaited_handle_cancel() {
    let (ex, mut parker) = executor();
    let guarded = ex.spawn_local(std::future::pending::<()>());
    let watcher = guarded.clone();
    drop(guarded.cancel_on_drop());
    let inner = ex.spawn_local(std::future::pending::<()>());
    let inner_watch = inner.clone();
    let outer = ex.spawn_local(inner);
    ex.block_on(yield_now(), &mut parker);
    outer.cancel();
    ex.block_on(
        async {
            yield_now().await;
            yield_now().await;
        },
        &mut parker,
    );
    assert!(watcher.cancelled());
    assert!(outer.cancelled());
    assert!(inner_watch.cancelled());
}

#[test]
fn an_unretrieved_panic_is_reported_once_nobody_can_look() {
    let (ex, mut parker) = executor();
    let seen = reports(&ex);
    drop(ex.spawn_local(async { panic!("detached boom") }));
    let held = ex.spawn_local(async { panic!("held boom") });
    let looked = ex.spawn_local(async { panic!("looked at") });
    ex.block_on(yield_now(), &mut parker);
    assert_eq!(seen.borrow().len(), 1);
    assert!(seen.borrow()[0].contains("detached boom"));
    assert!(matches!(looked.failure(), Ok(Some(TaskError::Panicked(_)))));
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
    assert_eq!(pending, [parked.as_any(), never_ran.as_any()]);
    assert!(parked.cancelled() && never_ran.cancelled() && queued.done());
    assert_eq!(*names.borrow(), ["queued", "parked", "never ran"]);
    assert_eq!(parked.try_take(), Err(TaskError::Cancelled));
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
fn a_unique_handle_sees_a_destructor_panic_at_close_every_time_it_asks() {
    struct Bomb;
    impl Drop for Bomb {
        fn drop(&mut self) {
            panic!("cleanup failed");
        }
    }
    let (ex, mut parker) = executor();
    let seen = reports(&ex);
    let bomb = Bomb;
    let task = ex.spawn_local(async move {
        let _bomb = bomb;
        std::future::pending::<()>().await;
    });
    ex.block_on(yield_now(), &mut parker);
    ex.close();
    let expected = Err(TaskError::Panicked("cleanup failed".to_owned()));
    assert_eq!(task.try_take(), expected);
    assert_eq!(task.try_take(), expected);
    assert_eq!(
        task.failure(),
        Ok(Some(TaskError::Panicked("cleanup failed".to_owned())))
    );
    drop(task);
    assert!(seen.borrow().is_empty(), "{:?}", seen.borrow());
}

#[test]
fn a_unique_handle_awaited_after_the_task_finished_gets_the_output_once() {
    let (ex, mut parker) = executor();
    let task = ex.spawn_local(async { String::from("v") });
    ex.block_on(yield_now(), &mut parker);
    assert!(task.done());
    assert_eq!(task.try_take(), Ok("v".to_owned()));
    assert_eq!(task.try_take(), Err(TaskError::OutputTaken));
    let other = task.clone();
    assert_eq!(other.result(), Err(TaskError::OutputTaken));
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
    assert_eq!(
        ex.block_on(task.clone(), &mut parker),
        Err(TaskError::Cancelled)
    );
    assert_eq!(listed.borrow().len(), 2);
    assert!(other.cancelled());
}

/// A waker that counts its wakes.
struct Count(AtomicUsize);

impl Wake for Count {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn counter() -> (Arc<Count>, Waker) {
    let count = Arc::new(Count(AtomicUsize::new(0)));
    (count.clone(), Waker::from(count))
}

fn wakes(count: &Count) -> usize {
    count.0.load(Ordering::SeqCst)
}

/// A unique handle awaited (its waker in async-task's slot), then cloned: the clone takes
/// the shared part's first slot, and the original's next poll must not take it over.
#[test]
fn a_clone_awaited_after_the_original_keeps_its_wake_when_the_original_repolls() {
    let (ex, _parker) = executor();
    let go = Rc::new(Cell::new(false));
    let g = go.clone();
    let mut task = ex.spawn_local(async move {
        while !g.get() {
            yield_now().await;
        }
        5
    });
    let (count_a, waker_a) = counter();
    let (count_b, waker_b) = counter();
    let mut cx_a = Context::from_waker(&waker_a);
    assert!(Pin::new(&mut task).poll(&mut cx_a).is_pending());
    let mut clone = task.clone();
    let mut cx_b = Context::from_waker(&waker_b);
    assert!(Pin::new(&mut clone).poll(&mut cx_b).is_pending());
    assert!(Pin::new(&mut task).poll(&mut cx_a).is_pending());
    go.set(true);
    for _ in 0..5 {
        ex.run_batch();
    }
    assert!(task.done());
    assert!(
        wakes(&count_a) > 0,
        "the original's awaiter was never woken"
    );
    assert!(wakes(&count_b) > 0, "the clone's awaiter was never woken");
    assert_eq!(Pin::new(&mut clone).poll(&mut cx_b), Poll::Ready(Ok(5)));
    assert_eq!(
        Pin::new(&mut task).poll(&mut cx_a),
        Poll::Ready(Err(TaskError::OutputTaken))
    );
}

/// A handle that was awaited while unique, then shared, and dropped while still awaited,
/// cancels the task, as any awaited handle does.
#[test]
fn a_handle_awaited_while_unique_then_shared_cancels_when_dropped() {
    let (ex, _parker) = executor();
    let mut task = ex.spawn_local(std::future::pending::<()>());
    let (_count, waker) = counter();
    assert!(
        Pin::new(&mut task)
            .poll(&mut Context::from_waker(&waker))
            .is_pending()
    );
    let watcher = task.clone();
    drop(task);
    ex.run_batch();
    assert!(watcher.cancelled());
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
/// outcome: a clone made there must still get it.
#[test]
fn a_clone_made_in_the_hook_of_the_finishing_step_gets_the_output() {
    let (ex, mut parker) = executor();
    let slot = Rc::new(RefCell::new(None));
    let clones = Rc::new(RefCell::new(Vec::new()));
    let c = clones.clone();
    on_done_in_hook(&ex, &slot, move |slot| {
        let task: Task<i32> = slot.borrow().clone().unwrap();
        // Not there yet; asking must not lose it.
        assert_eq!(task.result(), Err(TaskError::Pending));
        c.borrow_mut().push(task);
    });
    *slot.borrow_mut() = Some(ex.spawn_local(async { 5 }));
    ex.run_batch();
    let clone = clones.borrow_mut().pop().expect("cloned in the hook");
    drop(slot.borrow_mut().take());
    assert!(clone.done());
    assert_eq!(clone.result(), Ok(5));
    assert_eq!(ex.block_on(clone, &mut parker), Ok(5));
}

/// The same, while another task awaits the original handle: its waker, in async-task's
/// slot, must survive the clone and the questions asked in the hook.
#[test]
fn an_awaiter_of_a_handle_cloned_in_the_hook_of_the_finishing_step_is_woken() {
    let (ex, _parker) = executor();
    let slot: Rc<RefCell<Option<Task<i32>>>> = Rc::new(RefCell::new(None));
    let clones = Rc::new(RefCell::new(Vec::new()));
    let c = clones.clone();
    on_done_in_hook(&ex, &slot, move |slot| {
        let task = slot.borrow();
        let task = task.as_ref().unwrap();
        assert_eq!(task.try_take(), Err(TaskError::Pending));
        c.borrow_mut().push(task.clone());
        assert_eq!(task.try_take(), Err(TaskError::Pending));
    });
    *slot.borrow_mut() = Some(ex.spawn_local(async {
        yield_now().await;
        5
    }));
    let s = slot.clone();
    let awaiter = ex.spawn_local(std::future::poll_fn(move |cx| {
        Pin::new(s.borrow_mut().as_mut().unwrap()).poll(cx)
    }));
    for _ in 0..5 {
        ex.run_batch();
    }
    assert_eq!(clones.borrow().len(), 1);
    assert!(awaiter.done(), "the awaiter was never woken");
    assert_eq!(awaiter.try_take(), Ok(Ok(5)));
    assert_eq!(clones.borrow()[0].try_take(), Err(TaskError::OutputTaken));
}

/// A panic whose handle is cloned in the hook of the step that panicked is reported once,
/// when the last handle goes: later, or in that very hook.
#[test]
fn a_panic_cloned_in_the_hook_of_its_step_is_reported_once() {
    let (ex, _parker) = executor();
    let slot: Rc<RefCell<Option<Task<()>>>> = Rc::new(RefCell::new(None));
    let clones = Rc::new(RefCell::new(Vec::new()));
    let c = clones.clone();
    let seen = on_done_in_hook(&ex, &slot, move |slot| {
        c.borrow_mut().push(slot.borrow().clone().unwrap());
    });
    *slot.borrow_mut() = Some(ex.spawn_local(async { panic!("cloned boom") }));
    ex.run_batch();
    assert_eq!(clones.borrow().len(), 1);
    drop(slot.borrow_mut().take());
    assert!(seen.borrow().is_empty(), "{:?}", seen.borrow());
    clones.borrow_mut().clear();
    assert_eq!(seen.borrow().len(), 1, "{:?}", seen.borrow());
    assert!(seen.borrow()[0].contains("cloned boom"));

    // Every handle dropped in the hook, before async-task holds the outcome.
    let (ex, _parker) = executor();
    let slot: Rc<RefCell<Option<Task<()>>>> = Rc::new(RefCell::new(None));
    let seen = on_done_in_hook(&ex, &slot, |slot| {
        let task = slot.borrow_mut().take().unwrap();
        drop(task.clone());
        drop(task);
    });
    *slot.borrow_mut() = Some(ex.spawn_local(async { panic!("dropped boom") }));
    ex.run_batch();
    ex.run_batch();
    assert!(slot.borrow().is_none());
    assert_eq!(seen.borrow().len(), 1, "{:?}", seen.borrow());

    // The unique handle dropped there.
    let (ex, _parker) = executor();
    let slot: Rc<RefCell<Option<Task<()>>>> = Rc::new(RefCell::new(None));
    let seen = on_done_in_hook(&ex, &slot, |slot| drop(slot.borrow_mut().take()));
    *slot.borrow_mut() = Some(ex.spawn_local(async { panic!("unique boom") }));
    ex.run_batch();
    ex.run_batch();
    assert!(slot.borrow().is_none());
    assert_eq!(seen.borrow().len(), 1, "{:?}", seen.borrow());
}
