//! `Process` (multiprocessing.Process), `SharedValue` and `SharedArray` (multiprocessing.Value
//! and Array), `pipe` and `Queue` (multiprocessing.Pipe and Queue) with real child processes.

mod support;

use std::time::Duration;

use corio_blocking::SubmitError;
use corio_blocking::process::{
    self, Connection, PipeError, Process, ProcessError, ProcessFn, ProcessPoolExecutor, Queue,
    QueueError, SharedArray, SharedArrayError, SharedValue, pipe,
};
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

fn big_result(len: usize) -> Vec<u8> {
    vec![7; len]
}
static BIG_RESULT: ProcessFn<usize, Vec<u8>> = ProcessFn::new("big_result", big_result);

/// Sets `mark` to 1, then sleeps ten minutes.
fn mark_and_nap(mark: SharedValue<u32>) {
    mark.set(1).unwrap();
    std::thread::sleep(Duration::from_secs(600));
}
static MARK_AND_NAP: ProcessFn<SharedValue<u32>, ()> = ProcessFn::new("mark_and_nap", mark_and_nap);

/// A grandchild's slot for its pid, its mark, and whether it is daemonic.
type GrandchildArgs = (SharedValue<u32>, SharedValue<u32>, bool);

/// Starts a grandchild (`MARK_AND_NAP`, daemonic or not), writes its pid, and returns
/// without joining it.
fn start_grandchild(args: GrandchildArgs) {
    let (slot, mark, daemon) = args;
    let mut p = Process::new(&MARK_AND_NAP, mark).unwrap();
    p.set_daemon(daemon).unwrap();
    p.start().unwrap();
    slot.set(p.pid().unwrap()).unwrap();
    std::mem::forget(p);
}
static START_GRANDCHILD: ProcessFn<GrandchildArgs, ()> =
    ProcessFn::new("start_grandchild", start_grandchild);

/// Starts a program with the default (inherited) standard streams, writes its pid, returns.
// The test kills it; its parent (this worker) has exited by then, so init reaps it.
#[allow(clippy::zombie_processes)]
fn start_sleep(slot: SharedValue<u32>) {
    let child = std::process::Command::new("sleep")
        .arg("600")
        .spawn()
        .unwrap();
    slot.set(child.id()).unwrap();
}
static START_SLEEP: ProcessFn<SharedValue<u32>, ()> = ProcessFn::new("start_sleep", start_sleep);

/// Echoes what comes on `conn`, doubled, until the other end closes.
fn echo(mut conn: Connection<Vec<u32>>) {
    loop {
        match conn.recv() {
            Ok(v) => conn.send(&v.iter().map(|x| x * 2).collect()).unwrap(),
            Err(PipeError::Eof) => break,
            Err(e) => panic!("{e}"),
        }
    }
}
static ECHO: ProcessFn<Connection<Vec<u32>>, ()> = ProcessFn::new("echo", echo);

/// Sends `n` numbers on a write-only end, then exits.
fn count_to(args: (Connection<u64>, u64)) {
    let (mut conn, n) = args;
    for i in 1..=n {
        conn.send(&i).unwrap();
    }
    assert!(matches!(conn.recv(), Err(PipeError::NotReadable)));
}
static COUNT_TO: ProcessFn<(Connection<u64>, u64), ()> = ProcessFn::new("count_to", count_to);

/// A producer's arguments: the queue, its id, how many small items.
type ProduceArgs = (Queue<(u32, Vec<u32>)>, u32, u32);

/// Puts `count` items `(id, i)` and one large item.
fn produce(args: ProduceArgs) {
    let (q, id, count) = args;
    for i in 0..count {
        q.put(&(id, vec![i])).unwrap();
    }
    // Larger than a packet: travels in a memory file.
    q.put(&(id, (0..100_000).collect())).unwrap();
}
static PRODUCE: ProcessFn<ProduceArgs, ()> = ProcessFn::new("produce", produce);

/// A consumer's arguments: the work queue and the queue it reports on.
type ConsumeArgs = (Queue<Option<u64>>, Queue<(u64, u64)>);

