//! The combinators: gather, wait, as_completed, wait_for, shield, task groups, timeout
//! scopes, and cancellation through them. Virtual time: the sleeps take no real time and
//! the order of events is exact.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use corio_runtime::{
    ALL_COMPLETED, Builder, ChildError, FIRST_COMPLETED, FIRST_EXCEPTION, LoopError,
    SettableFuture, SharedTask, Task, TaskError, TaskGroup, all_tasks, as_completed, current_task,
    gather, get_running_loop, shield, sleep, spawn, task_group, timeout_scope, wait, wait_for,
    yield_now,
};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Runs `fut` on a new loop with a virtual clock.
fn run_virtual<F: Future + 'static>(fut: F) -> Result<F::Output, LoopError>
where
    F::Output: 'static,
{
    Builder::new().virtual_time(true).run(fut)
}

/// Records its name when dropped (a cancelled future's cleanup).
struct OnDrop(&'static str, Rc<RefCell<Vec<&'static str>>>);
impl Drop for OnDrop {
    fn drop(&mut self) {
        self.1.borrow_mut().push(self.0);
    }
}

fn log() -> Rc<RefCell<Vec<&'static str>>> {
    Rc::new(RefCell::new(Vec::new()))
}

/// The tasks of this loop other than the caller.
fn others() -> Vec<corio_runtime::AnyTask> {
    let me = current_task().unwrap();
    all_tasks()
        .unwrap()
        .into_iter()
        .filter(|t| *t != me)
        .collect()
}

/// A task that sleeps forever and records its cleanup.
fn sleeper(name: &'static str, cleanups: &Rc<RefCell<Vec<&'static str>>>) -> Task<()> {
    let c = cleanups.clone();
    spawn(async move {
        let _guard = OnDrop(name, c);
        sleep(Duration::from_secs(3600)).await;
    })
}

#[test]
fn gather_gives_argument_order_when_tasks_finish_in_reverse() {
    let out = run_virtual(async {
        let finished = log();
        let tasks: Vec<Task<u64>> = (1..=5)
            .map(|i| {
                let f = finished.clone();
                spawn(async move {
                    sleep(ms(100 - 10 * i)).await;
                    f.borrow_mut()
                        .push(["t1", "t2", "t3", "t4", "t5"][i as usize - 1]);
                    i
                })
            })
            .collect();
        let out = gather(tasks).await.unwrap();
        (out, finished.borrow().clone())
    })
    .unwrap();
    assert_eq!(out.0, [1, 2, 3, 4, 5]);
    assert_eq!(out.1, ["t5", "t4", "t3", "t2", "t1"]);
}

#[test]
fn gather_macro_gives_a_tuple_in_argument_order() {
    let out = run_virtual(async {
        let slow = spawn(async {
            sleep(ms(30)).await;
            "slow"
        });
        let fast = spawn(async { 2u8 });
        corio_runtime::gather!(slow, fast).await
    })
    .unwrap();
    assert_eq!(out, Ok(("slow", 2)));
}

#[test]
fn gather_returns_the_first_error_while_the_siblings_run_on() {
    run_virtual(async {
        let finished = Rc::new(Cell::new(0));
        let children = (0..3u64).map(|i| {
            let f = finished.clone();
            async move {
                sleep(ms(10 * (i + 1))).await;
                if i == 0 {
                    return Err(format!("child {i} failed"));
                }
                f.set(f.get() + 1);
                Ok(i)
            }
        });
        let err = gather(children).await.unwrap_err();
        assert_eq!(err, "child 0 failed");
        assert_eq!(finished.get(), 0, "the error comes as soon as it happens");
        // The siblings were not cancelled: they finish on their own.
        sleep(ms(100)).await;
        assert_eq!(finished.get(), 2);
    })
    .unwrap();
}

type BoxedStr = Pin<Box<dyn Future<Output = Result<(), &'static str>>>>;

type BoxedPlain = Pin<Box<dyn Future<Output = Result<(), ()>>>>;

type Boxed<T> = Pin<Box<dyn Future<Output = Result<T, TaskError>>>>;

