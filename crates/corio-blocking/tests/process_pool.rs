//! The process pool with real worker processes: results, order, panics, a worker killed
//! mid-job (typed error, worker replaced), the initializer, and shutdown.

mod support;

use std::collections::HashSet;
use std::sync::OnceLock;
use std::time::Duration;

use corio_blocking::process::{self, ProcessFn, ProcessPoolExecutor, SharedValue};
use corio_blocking::{FutureError, SubmitError, as_completed};
use support::{PATIENCE, eventually, kill9, run};

fn pid(_: ()) -> u32 {
    std::process::id()
}
static PID: ProcessFn<(), u32> = ProcessFn::new("pid", pid);

fn slow_echo(args: (u64, String)) -> String {
    std::thread::sleep(Duration::from_millis(args.0));
    args.1
}
static SLOW_ECHO: ProcessFn<(u64, String), String> = ProcessFn::new("slow_echo", slow_echo);

fn fail(message: String) -> u8 {
    panic!("{message}")
}
static FAIL: ProcessFn<String, u8> = ProcessFn::new("fail", fail);

/// Waits until the shared flag is set, then answers: a job the test holds for as long as
/// it needs, whatever the machine's speed.
fn held(args: (SharedValue<u32>, String)) -> String {
    while args.0.get().unwrap() == 0 {
        std::thread::sleep(Duration::from_millis(1));
    }
    args.1
}
static HELD: ProcessFn<(SharedValue<u32>, String), String> = ProcessFn::new("held", held);

/// Writes its pid into the shared value, then sleeps far longer than the test waits.
fn report_and_hang(slot: SharedValue<u32>) {
    slot.set(std::process::id()).unwrap();
    std::thread::sleep(Duration::from_secs(600));
}
static REPORT_AND_HANG: ProcessFn<SharedValue<u32>, ()> =
    ProcessFn::new("report_and_hang", report_and_hang);

static COUNTER: OnceLock<SharedValue<i64>> = OnceLock::new();
fn init_counter(counter: SharedValue<i64>) {
    let _ = COUNTER.set(counter);
}
static INIT_COUNTER: ProcessFn<SharedValue<i64>, ()> = ProcessFn::new("init_counter", init_counter);
fn increment(_: ()) -> i64 {
    let counter = COUNTER.get().expect("the initializer ran");
    let guard = counter.get_lock().unwrap();
    let next = guard.get().unwrap() + 1;
    guard.set(next).unwrap();
    next
}
static INCREMENT: ProcessFn<(), i64> = ProcessFn::new("increment", increment);

fn broken_init(_: ()) {
    panic!("cannot connect");
}
static BROKEN_INIT: ProcessFn<(), ()> = ProcessFn::new("broken_init", broken_init);

static NOT_LISTED: ProcessFn<(), ()> = ProcessFn::new("not_listed", |()| ());

fn main() {
    process::init(&[
        &PID,
        &SLOW_ECHO,
        &FAIL,
        &HELD,
        &REPORT_AND_HANG,
        &INIT_COUNTER,
        &INCREMENT,
        &BROKEN_INIT,
    ]);
    run(&[
        ("workers_are_other_processes", workers_are_other_processes),
        (
            "max_tasks_per_child_replaces_workers",
            max_tasks_per_child_replaces_workers,
        ),
        ("map_keeps_input_order", map_keeps_input_order),
        (
            "as_completed_over_process_futures",
            as_completed_over_process_futures,
        ),
        (
            "a_panic_is_typed_and_the_worker_lives",
            a_panic_is_typed_and_the_worker_lives,
        ),
        (
            "a_killed_worker_fails_its_job_and_is_replaced",
            a_killed_worker_fails_its_job_and_is_replaced,
        ),
        ("initializer_shares_a_value", initializer_shares_a_value),
        (
            "a_failing_initializer_breaks_the_pool",
            a_failing_initializer_breaks_the_pool,
        ),
        (
            "unregistered_functions_are_refused",
            unregistered_functions_are_refused,
        ),
        ("shutdown_semantics", shutdown_semantics),
        ("futures_await_under_tokio", futures_await_under_tokio),
        ("futures_await_under_smol", futures_await_under_smol),
    ]);
}