/// Gets items until `None`, then reports how many it took and their sum.
fn consume(args: ConsumeArgs) {
    let (work, report) = args;
    let (mut n, mut sum) = (0, 0);
    while let Some(x) = work.get().unwrap() {
        n += 1;
        sum += x;
    }
    report.put(&(n, sum)).unwrap();
}
static CONSUME: ProcessFn<ConsumeArgs, ()> = ProcessFn::new("consume", consume);

/// Adds 1 to every element, `times` times, each pass under the lock.
fn bump_all(args: (SharedArray<i64>, u32)) {
    let (array, times) = args;
    for _ in 0..times {
        let guard = array.get_lock().unwrap();
        for i in 0..guard.len() {
            guard.set(i, guard.get(i).unwrap() + 1).unwrap();
        }
    }
}
static BUMP_ALL: ProcessFn<(SharedArray<i64>, u32), ()> = ProcessFn::new("bump_all", bump_all);

fn main() {
    process::init(&[
        &BUMP_ALL,
        &PRODUCE,
        &CONSUME,
        &ECHO,
        &COUNT_TO,
        &ADD_MANY,
        &WRITE_PID,
        &BOOM,
        &NAP,
        &HOLD,
        &BIG_RESULT,
        &START_GRANDCHILD,
        &MARK_AND_NAP,
        &START_SLEEP,
    ]);
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
        ("terminate_and_join_timeout", terminate_and_join_timeout),
        (
            "is_alive_reaps_an_exited_child",
            is_alive_reaps_an_exited_child,
        ),
        ("close_lifecycle", close_lifecycle),
        ("names_and_daemon_flag", names_and_daemon_flag),
        (
            "a_daemon_ends_with_its_parent",
            a_daemon_ends_with_its_parent,
        ),
        (
            "join_does_not_wait_for_grandchildren",
            join_does_not_wait_for_grandchildren,
        ),
        (
            "a_large_result_does_not_block_the_exit",
            a_large_result_does_not_block_the_exit,
        ),
        ("a_duplex_pipe_to_a_child", a_duplex_pipe_to_a_child),
        ("a_one_way_pipe_from_a_child", a_one_way_pipe_from_a_child),
        ("a_pipe_cannot_go_to_a_pool", a_pipe_cannot_go_to_a_pool),
        (
            "a_queue_with_several_producers",
            a_queue_with_several_producers,
        ),
        (
            "a_queue_with_several_consumers",
            a_queue_with_several_consumers,
        ),
        ("a_queue_in_one_process", a_queue_in_one_process),
        (
            "closing_a_full_queue_does_not_wait_for_the_feeder",
            closing_a_full_queue_does_not_wait_for_the_feeder,
        ),
        (
            "a_shared_array_under_contention",
            a_shared_array_under_contention,
        ),
        (
            "a_shared_array_too_long_for_a_file_is_an_error",
            a_shared_array_too_long_for_a_file_is_an_error,
        ),
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

fn terminate_and_join_timeout() {
    let mut p = Process::new(&NAP, 600_000).unwrap();
    assert!(matches!(p.terminate(), Err(ProcessError::NotStarted)));
    p.start().unwrap();
    assert_eq!(p.join_timeout(Duration::from_millis(20)).unwrap(), None);
    assert!(p.is_alive());
    assert_eq!(p.exitcode(), None);
    p.terminate().unwrap();
    let status = p.join_timeout(support::PATIENCE).unwrap();
    assert!(status.is_some(), "a terminated child ends");
    assert_eq!(
        p.exitcode(),
        Some(-15),
        "ended by SIGTERM, as Python says it"
    );
    // Reaped: its pid may be someone else's now, so nothing is sent; no error either (as
    // Python's terminate on an ended process).
    p.terminate().unwrap();
    p.kill().unwrap();
    assert_eq!(p.exitcode(), Some(-15));
}

fn is_alive_reaps_an_exited_child() {
    let mut p = Process::new(&BOOM, ()).unwrap();
    p.start().unwrap();
    let pid = p.pid().unwrap();
    support::eventually("the child ends", || !p.is_alive());
    // No join: is_alive reaped it, as Python's does.
    assert_eq!(p.exitcode(), Some(1));
    assert_eq!(state_of(pid), None, "reaped, no zombie left");
    assert_eq!(p.join().unwrap().code(), Some(1));
}

fn close_lifecycle() {
    let mut never = Process::new(&NAP, 0).unwrap();
    never.close().unwrap();
    assert!(matches!(never.start(), Err(ProcessError::Closed)));

    let mut p = Process::new(&NAP, 600_000).unwrap();
    p.start().unwrap();
    let pid = p.pid();
    assert!(matches!(p.close(), Err(ProcessError::StillRunning)));
    assert!(p.is_alive(), "a refused close changes nothing");
    p.kill().unwrap();
    p.join().unwrap();
    p.close().unwrap();
    p.close().unwrap();
    assert_eq!(p.pid(), pid);
    assert_eq!(p.exitcode(), Some(-9));
    assert!(matches!(p.join(), Err(ProcessError::Closed)));
    assert!(matches!(p.terminate(), Err(ProcessError::Closed)));
    assert!(matches!(p.set_daemon(true), Err(ProcessError::Closed)));
    assert!(!p.is_alive());
}

fn names_and_daemon_flag() {
    let number = |p: &Process| -> usize {
        p.name()
            .strip_prefix("Process-")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("default name: {}", p.name()))
    };
    let mut a = Process::new(&NAP, 0).unwrap();
    let b = Process::new(&NAP, 0).unwrap();
    assert!(number(&b) > number(&a), "numbered in creation order");
    a.set_name("reader");
    assert_eq!(a.name(), "reader");
    assert!(format!("{a:?}").contains("reader"));
    assert!(!a.daemon());
    a.set_daemon(true).unwrap();
    assert!(a.daemon());
    a.start().unwrap();
    assert!(matches!(
        a.set_daemon(false),
        Err(ProcessError::AlreadyStarted)
    ));
    a.join().unwrap();
    assert_eq!(
        a.exitcode(),
        Some(0),
        "a daemon runs to its end as any process"
    );
}