#[test]
fn gather_with_return_exceptions_gives_every_outcome_in_order() {
    let out = run_virtual(async {
        let a = spawn(async {
            sleep(ms(20)).await;
        });
        let b = spawn(async { panic!("b broke") });
        let c = spawn(sleep(ms(1000)));
        c.cancel();
        gather([Box::pin(a) as Boxed<()>, Box::pin(b), Box::pin(c)])
            .return_exceptions()
            .await
    })
    .unwrap();
    assert_eq!(out[0], Ok(()));
    assert!(matches!(&out[1], Err(TaskError::Panicked(p)) if p.message() == "b broke"));
    assert_eq!(out[2], Err(TaskError::Cancelled));
}

#[test]
fn cancelling_a_gather_cancels_every_child_and_leaves_no_task_running() {
    run_virtual(async {
        let cleanups = log();
        // Children that wake at different times, so that the gather's last step polls only
        // some of them: the gather still cancels every one.
        let shared: Vec<SharedTask<()>> = ["a", "b", "c"]
            .into_iter()
            .map(|name| sleeper(name, &cleanups).share())
            .collect();
        let watchers = shared.clone();
        let gather_shared = spawn(async move {
            let early = spawn(sleep(ms(2))).share();
            let mut all = shared;
            all.insert(0, early);
            gather(all).await
        });
        let unique: Vec<Task<()>> = ["d", "e"]
            .into_iter()
            .map(|name| sleeper(name, &cleanups))
            .collect();
        let gather_unique = spawn(async move {
            let mut all = unique;
            all.push(spawn(sleep(ms(3))));
            gather(all).await
        });
        // Plain futures are dropped with the gather.
        let c = cleanups.clone();
        let gather_plain = spawn(async move {
            let soon = async {
                sleep(ms(1)).await;
                Ok::<(), ()>(())
            };
            let c2 = c.clone();
            let forever = async move {
                let _guard = OnDrop("plain", c2);
                sleep(Duration::from_secs(3600)).await;
                Ok(())
            };
            let all: Vec<BoxedPlain> = vec![Box::pin(soon), Box::pin(forever)];
            gather(all).await
        });
        sleep(ms(10)).await;
        assert!(gather_shared.cancel() && gather_unique.cancel() && gather_plain.cancel());
        assert_eq!(gather_shared.await, Err(TaskError::Cancelled));
        assert_eq!(gather_unique.await, Err(TaskError::Cancelled));
        assert_eq!(gather_plain.await, Err(TaskError::Cancelled));
        yield_now().await; // the children's cancelled steps
        assert!(watchers.iter().all(SharedTask::cancelled));
        let mut seen = cleanups.borrow().clone();
        seen.sort_unstable();
        assert_eq!(seen, ["a", "b", "c", "d", "e", "plain"]);
        assert!(others().is_empty(), "left running: {:?}", others());
    })
    .unwrap();
}

#[test]
fn wait_timeout_leaves_the_tasks_running_and_keeps_their_identity() {
    run_virtual(async {
        let slow = spawn(async {
            sleep(ms(500)).await;
            "slow"
        })
        .share();
        let fast = spawn(async {
            sleep(ms(20)).await;
            "fast"
        })
        .share();
        let (done, pending) = wait([slow.clone(), fast.clone()], ms(100), ALL_COMPLETED)
            .await
            .unwrap();
        assert_eq!(done, std::slice::from_ref(&fast));
        assert_eq!(
            pending,
            std::slice::from_ref(&slow),
            "the slow one is the very handle given"
        );
        assert!(!slow.done() && !slow.cancelled(), "wait cancels nothing");
        assert_eq!(slow.await, Ok("slow"));
    })
    .unwrap();
}

#[test]
fn wait_first_completed_and_first_exception() {
    run_virtual(async {
        let tasks: Vec<SharedTask<u64>> = [30, 10, 20]
            .map(|t| {
                spawn(async move {
                    sleep(ms(t)).await;
                    t
                })
                .share()
            })
            .into();
        let (done, pending) = wait(tasks.clone(), None, FIRST_COMPLETED).await.unwrap();
        assert_eq!(done, [tasks[1].clone()]);
        assert_eq!(pending, [tasks[0].clone(), tasks[2].clone()]);

        // FIRST_EXCEPTION: a cancellation does not count, a panic does.
        let cancelled = spawn(sleep(ms(1))).share();
        cancelled.cancel();
        let panics = spawn(async {
            sleep(ms(50)).await;
            panic!("boom");
        })
        .share();
        let slow = spawn(sleep(ms(1000))).share();
        let (done, pending) = wait(
            [cancelled.clone(), panics.clone(), slow.clone()],
            None,
            FIRST_EXCEPTION,
        )
        .await
        .unwrap();
        assert_eq!(done, [cancelled, panics]);
        assert_eq!(pending, std::slice::from_ref(&slow));
        slow.cancel();
    })
    .unwrap();
}

