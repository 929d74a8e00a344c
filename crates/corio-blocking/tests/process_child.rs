//! `Process` (multiprocessing.Process) and `SharedValue` (multiprocessing.Value) with real
//! child processes.

mod support;

use std::time::Duration;

use corio_blocking::process::{self, Process, ProcessError, ProcessFn, SharedValue};
use support::run;

fn add_many(args: (SharedValue<i32>, u32)) {
    let (value, times) = args;
    for _ in 0..times {
        let _guard = value.get_lock().unwrap();
        // Reentrant: get and set take the lock again on this thread.
        value.set(value.get().unwrap() + 1).unwrap();
    }
}
static ADD_MANY: ProcessFn<(SharedValue<i32>, u32), ()> = ProcessFn::new("add_many", add_many);

fn write_pid(value: SharedValue<u32>) {
    value.set(std::process::id()).unwrap();
}
static WRITE_PID: ProcessFn<SharedValue<u32>, ()> = ProcessFn::new("write_pid", write_pid);

fn boom(_: ()) {
    panic!("target raised");
}
static BOOM: ProcessFn<(), ()> = ProcessFn::new("boom", boom);

fn nap(ms: u64) {
    std::thread::sleep(Duration::from_millis(ms));
}
static NAP: ProcessFn<u64, ()> = ProcessFn::new("nap", nap);

fn main() {
    process::init(&[&ADD_MANY, &WRITE_PID, &BOOM, &NAP, &HOLD]);
    run(&[
        ("a_child_is_another_process", a_child_is_another_process),
        ("exit_codes", exit_codes),
        ("lifecycle_errors", lifecycle_errors),
        (
            "shared_value_under_contention",
            shared_value_under_contention,
        ),
        (
            "a_dead_holder_releases_the_lock",
            a_dead_holder_releases_the_lock,
        ),
        ("value_types", value_types),
        ("a_dropped_process_is_reaped", a_dropped_process_is_reaped),
    ]);
}

fn a_child_is_another_process() {
    let slot = SharedValue::new(0u32).unwrap();
    let mut child = Process::new(&WRITE_PID, slot.clone()).unwrap();
    assert_eq!(child.pid(), None);
    child.start().unwrap();
    let pid = child.pid().unwrap();
    assert_ne!(pid, std::process::id());
    child.join().unwrap();
    assert_eq!(child.exitcode(), Some(0));
    assert_eq!(slot.get().unwrap(), pid, "the child wrote its own pid");
}

fn exit_codes() {
    let mut failing = Process::new(&BOOM, ()).unwrap();
    failing.start().unwrap();
    failing.join().unwrap();
    assert_eq!(
        failing.exitcode(),
        Some(1),
        "a panicking target exits 1, as in Python"
    );

    let mut sleeper = Process::new(&NAP, 600_000).unwrap();
    sleeper.start().unwrap();
    assert!(sleeper.is_alive());
    sleeper.kill().unwrap();
    sleeper.join().unwrap();
    assert_eq!(sleeper.exitcode(), Some(-9));
    assert!(!sleeper.is_alive());
}

fn lifecycle_errors() {
    let mut p = Process::new(&NAP, 0).unwrap();
    assert!(matches!(p.join(), Err(ProcessError::NotStarted)));
    p.start().unwrap();
    assert!(matches!(p.start(), Err(ProcessError::AlreadyStarted)));
    p.join().unwrap();
    // Joining again answers the same.
    assert!(p.join().unwrap().success());
}

fn shared_value_under_contention() {
    let value = SharedValue::new(0i32).unwrap();
    let mut children: Vec<Process> = (0..4)
        .map(|_| Process::new(&ADD_MANY, (value.clone(), 250)).unwrap())
        .collect();
    for c in &mut children {
        c.start().unwrap();
    }
    // This process joins in from two threads too.
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| add_many((value.clone(), 250)));
        }
    });
    for c in &mut children {
        c.join().unwrap();
        assert_eq!(c.exitcode(), Some(0));
    }
    assert_eq!(value.get().unwrap(), 1500, "no increment was lost");
}

fn a_dead_holder_releases_the_lock() {
    // A child takes the lock, then is killed while holding it.
    let value = SharedValue::new(0u32).unwrap();
    let held = SharedValue::new(0u32).unwrap();
    let mut child = Process::new(&HOLD, (value.clone(), held.clone())).unwrap();
    child.start().unwrap();
    support::eventually("the child holds the lock", || held.get().unwrap() == 1);
    child.kill().unwrap();
    child.join().unwrap();
    // The kernel released its flock: we get the lock at once.
    assert_eq!(value.get().unwrap(), 7);
}

fn hold(args: (SharedValue<u32>, SharedValue<u32>)) {
    let (value, held) = args;
    let _guard = value.get_lock().unwrap();
    value.set(7).unwrap();
    held.set(1).unwrap();
    std::thread::sleep(Duration::from_secs(600));
}
static HOLD: ProcessFn<(SharedValue<u32>, SharedValue<u32>), ()> = ProcessFn::new("hold", hold);

fn value_types() {
    let d = SharedValue::new(0.0f64).unwrap();
    d.set(d.get().unwrap() + 1.0).unwrap();
    assert_eq!(format!("{:?}", d.get().unwrap()), "1.0");
    let i = SharedValue::new(-5i64).unwrap();
    assert_eq!(i.get().unwrap(), -5);
    let b = SharedValue::new(true).unwrap();
    assert!(b.get().unwrap());
    let path = i.path().to_owned();
    assert!(path.exists());
    drop(i);
    assert!(!path.exists(), "the creator's last handle removes the file");
}

/// Whether `pid` is a zombie (exited, not yet waited for) or gone.
fn state_of(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) S ...": the state follows the last ')'.
    stat.rsplit(')').next()?.trim_start().chars().next()
}

fn a_dropped_process_is_reaped() {
    let mut p = Process::new(&NAP, 10).unwrap();
    p.start().unwrap();
    let pid = p.pid().unwrap();
    drop(p); // never joined
    // It runs to its end and is waited for in the background: it does not stay a zombie.
    support::eventually("the child is reaped", || state_of(pid).is_none());
}