fn a_daemon_ends_with_its_parent() {
    let slot = SharedValue::new(0u32).unwrap();
    let mark = SharedValue::new(0u32).unwrap();
    // A child that starts a daemonic grandchild and exits.
    let mut middle = Process::new(&START_GRANDCHILD, (slot.clone(), mark.clone(), true)).unwrap();
    middle.start().unwrap();
    middle.join().unwrap();
    assert_eq!(middle.exitcode(), Some(0));
    let daemon = slot.get().unwrap();
    assert_ne!(daemon, 0);
    // Its parent gone, the daemon is sent SIGTERM. It was reparented: it is gone, or a zombie
    // if no process reaps orphans here.
    support::eventually("the daemon ends with its parent", || {
        matches!(state_of(daemon), None | Some('Z'))
    });

    // A child that is not daemonic runs on.
    slot.set(0).unwrap();
    let mark = SharedValue::new(0u32).unwrap();
    let mut middle = Process::new(&START_GRANDCHILD, (slot.clone(), mark.clone(), false)).unwrap();
    middle.start().unwrap();
    middle.join().unwrap();
    let orphan = slot.get().unwrap();
    // It runs its function even though its parent is gone (it does not mistake itself for
    // a parent and run `main`, nor give up because it cannot answer).
    support::eventually("the orphan runs its function", || mark.get().unwrap() == 1);
    std::thread::sleep(Duration::from_millis(200));
    let state = state_of(orphan);
    support::kill9(orphan);
    assert!(
        matches!(state, Some(s) if s != 'Z'),
        "a non-daemonic child outlives its parent: {state:?}"
    );
}

fn join_does_not_wait_for_grandchildren() {
    // The child starts `sleep 600` with inherited standard streams and exits: the sleep
    // must not keep the child's socket open (join would wait ten minutes).
    let slot = SharedValue::new(0u32).unwrap();
    let mut p = Process::new(&START_SLEEP, slot.clone()).unwrap();
    p.start().unwrap();
    let status = p.join_timeout(support::PATIENCE).unwrap();
    let sleeper = slot.get().unwrap();
    support::kill9(sleeper);
    assert!(status.is_some_and(|s| s.success()), "{status:?}");
}