/// FIRST_EXCEPTION: a task whose output is `Err` counts as one that raised (Rust's
/// "raise"), one whose output is `Ok` does not; with no failure it waits for all.
#[test]
fn wait_first_exception_counts_err_outputs() {
    run_virtual(async {
        let ok = spawn(async {
            sleep(ms(10)).await;
            Ok::<u8, String>(1)
        })
        .share();
        let fails = spawn(async {
            sleep(ms(50)).await;
            Err::<u8, String>("bad url".into())
        })
        .share();
        let slow = spawn(async {
            sleep(ms(1000)).await;
            Ok::<u8, String>(3)
        })
        .share();
        let (done, pending) = wait(
            [ok.clone(), fails.clone(), slow.clone()],
            None,
            FIRST_EXCEPTION,
        )
        .await
        .unwrap();
        assert_eq!(done, [ok.clone(), fails.clone()]);
        assert_eq!(pending, std::slice::from_ref(&slow));
        assert_eq!(fails.result(), Some(Ok(Err("bad url".to_owned()))));

        // Only `Ok` outputs: FIRST_EXCEPTION is ALL_COMPLETED.
        let (done, pending) = wait([ok.clone(), slow.clone()], None, FIRST_EXCEPTION)
            .await
            .unwrap();
        assert_eq!((done.len(), pending.len()), (2, 0));

        // Outputs that are not `Result`s never fail (Fallible's default).
        let plain = [spawn(async { 1u32 }).share(), spawn(async { 2u32 }).share()];
        let (done, _) = wait(plain, None, FIRST_EXCEPTION).await.unwrap();
        assert_eq!(done.len(), 2);
    })
    .unwrap();
}

/// `wait` takes settable futures too (asyncio's `wait` takes futures): an error set is a
/// failure for FIRST_EXCEPTION, and so is an `Err` value.
#[test]
fn wait_on_settable_futures() {
    run_virtual(async {
        let futs: Vec<SettableFuture<Result<u8, String>>> =
            (0..3).map(|_| SettableFuture::new()).collect();
        let setter = futs.clone();
        spawn(async move {
            sleep(ms(10)).await;
            setter[0].set_result(Ok(1)).unwrap();
            sleep(ms(10)).await;
            setter[2].set_result(Err("no".into())).unwrap();
        });
        let (done, pending) = wait(futs.clone(), None, FIRST_EXCEPTION).await.unwrap();
        assert_eq!(done, [futs[0].clone(), futs[2].clone()]);
        assert_eq!(pending, [futs[1].clone()]);

        let failing = SettableFuture::<u8>::new();
        let f = failing.clone();
        spawn(async move {
            sleep(ms(5)).await;
            f.set_error("boom").unwrap();
        });
        let never = SettableFuture::<u8>::new();
        let (done, _) = wait([failing.clone(), never.clone()], ms(100), FIRST_EXCEPTION)
            .await
            .unwrap();
        assert_eq!(done, [failing]);
        // Nothing was cancelled, and the watch on `never` is gone.
        assert!(!never.done());
        never.set_result(2).unwrap();
    })
    .unwrap();
}

/// A wait that times out, again and again on the same pending task, leaves nothing behind on
/// it, and the task still wakes a later waiter.
#[test]
fn repeated_wait_timeouts_leave_the_task_usable() {
    run_virtual(async {
        let slow = spawn(async {
            sleep(ms(1000)).await;
            7u8
        })
        .share();
        for _ in 0..100 {
            let (done, pending) = wait([slow.clone()], ms(1), ALL_COMPLETED).await.unwrap();
            assert!(done.is_empty() && pending == [slow.clone()]);
        }
        let (done, _) = wait([slow.clone()], None, FIRST_COMPLETED).await.unwrap();
        assert_eq!(done, std::slice::from_ref(&slow));
        assert_eq!(slow.await, Ok(7));
    })
    .unwrap();
}