fn workers_are_other_processes() {
    let pool = ProcessPoolExecutor::with_max_workers(2);
    assert!(pool.pids().is_empty(), "workers start on demand");
    let futures: Vec<_> = (0..6)
        .map(|_| pool.submit(&SLOW_ECHO, (50, "x".into())).unwrap())
        .collect();
    for f in &futures {
        f.result(PATIENCE).unwrap();
    }
    let pids: HashSet<u32> = (0..4)
        .map(|_| pool.submit(&PID, ()).unwrap().result(PATIENCE).unwrap())
        .collect();
    assert!(!pids.contains(&std::process::id()));
    assert!(pids.len() <= 2);
    let live: HashSet<u32> = pool.pids().into_iter().collect();
    assert!(pids.is_subset(&live), "{pids:?} vs {live:?}");
    assert_eq!(live.len(), 2, "six slow jobs grew the pool to its limit");
}

fn map_keeps_input_order() {
    let pool = ProcessPoolExecutor::with_max_workers(3);
    let items: Vec<(u64, String)> = (0..9u64)
        .map(|i| ((9 - i) * 10, format!("item {i}")))
        .collect();
    let out: Vec<String> = pool
        .map(&SLOW_ECHO, items.clone(), None)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(out, items.into_iter().map(|(_, s)| s).collect::<Vec<_>>());
}

fn as_completed_over_process_futures() {
    let pool = ProcessPoolExecutor::with_max_workers(2);
    let gate = SharedValue::new(0u32).unwrap();
    let slow = pool.submit(&HELD, (gate.clone(), "slow".into())).unwrap();
    let fast = pool.submit(&SLOW_ECHO, (0, "fast".into())).unwrap();
    let mut finished = as_completed([slow, fast], PATIENCE);
    assert_eq!(
        finished.next().unwrap().unwrap().result(None).unwrap(),
        "fast"
    );
    gate.set(1).unwrap();
    assert_eq!(
        finished.next().unwrap().unwrap().result(None).unwrap(),
        "slow"
    );
    assert!(finished.next().is_none());
}

fn a_panic_is_typed_and_the_worker_lives() {
    let pool = ProcessPoolExecutor::with_max_workers(1);
    let before = pool.submit(&PID, ()).unwrap().result(PATIENCE).unwrap();
    match pool
        .submit(&FAIL, "bad row 7".into())
        .unwrap()
        .result(PATIENCE)
    {
        Err(FutureError::Panicked(p)) => {
            assert_eq!(p.message(), "bad row 7");
            assert!(
                p.take_payload().is_none(),
                "only the message crosses processes"
            );
        }
        other => panic!("expected a panic, got {other:?}"),
    }
    let after = pool.submit(&PID, ()).unwrap().result(PATIENCE).unwrap();
    assert_eq!(before, after, "the same worker goes on");
}

fn a_killed_worker_fails_its_job_and_is_replaced() {
    let pool = ProcessPoolExecutor::with_max_workers(1);
    let slot = SharedValue::new(0u32).unwrap();
    let doomed = pool.submit(&REPORT_AND_HANG, slot.clone()).unwrap();
    eventually("the job reports its pid", || slot.get().unwrap() != 0);
    let victim = slot.get().unwrap();
    assert_eq!(pool.pids(), [victim]);
    kill9(victim);
    match doomed.result(PATIENCE) {
        Err(FutureError::WorkerDied { pid, status }) => {
            assert_eq!(pid, victim);
            assert!(status.contains("9"), "{status}");
        }
        other => panic!("expected WorkerDied, got {other:?}"),
    }
    // A new worker took its place and runs jobs.
    let next = pool.submit(&PID, ()).unwrap().result(PATIENCE).unwrap();
    assert_ne!(next, victim);
    assert_eq!(pool.pids(), [next]);
}

fn initializer_shares_a_value() {
    let counter = SharedValue::new(0i64).unwrap();
    let pool =
        ProcessPoolExecutor::with_initializer(Some(2), &INIT_COUNTER, counter.clone()).unwrap();
    let futures: Vec<_> = (0..40)
        .map(|_| pool.submit(&INCREMENT, ()).unwrap())
        .collect();
    let mut seen: Vec<i64> = futures
        .iter()
        .map(|f| f.result(PATIENCE).unwrap())
        .collect();
    seen.sort_unstable();
    // Every increment saw a distinct value: the lock held across processes.
    assert_eq!(seen, (1..=40).collect::<Vec<_>>());
    assert_eq!(counter.get().unwrap(), 40);
}