fn a_large_result_does_not_block_the_exit() {
    // Nobody reads the child's socket while it runs: a result larger than the socket's
    // buffer must not keep it from exiting (Python drops the target's result).
    let mut p = Process::new(&BIG_RESULT, 8 << 20).unwrap();
    p.start().unwrap();
    support::eventually("the child exits", || !p.is_alive());
    assert_eq!(p.exitcode(), Some(0));
}

fn a_duplex_pipe_to_a_child() {
    let (mut ours, theirs) = pipe::<Vec<u32>>(true).unwrap();
    let mut child = Process::new(&ECHO, theirs).unwrap();
    child.start().unwrap();
    ours.send(&vec![1, 2, 3]).unwrap();
    assert_eq!(ours.recv().unwrap(), [2, 4, 6]);
    // Larger than the socket's buffer, both ways.
    let big: Vec<u32> = (0..500_000).collect();
    ours.send(&big).unwrap();
    let back = ours.recv().unwrap();
    assert_eq!(back.len(), big.len());
    assert!(back.iter().zip(&big).all(|(b, x)| *b == x * 2));
    assert!(!ours.poll(Some(Duration::ZERO)).unwrap(), "nothing more");
    // Our end closed: the child's recv ends with Eof and it exits 0.
    drop(ours);
    child.join().unwrap();
    assert_eq!(child.exitcode(), Some(0));
}