/// `gather` over many tasks that finish in an order unlike the argument order keeps the
/// argument order, and a failure among them is returned while the others run on.
#[test]
fn gather_many_children_out_of_order() {
    run_virtual(async {
        // Tasks (their error is `TaskError`) and plain futures (polled in place).
        let tasks = (0..1000u64).map(|i| {
            spawn(async move {
                sleep(ms((1000 - i) % 37)).await;
                i
            })
        });
        assert_eq!(gather(tasks).await.unwrap(), (0..1000).collect::<Vec<_>>());
        let futures = (0..1000u64).map(|i| async move {
            sleep(ms((1000 - i) % 37)).await;
            Ok::<u64, String>(i)
        });
        assert_eq!(
            gather(futures).await.unwrap(),
            (0..1000).collect::<Vec<_>>()
        );

        let finished = Rc::new(RefCell::new(0));
        let futures = (0..100u64).map(|i| {
            let finished = finished.clone();
            async move {
                sleep(ms(i)).await;
                *finished.borrow_mut() += 1;
                if i == 10 { Err(i) } else { Ok(i) }
            }
        });
        assert_eq!(gather(futures).await, Err(10));
        sleep(ms(200)).await;
        assert_eq!(*finished.borrow(), 100);
    })
    .unwrap();
}

#[test]
fn as_completed_times_out_each_remaining_item_and_the_work_runs_on() {
    run_virtual(async {
        let finished = log();
        let items = [10u64, 500, 800].map(|t| {
            let f = finished.clone();
            async move {
                sleep(ms(t)).await;
                f.borrow_mut().push(if t == 500 { "500" } else { "other" });
                t
            }
        });
        let mut it = as_completed(items, ms(100));
        assert_eq!(it.next().await, Some(Ok(10)));
        assert!(it.next().await.unwrap().is_err());
        assert!(it.next().await.unwrap().is_err());
        assert_eq!(it.next().await, None);
        drop(it);
        sleep(ms(1000)).await;
        assert_eq!(
            *finished.borrow(),
            ["other", "500", "other"],
            "they kept running"
        );
    })
    .unwrap();
}

#[test]
fn wait_for_cancels_the_inner_task_and_waits_until_it_has_finished_cancelling() {
    run_virtual(async {
        let cleanups = log();
        let inner = sleeper("inner cleanup", &cleanups).share();
        let res = wait_for(inner.clone(), ms(10)).await;
        assert!(res.is_err());
        // Already finished cancelling when wait_for returned.
        assert!(inner.cancelled());
        assert_eq!(*cleanups.borrow(), ["inner cleanup"]);

        // A plain future is dropped (its cleanup has run) before wait_for returns.
        let c = cleanups.clone();
        let res = wait_for(
            async move {
                let _guard = OnDrop("plain cleanup", c);
                sleep(Duration::from_secs(3600)).await;
            },
            ms(10),
        )
        .await;
        assert!(res.is_err());
        assert_eq!(cleanups.borrow().last(), Some(&"plain cleanup"));

        // In time: the output; no limit: the output.
        assert_eq!(wait_for(async { 5 }, ms(10)).await, Ok(5));
        assert_eq!(wait_for(async { 6 }, None).await, Ok(6));
    })
    .unwrap();
}

#[test]
fn cancelling_the_waiter_of_wait_for_cancels_the_awaitable() {
    run_virtual(async {
        let cleanups = log();
        let inner = sleeper("inner", &cleanups).share();
        let i = inner.clone();
        let waiter = spawn(async move { wait_for(i, Duration::from_secs(60)).await });
        sleep(ms(10)).await;
        waiter.cancel();
        assert!(waiter.await.unwrap_err().is_cancelled());
        for _ in 0..3 {
            yield_now().await;
        }
        assert!(inner.cancelled());
        assert_eq!(*cleanups.borrow(), ["inner"]);
    })
    .unwrap();
}

#[test]
fn wait_for_with_a_zero_timeout_cancels_before_the_body_runs() {
    run_virtual(async {
        let ran = Rc::new(Cell::new(false));
        let r = ran.clone();
        let res = wait_for(async move { r.set(true) }, Duration::ZERO).await;
        assert!(res.is_err());
        assert!(
            !ran.get(),
            "asyncio: timeout <= 0 cancels before the first step"
        );
    })
    .unwrap();
}

#[test]
fn shield_survives_the_outer_cancel_and_the_task_can_be_awaited_again() {
    run_virtual(async {
        let task = spawn(async {
            sleep(ms(100)).await;
            "kept"
        })
        .share();
        let t = task.clone();
        let waiter = spawn(async move { shield(t).await });
        sleep(ms(10)).await;
        waiter.cancel();
        assert_eq!(waiter.await, Err(TaskError::Cancelled));
        yield_now().await;
        assert!(
            !task.done() && !task.cancelled(),
            "the shielded task runs on"
        );
        assert_eq!(task.await, Ok("kept"));
    })
    .unwrap();
}