fn a_failing_initializer_breaks_the_pool() {
    let pool = ProcessPoolExecutor::with_initializer(Some(1), &BROKEN_INIT, ()).unwrap();
    let fut = pool.submit(&PID, ()).unwrap();
    match fut.result(PATIENCE) {
        Err(FutureError::BrokenPool(why)) => assert!(why.contains("cannot connect"), "{why}"),
        other => panic!("expected BrokenPool, got {other:?}"),
    }
    assert!(matches!(pool.submit(&PID, ()), Err(SubmitError::Broken(_))));
}

fn unregistered_functions_are_refused() {
    let pool = ProcessPoolExecutor::with_max_workers(1);
    match pool.submit(&NOT_LISTED, ()) {
        Err(SubmitError::NotRegistered(name)) => assert_eq!(name, "not_listed"),
        other => panic!("expected NotRegistered, got {other:?}"),
    }
}

fn shutdown_semantics() {
    let pool = ProcessPoolExecutor::with_max_workers(1);
    let gate = SharedValue::new(0u32).unwrap();
    let running = pool.submit(&HELD, (gate.clone(), "ran".into())).unwrap();
    eventually("the first job runs", || running.running());
    let queued: Vec<_> = (0..3)
        .map(|_| pool.submit(&SLOW_ECHO, (0, "queued".into())).unwrap())
        .collect();
    pool.shutdown(false, true);
    for q in &queued {
        assert!(q.cancelled());
    }
    assert!(matches!(pool.submit(&PID, ()), Err(SubmitError::Shutdown)));
    // The running job is not cancelled; shutdown(wait) waits for it.
    assert!(!running.cancel());
    gate.set(1).unwrap();
    pool.shutdown(true, false);
    assert_eq!(running.result(Duration::ZERO).unwrap(), "ran");
    assert!(pool.pids().is_empty(), "workers exited and were reaped");

    // Without cancel_futures, the queued jobs run before the workers leave.
    let pool = ProcessPoolExecutor::with_max_workers(1);
    let jobs: Vec<_> = (0..3)
        .map(|i| pool.submit(&SLOW_ECHO, (10, format!("{i}"))).unwrap())
        .collect();
    pool.shutdown(true, false);
    for (i, j) in jobs.iter().enumerate() {
        assert_eq!(j.result(Duration::ZERO).unwrap(), i.to_string());
    }
}

fn futures_await_under_tokio() {
    let pool = ProcessPoolExecutor::with_max_workers(2);
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let out = rt.block_on(async {
        let a = pool.submit(&SLOW_ECHO, (20, "a".into())).unwrap();
        let b = pool.submit(&SLOW_ECHO, (10, "b".into())).unwrap();
        (a.await.unwrap(), b.await.unwrap())
    });
    assert_eq!(out, ("a".to_owned(), "b".to_owned()));
}

fn futures_await_under_smol() {
    let pool = ProcessPoolExecutor::with_max_workers(2);
    let ex = async_executor::LocalExecutor::new();
    let out = futures_lite::future::block_on(ex.run(async {
        let jobs: Vec<_> = (0..10u64)
            .map(|i| pool.submit(&SLOW_ECHO, (i, i.to_string())).unwrap())
            .collect();
        let mut out = Vec::new();
        for j in jobs {
            out.push(j.await.unwrap());
        }
        out
    }));
    assert_eq!(out, (0..10).map(|i| i.to_string()).collect::<Vec<_>>());
}

fn max_tasks_per_child_replaces_workers() {
    let pool = ProcessPoolExecutor::with_max_workers(2).max_tasks_per_child(3);
    let pids: Vec<u32> = pool
        .map(&PID, std::iter::repeat_n((), 30), None)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut counts = std::collections::HashMap::new();
    for pid in &pids {
        *counts.entry(*pid).or_insert(0) += 1;
    }
    // Thirty jobs, three per worker at most: ten workers at least, none ran more.
    assert!(counts.values().all(|&n| n <= 3), "{counts:?}");
    assert!(counts.len() >= 10, "{counts:?}");
    assert!(pool.pids().len() <= 2);
    // The replaced workers were reaped.
    for pid in counts.keys() {
        if !pool.pids().contains(pid) {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"));
            assert!(stat.is_err(), "worker {pid} left behind: {stat:?}");
        }
    }
}