fn a_one_way_pipe_from_a_child() {
    let (mut reader, writer) = pipe::<u64>(false).unwrap();
    assert!(matches!(reader.send(&1), Err(PipeError::NotWritable)));
    let mut child = Process::new(&COUNT_TO, (writer, 1000)).unwrap();
    child.start().unwrap();
    let mut got = Vec::new();
    loop {
        match reader.recv() {
            Ok(n) => got.push(n),
            // The child exited: the only writer left is gone.
            Err(PipeError::Eof) => break,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(got, (1..=1000).collect::<Vec<u64>>());
    child.join().unwrap();
    assert_eq!(child.exitcode(), Some(0), "the child's own checks passed");
    assert!(reader.poll(None).unwrap(), "end of stream reads as ready");
}

fn a_pipe_cannot_go_to_a_pool() {
    let (_ours, theirs) = pipe::<Vec<u32>>(true).unwrap();
    let pool = ProcessPoolExecutor::with_max_workers(1);
    let err = pool.submit(&ECHO, theirs).unwrap_err();
    assert!(matches!(err, SubmitError::Serialize(_)), "{err:?}");
    assert!(err.to_string().contains("Process"), "{err}");
}

fn a_queue_with_several_producers() {
    let q = Queue::new().unwrap();
    let mut children: Vec<Process> = (0..3)
        .map(|id| Process::new(&PRODUCE, (q.clone(), id, 200)).unwrap())
        .collect();
    for c in &mut children {
        c.start().unwrap();
    }
    let mut seen = [Vec::new(), Vec::new(), Vec::new()];
    let mut large = 0;
    for _ in 0..3 * 201 {
        let (id, item) = q.get_timeout(support::PATIENCE).unwrap();
        if item.len() == 100_000 {
            assert!(item.iter().copied().eq(0..100_000));
            large += 1;
        } else {
            seen[id as usize].push(item[0]);
        }
    }
    assert_eq!(large, 3);
    for s in &seen {
        // Each producer's items come whole, once, in its order.
        assert_eq!(*s, (0..200).collect::<Vec<u32>>());
    }
    assert!(matches!(q.get_nowait(), Err(QueueError::Empty)));
    for c in &mut children {
        c.join().unwrap();
        assert_eq!(c.exitcode(), Some(0));
    }
}

fn a_queue_with_several_consumers() {
    let work = Queue::new().unwrap();
    let report = Queue::new().unwrap();
    let mut children: Vec<Process> = (0..3)
        .map(|_| Process::new(&CONSUME, (work.clone(), report.clone())).unwrap())
        .collect();
    for c in &mut children {
        c.start().unwrap();
    }
    for x in 1..=300u64 {
        work.put(&Some(x)).unwrap();
    }
    for _ in &children {
        work.put(&None).unwrap();
    }
    let (mut n, mut sum) = (0, 0);
    for _ in &children {
        let (cn, csum) = report.get_timeout(support::PATIENCE).unwrap();
        n += cn;
        sum += csum;
    }
    // Every item was taken exactly once.
    assert_eq!((n, sum), (300, 300 * 301 / 2));
    for c in &mut children {
        c.join().unwrap();
        assert_eq!(c.exitcode(), Some(0));
    }
}

fn a_queue_in_one_process() {
    // More than the socket holds, put before anything is got: put never blocks (a feeder
    // thread holds what does not fit yet), as Python's.
    let q = Queue::<u64>::new().unwrap();
    for i in 0..5000 {
        q.put(&i).unwrap();
    }
    for i in 0..5000 {
        assert_eq!(q.get().unwrap(), i);
    }
    assert!(q.empty());
    q.close();
    assert!(matches!(q.put(&1), Err(QueueError::Closed)));
    let pool = ProcessPoolExecutor::with_max_workers(1);
    let err = pool
        .submit(&PRODUCE, (Queue::new().unwrap(), 0, 1))
        .unwrap_err();
    assert!(matches!(err, SubmitError::Serialize(_)), "{err:?}");
}

fn closing_a_full_queue_does_not_wait_for_the_feeder() {
    // More than the socket holds, then close() on the thread that will get them: Python's
    // close() does not wait for the feeder, and waiting here would never end (the feeder
    // waits for room only this thread makes).
    let q = Queue::<Vec<u8>>::new().unwrap();
    for i in 0..2000u32 {
        q.put(&vec![(i % 251) as u8; 1000]).unwrap();
    }
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let closer = q.clone();
    std::thread::spawn(move || {
        closer.close();
        let _ = done_tx.send(());
    });
    done_rx
        .recv_timeout(support::PATIENCE)
        .expect("close() waited for a feeder that cannot finish");
    assert!(matches!(q.put(&vec![1]), Err(QueueError::Closed)));
    for i in 0..2000u32 {
        assert_eq!(q.get().unwrap(), vec![(i % 251) as u8; 1000]);
    }
    // Now the feeder can finish: join_thread waits for it.
    q.join_thread().unwrap();
    assert!(q.empty());
}

fn a_shared_array_too_long_for_a_file_is_an_error() {
    // A typed error, not a capacity-overflow panic (or an abort) building the zeros.
    for len in [usize::MAX, usize::MAX / 8 + 1] {
        let err = SharedArray::<i64>::zeroed(len).unwrap_err();
        assert!(matches!(err, SharedArrayError::File(_)), "{err:?}");
    }
    let a = SharedArray::<f64>::zeroed(3).unwrap();
    assert_eq!(a.to_vec().unwrap(), [0.0; 3]);
    assert_eq!(SharedArray::<f64>::open(a.path()).unwrap().len(), 3);
}

fn a_shared_array_under_contention() {
    let array = SharedArray::<i64>::zeroed(10).unwrap();
    let mut children: Vec<Process> = (0..3)
        .map(|_| Process::new(&BUMP_ALL, (array.clone(), 100)).unwrap())
        .collect();
    for c in &mut children {
        c.start().unwrap();
    }
    // And from a pool's worker, and from this process.
    let pool = ProcessPoolExecutor::with_max_workers(1);
    let job = pool.submit(&BUMP_ALL, (array.clone(), 100)).unwrap();
    bump_all((array.clone(), 100));
    job.result(None).unwrap();
    for c in &mut children {
        c.join().unwrap();
        assert_eq!(c.exitcode(), Some(0));
    }
    // Five writers, a hundred passes each: no update lost, none torn across elements.
    assert_eq!(array.to_vec().unwrap(), [500; 10]);
    assert!(matches!(
        array.set(10, 1),
        Err(SharedArrayError::OutOfRange { index: 10, len: 10 })
    ));
    let path = array.path().to_owned();
    drop(array);
    assert!(!path.exists(), "the creator's last handle removes the file");
}