#[test]
fn task_group_cancels_the_siblings_on_failure_and_gathers_every_error() {
    run_virtual(async {
        let cleanups = log();
        let group = TaskGroup::new();
        let c = cleanups.clone();
        let sibling = group
            .create_task(async move {
                let _guard = OnDrop("sibling", c);
                sleep(Duration::from_secs(3600)).await;
                Ok(())
            })
            .unwrap();
        // Three failures in the same instant: all are reported.
        group
            .create_task(async {
                sleep(ms(10)).await;
                Err::<(), _>("first")
            })
            .unwrap();
        group
            .create_task(async {
                sleep(ms(10)).await;
                Err::<(), _>("second")
            })
            .unwrap();
        let mut panicking = group
            .create_task(async {
                sleep(ms(10)).await;
                if true {
                    panic!("third");
                }
                Ok(())
            })
            .unwrap();
        let err = group.join().await.unwrap_err();
        assert_eq!(
            err.errors,
            [
                ChildError::Failed("first"),
                ChildError::Failed("second"),
                ChildError::Panicked("third".into()),
            ]
        );
        assert!(sibling.cancelled());
        assert_eq!(*cleanups.borrow(), ["sibling"]);
        assert_eq!(panicking.try_take(), Some(Ok(None)));
        assert!(others().is_empty());
    })
    .unwrap();
}

#[test]
fn task_group_scope_cancels_the_body_on_a_child_failure() {
    run_virtual(async {
        let cleanups = log();
        let c = cleanups.clone();
        let res: Result<(), _> = task_group(|tg| async move {
            let _guard = OnDrop("body", c);
            tg.create_task(async {
                sleep(ms(5)).await;
                Err::<(), _>("child")
            })
            .unwrap();
            sleep(Duration::from_secs(3600)).await;
            Ok(())
        })
        .await;
        assert_eq!(res.unwrap_err().errors, [ChildError::Failed("child")]);
        assert_eq!(*cleanups.borrow(), ["body"]);
    })
    .unwrap();
}

#[test]
fn no_child_outlives_a_dropped_group() {
    run_virtual(async {
        let cleanups = log();
        let group = TaskGroup::<()>::new();
        let c = cleanups.clone();
        let child = group
            .create_task(async move {
                let _guard = OnDrop("child", c);
                sleep(Duration::from_secs(3600)).await;
                Ok(())
            })
            .unwrap()
            .share();
        let spawner = group.spawner();
        let joiner = spawn(group.join());
        sleep(ms(10)).await;
        joiner.cancel();
        assert!(joiner.await.unwrap_err().is_cancelled());
        yield_now().await;
        assert!(child.cancelled());
        assert!(
            spawner.create_task(async { Ok(()) }).is_err(),
            "the group is over"
        );

        // A child not started yet when its group goes never runs its body.
        let group = TaskGroup::<()>::new();
        let c = cleanups.clone();
        let unstarted = group
            .create_task(async move {
                c.borrow_mut().push("body ran");
                Ok(())
            })
            .unwrap()
            .share();
        drop(group);
        yield_now().await;
        assert_eq!(unstarted.result(), Some(Ok(None)));
        assert_eq!(*cleanups.borrow(), ["child"]);
        assert!(others().is_empty());
    })
    .unwrap();
}

#[test]
fn cancelling_an_outer_task_cancels_the_task_it_awaits_through_nested_awaits() {
    run_virtual(async {
        let cleanups = log();
        let innermost = sleeper("innermost", &cleanups).share();
        let c = cleanups.clone();
        let inner = innermost.clone();
        let middle = spawn(async move {
            let _guard = OnDrop("middle", c);
            inner.await
        })
        .share();
        let c = cleanups.clone();
        let m = middle.clone();
        let outer = spawn(async move {
            let _guard = OnDrop("outer", c);
            m.await
        })
        .share();
        sleep(ms(10)).await;
        assert!(outer.cancel());
        assert_eq!(outer.clone().await, Err(TaskError::Cancelled));
        for _ in 0..3 {
            yield_now().await;
        }
        assert!(middle.cancelled() && innermost.cancelled());
        assert_eq!(*cleanups.borrow(), ["outer", "middle", "innermost"]);
        assert!(!outer.cancel(), "cancel() on a finished task is false");
    })
    .unwrap();
}

#[test]
fn a_timeout_scope_can_be_pushed_back_disabled_and_expires_with_the_block_dropped() {
    run_virtual(async {
        // Pushed back from inside the block: it finishes.
        let out = timeout_scope(Some(ms(10)), |cm| async move {
            sleep(ms(5)).await;
            cm.reschedule(Some(cm.when().unwrap() + ms(100)));
            sleep(ms(50)).await;
            "in time"
        })
        .await;
        assert_eq!(out, Ok("in time"));

        // Disabled, then re-armed from another task while the block waits.
        let cleanups = log();
        let c = cleanups.clone();
        let scope = timeout_scope(Some(ms(10)), |cm| async move {
            cm.reschedule(None);
            let _guard = OnDrop("block", c);
            sleep(Duration::from_secs(3600)).await;
        });
        let handle = scope.handle();
        let rearm = spawn(async move {
            sleep(ms(200)).await;
            handle.reschedule(Some(get_running_loop().unwrap().now() + ms(1)));
        });
        let handle = scope.handle();
        let before = get_running_loop().unwrap().now();
        assert!(scope.await.is_err());
        let took = get_running_loop().unwrap().now() - before;
        assert_eq!(
            took,
            ms(201),
            "expired at the re-armed deadline, not the first one"
        );
        assert!(handle.expired());
        assert_eq!(*cleanups.borrow(), ["block"]);
        rearm.await.unwrap();
    })
    .unwrap();
}

#[test]
fn nested_scheduling_reaches_the_running_loop_without_a_chain_of_clones() {
    let lp = Builder::new().virtual_time(true).build().unwrap();
    let log = log();
    let l = log.clone();
    // asyncio's `loop.call_soon(lambda: loop.call_soon(loop.stop))`: inside a callback, the
    // running loop is at hand; a callback returns `Result<(), LoopError>` to use `?`.
    lp.call_soon(move || -> Result<(), LoopError> {
        l.borrow_mut().push("outer");
        let l = l.clone();
        get_running_loop()?.call_soon(move || -> Result<(), LoopError> {
            l.borrow_mut().push("inner");
            get_running_loop()?.stop();
            Ok(())
        })?;
        Ok(())
    })
    .unwrap();
    lp.run_forever().unwrap();
    assert_eq!(*log.borrow(), ["outer", "inner"]);
    // A callback may also return the nested call's own `Result<Handle, LoopError>`:
    // `loop.call_soon(lambda: loop.call_soon(loop.stop))`, word for word.
    let l = log.clone();
    lp.call_soon(move || {
        l.borrow_mut().push("outer again");
        get_running_loop().and_then(|lp| lp.call_soon(|| get_running_loop().map(|lp| lp.stop())))
    })
    .unwrap();
    lp.run_forever().unwrap();
    assert_eq!(*log.borrow(), ["outer", "inner", "outer again"]);
}

#[test]
fn run_ends_cleanly_when_combinators_are_cancelled_at_shutdown() {
    let cleanups = log();
    let c = cleanups.clone();
    run_virtual(async move {
        let c1 = c.clone();
        // Left running when main returns: `run` cancels it, and dropping the
        // `AsCompleted` moves its unfinished items into a task of their own, which `run`
        // must cancel too.
        spawn(async move {
            let items = [async move {
                let _guard = OnDrop("as_completed item", c1);
                sleep(Duration::from_secs(3600)).await;
            }];
            let mut it = as_completed(items, None);
            it.next().await;
        })
        .detach();
        let c2 = c.clone();
        spawn(async move {
            let forever = async move {
                let _guard = OnDrop("gather survivor", c2);
                sleep(Duration::from_secs(3600)).await;
                Ok::<(), &str>(())
            };
            let fails = async { Err("fails") };
            let all: Vec<BoxedStr> = vec![Box::pin(forever), Box::pin(fails)];
            let _ = gather(all).await;
            sleep(Duration::from_secs(3600)).await;
        })
        .detach();
        sleep(ms(10)).await;
    })
    .unwrap();
    let mut seen = cleanups.borrow().clone();
    seen.sort_unstable();
    assert_eq!(seen, ["as_completed item", "gather survivor"]);
}
