//! asyncio's queue rules, one test per rule, on all three queue kinds.

mod common;

use std::task::Poll;

use common::Probe;
use corio_channel::queue::{GetNowaitError, PutNowaitError, ShutDown, TaskDoneError};
use corio_channel::{LifoQueue, PriorityQueue, Queue};
use futures_lite::future::block_on;

#[test]
fn fifo_order() {
    let q = Queue::new(0);
    for i in 0..100 {
        q.put_nowait(i).unwrap();
    }
    let got: Vec<_> = (0..100).map(|_| q.get_nowait().unwrap()).collect();
    assert_eq!(got, (0..100).collect::<Vec<_>>());
}

#[test]
fn lifo_order() {
    let q = LifoQueue::new(0);
    for i in 0..100 {
        q.put_nowait(i).unwrap();
    }
    let got: Vec<_> = (0..100).map(|_| q.get_nowait().unwrap()).collect();
    assert_eq!(got, (0..100).rev().collect::<Vec<_>>());
}

/// A work item ordered by priority only, like the seed's
/// `@dataclass(order=True)` with `field(compare=False)`.
#[derive(Debug, PartialEq)]
struct Work {
    priority: u32,
    name: &'static str,
}
impl Eq for Work {}
impl PartialOrd for Work {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Work {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.priority.cmp(&other.priority)
    }
}

#[test]
fn priority_smallest_first_and_insertion_order_among_equals() {
    let q = PriorityQueue::new(0);
    let items = [
        (3, "low-a"),
        (1, "high-a"),
        (2, "mid-a"),
        (3, "low-b"),
        (1, "high-b"),
        (3, "low-c"),
        (2, "mid-b"),
        (1, "high-c"),
    ];
    for (priority, name) in items {
        q.put_nowait(Work { priority, name }).unwrap();
    }
    let got: Vec<_> = (0..items.len())
        .map(|_| q.get_nowait().unwrap().name)
        .collect();
    assert_eq!(
        got,
        [
            "high-a", "high-b", "high-c", "mid-a", "mid-b", "low-a", "low-b", "low-c"
        ]
    );
}

#[test]
fn priority_ties_keep_insertion_order_at_scale() {
    // The second field records insertion order but takes no part in the
    // comparison, so the heap alone cannot order equal items.
    let q2 = PriorityQueue::new(0);
    for i in 0..1000u32 {
        q2.put_nowait(TieBreak(i % 3, i)).unwrap();
    }
    let mut last: Option<TieBreak> = None;
    let mut count = 0;
    while let Ok(item) = q2.get_nowait() {
        count += 1;
        if let Some(prev) = last {
            assert!(
                prev.0 < item.0 || (prev.0 == item.0 && prev.1 < item.1),
                "{prev:?} before {item:?}"
            );
        }
        last = Some(item);
    }
    assert_eq!(count, 1000);
}

/// Compares by the first field only; the second records insertion order.
#[derive(Debug, Clone, Copy)]
struct TieBreak(u32, u32);
impl PartialEq for TieBreak {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl Eq for TieBreak {}
impl PartialOrd for TieBreak {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for TieBreak {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.cmp(&other.0)
    }
}

macro_rules! for_each_kind {
    ($test:ident, $body:ident) => {
        mod $test {
            #[test]
            fn fifo() {
                super::$body(|n| corio_channel::Queue::new(n));
            }
            #[test]
            fn lifo() {
                super::$body(|n| corio_channel::LifoQueue::new(n));
            }
            #[test]
            fn priority() {
                super::$body(|n| corio_channel::PriorityQueue::new(n));
            }
        }
    };
}

/// What every queue kind offers, so one test body covers all three.
trait AnyQueue: Clone {
    fn put(&self, v: u32) -> impl std::future::Future<Output = Result<(), u32>>;
    fn put_nowait(&self, v: u32) -> Result<(), PutNowaitError<u32>>;
    fn get(&self) -> impl std::future::Future<Output = Result<u32, ShutDown>>;
    fn get_nowait(&self) -> Result<u32, GetNowaitError>;
    fn task_done(&self) -> Result<(), TaskDoneError>;
    fn join(&self) -> impl std::future::Future<Output = ()>;
    fn shutdown(&self, immediate: bool) -> Vec<u32>;
    fn qsize(&self) -> usize;
    fn full(&self) -> bool;
    fn empty(&self) -> bool;
    fn maxsize(&self) -> usize;
    fn unfinished_tasks(&self) -> usize;
}

macro_rules! impl_any_queue {
    ($Q:ty) => {
        impl AnyQueue for $Q {
            fn put(&self, v: u32) -> impl std::future::Future<Output = Result<(), u32>> {
                let f = <$Q>::put(self, v);
                async move { f.await.map_err(|e| e.into_inner()) }
            }
            fn put_nowait(&self, v: u32) -> Result<(), PutNowaitError<u32>> {
                <$Q>::put_nowait(self, v)
            }
            fn get(&self) -> impl std::future::Future<Output = Result<u32, ShutDown>> {
                <$Q>::get(self)
            }
            fn get_nowait(&self) -> Result<u32, GetNowaitError> {
                <$Q>::get_nowait(self)
            }
            fn task_done(&self) -> Result<(), TaskDoneError> {
                <$Q>::task_done(self)
            }
            fn join(&self) -> impl std::future::Future<Output = ()> {
                <$Q>::join(self)
            }
            fn shutdown(&self, immediate: bool) -> Vec<u32> {
                <$Q>::shutdown(self, immediate)
            }
            fn qsize(&self) -> usize {
                <$Q>::qsize(self)
            }
            fn full(&self) -> bool {
                <$Q>::full(self)
            }
            fn empty(&self) -> bool {
                <$Q>::empty(self)
            }
            fn maxsize(&self) -> usize {
                <$Q>::maxsize(self)
            }
            fn unfinished_tasks(&self) -> usize {
                <$Q>::unfinished_tasks(self)
            }
        }
    };
}
impl_any_queue!(Queue<u32>);
impl_any_queue!(LifoQueue<u32>);
impl_any_queue!(PriorityQueue<u32>);

fn maxsize_full_and_nowait_errors<Q: AnyQueue>(new: impl Fn(usize) -> Q) {
    let q = new(2);
    assert_eq!(q.maxsize(), 2);
    assert!(q.empty() && !q.full());
    assert_eq!(q.get_nowait(), Err(GetNowaitError::Empty));
    q.put_nowait(1).unwrap();
    q.put_nowait(2).unwrap();
    assert!(q.full());
    assert_eq!(q.qsize(), 2);
    let err = q.put_nowait(3).unwrap_err();
    assert!(err.is_full());
    assert_eq!(err.to_string(), "queue is full");
    assert_eq!(err.into_inner(), 3);
    // A failed put does not count as unfinished.
    assert_eq!(q.unfinished_tasks(), 2);

    let unbounded = new(0);
    for i in 0..10_000 {
        unbounded.put_nowait(i).unwrap();
    }
    assert!(!unbounded.full());
    assert_eq!(unbounded.maxsize(), 0);
}
for_each_kind!(maxsize_full, maxsize_full_and_nowait_errors);

fn task_done_and_join<Q: AnyQueue>(new: impl Fn(usize) -> Q) {
    let q = new(0);
    // Nothing unfinished: join returns at once, task_done fails.
    let mut join = Probe::new(q.join());
    assert_eq!(join.poll(), Poll::Ready(()));
    let err = q.task_done().unwrap_err();
    assert_eq!(err.to_string(), "task_done() called too many times");

    q.put_nowait(1).unwrap();
    q.put_nowait(2).unwrap();
    let mut join = Probe::new(q.join());
    assert!(join.poll().is_pending());
    q.get_nowait().unwrap();
    q.get_nowait().unwrap();
    q.task_done().unwrap();
    assert!(!join.woken(), "one of two items still unfinished");
    assert!(join.poll().is_pending());
    q.task_done().unwrap();
    assert!(join.woken());
    assert_eq!(join.poll(), Poll::Ready(()));
    assert_eq!(q.task_done(), Err(TaskDoneError));
}
for_each_kind!(task_done_join, task_done_and_join);

fn put_waits_while_full<Q: AnyQueue>(new: impl Fn(usize) -> Q) {
    let q = new(1);
    q.put_nowait(1).unwrap();
    let mut put = Probe::new(q.put(2));
    assert!(put.poll().is_pending());
    assert_eq!(q.get_nowait(), Ok(1));
    assert!(put.woken());
    assert_eq!(put.poll(), Poll::Ready(Ok(())));
    assert_eq!(q.get_nowait(), Ok(2));
}
for_each_kind!(put_waits, put_waits_while_full);

fn getters_woken_first_come_first_served<Q: AnyQueue>(new: impl Fn(usize) -> Q) {
    let q = new(0);
    let mut getters: Vec<_> = (0..4).map(|_| Probe::new(q.get())).collect();
    for g in &mut getters {
        assert!(g.poll().is_pending());
    }
    q.put_nowait(10).unwrap();
    assert_eq!(
        getters.iter().map(Probe::woken).collect::<Vec<_>>(),
        [true, false, false, false]
    );
    q.put_nowait(11).unwrap();
    assert_eq!(
        getters.iter().map(Probe::woken).collect::<Vec<_>>(),
        [true, true, false, false]
    );
    assert!(getters[0].poll().is_ready());
    assert!(getters[1].poll().is_ready());
    assert!(getters[2].poll().is_pending());
}
for_each_kind!(getters_fifo, getters_woken_first_come_first_served);

/// The rule the issue calls out: drop a get after it was woken, and the item
/// goes to the next getter.
fn cancelled_get_loses_no_item<Q: AnyQueue>(new: impl Fn(usize) -> Q) {
    let q = new(0);
    let mut first = Probe::new(q.get());
    let mut second = Probe::new(q.get());
    assert!(first.poll().is_pending());
    assert!(second.poll().is_pending());

    q.put_nowait(7).unwrap();
    assert!(first.woken());
    assert!(!second.woken());

    drop(first); // cancelled after being woken, before taking the item
    assert!(second.woken(), "the wakeup passed on to the next getter");
    assert_eq!(second.poll(), Poll::Ready(Ok(7)));
    assert!(q.empty());
}
for_each_kind!(cancelled_get, cancelled_get_loses_no_item);

/// The same for putters: a woken putter that is cancelled passes the free
/// slot to the next putter.
fn cancelled_put_passes_the_slot_on<Q: AnyQueue>(new: impl Fn(usize) -> Q) {
    let q = new(1);
    q.put_nowait(0).unwrap();
    let mut first = Probe::new(q.put(1));
    let mut second = Probe::new(q.put(2));
    assert!(first.poll().is_pending());
    assert!(second.poll().is_pending());
    assert_eq!(q.get_nowait(), Ok(0));
    assert!(first.woken() && !second.woken());
    drop(first);
    assert!(second.woken());
    assert_eq!(second.poll(), Poll::Ready(Ok(())));
    assert_eq!(q.get_nowait(), Ok(2));
    // The cancelled put never counted: only 0 and 2 are unfinished.
    assert_eq!(q.unfinished_tasks(), 2);
}
for_each_kind!(cancelled_put, cancelled_put_passes_the_slot_on);

/// A get dropped before any put never counted as a waiter for an item.
fn dropped_unwoken_getter_is_skipped<Q: AnyQueue>(new: impl Fn(usize) -> Q) {
    let q = new(0);
    let mut first = Probe::new(q.get());
    let mut second = Probe::new(q.get());
    assert!(first.poll().is_pending());
    assert!(second.poll().is_pending());
    drop(first);
    q.put_nowait(5).unwrap();
    assert!(second.woken());
    assert_eq!(second.poll(), Poll::Ready(Ok(5)));
}
for_each_kind!(skip_cancelled, dropped_unwoken_getter_is_skipped);

fn shutdown_not_immediate<Q: AnyQueue>(new: impl Fn(usize) -> Q) {
    let q = new(1);
    q.put_nowait(1).unwrap();
    let mut blocked_put = Probe::new(q.put(2));
    assert!(blocked_put.poll().is_pending());

    assert!(q.shutdown(false).is_empty());
    // A blocked put fails at once, giving its item back.
    assert!(blocked_put.woken());
    assert_eq!(blocked_put.poll(), Poll::Ready(Err(2)));
    // Later puts fail.
    let err = q.put_nowait(3).unwrap_err();
    assert!(err.is_shut_down());
    assert_eq!(err.to_string(), "queue is shut down");
    assert_eq!(block_on(q.put(4)), Err(4));
    // Gets drain what is left, then fail.
    assert_eq!(block_on(q.get()), Ok(1));
    assert_eq!(block_on(q.get()), Err(ShutDown));
    assert_eq!(q.get_nowait(), Err(GetNowaitError::ShutDown));
    // join still waits for the taken item.
    let mut join = Probe::new(q.join());
    assert!(join.poll().is_pending());
    q.task_done().unwrap();
    assert_eq!(join.poll(), Poll::Ready(()));
}
for_each_kind!(shutdown_graceful, shutdown_not_immediate);

fn shutdown_wakes_blocked_getters<Q: AnyQueue>(new: impl Fn(usize) -> Q) {
    let q = new(0);
    let mut getters: Vec<_> = (0..3).map(|_| Probe::new(q.get())).collect();
    for g in &mut getters {
        assert!(g.poll().is_pending());
    }
    q.shutdown(false);
    for g in &mut getters {
        assert!(g.woken());
        assert_eq!(g.poll(), Poll::Ready(Err(ShutDown)));
    }
}
for_each_kind!(shutdown_getters, shutdown_wakes_blocked_getters);

fn shutdown_immediate<Q: AnyQueue>(new: impl Fn(usize) -> Q) {
    let q = new(0);
    for i in 0..5 {
        q.put_nowait(i).unwrap();
    }
    // Two items taken and not yet done.
    q.get_nowait().unwrap();
    q.get_nowait().unwrap();
    let mut join = Probe::new(q.join());
    assert!(join.poll().is_pending());

    let mut removed = q.shutdown(true);
    removed.sort_unstable();
    assert_eq!(removed.len(), 3, "the three queued items are handed back");
    assert!(q.empty());
    assert_eq!(q.unfinished_tasks(), 2, "removed items count as done");
    assert_eq!(q.get_nowait(), Err(GetNowaitError::ShutDown));
    assert!(join.poll().is_pending());
    q.task_done().unwrap();
    q.task_done().unwrap();
    assert!(join.woken());
    assert_eq!(join.poll(), Poll::Ready(()));
    assert_eq!(q.task_done(), Err(TaskDoneError));
    // Shutting down again is harmless.
    assert!(q.shutdown(true).is_empty());
}
for_each_kind!(shutdown_now, shutdown_immediate);

fn shutdown_immediate_releases_join<Q: AnyQueue>(new: impl Fn(usize) -> Q) {
    let q = new(0);
    q.put_nowait(1).unwrap();
    let mut join = Probe::new(q.join());
    assert!(join.poll().is_pending());
    assert_eq!(q.shutdown(true), [1]);
    assert!(join.woken());
    assert_eq!(join.poll(), Poll::Ready(()));
}
for_each_kind!(shutdown_join, shutdown_immediate_releases_join);

fn clones_share_one_queue<Q: AnyQueue>(new: impl Fn(usize) -> Q) {
    let q = new(0);
    let q2 = q.clone();
    q.put_nowait(9).unwrap();
    assert_eq!(q2.get_nowait(), Ok(9));
    q2.task_done().unwrap();
    assert_eq!(q.unfinished_tasks(), 0);
}
for_each_kind!(clones, clones_share_one_queue);

#[test]
fn producer_consumer_like_the_seed() {
    // s0-22: a bounded queue, consumers stopping on a sentinel, the producer
    // joining.
    let q: Queue<Option<u32>> = Queue::new(2);
    let consumers = 2;
    let consumer = |q: Queue<Option<u32>>| async move {
        let mut seen = Vec::new();
        while let Some(item) = q.get().await.unwrap() {
            seen.push(item);
            q.task_done().unwrap();
        }
        q.task_done().unwrap();
        seen
    };
    let producer = {
        let q = q.clone();
        async move {
            for i in 0..(consumers * 3) {
                q.put(Some(i)).await.unwrap();
            }
            for _ in 0..consumers {
                q.put(None).await.unwrap();
            }
            q.join().await;
        }
    };
    let ((a, b), ()) = block_on(futures_lite::future::zip(
        futures_lite::future::zip(consumer(q.clone()), consumer(q.clone())),
        producer,
    ));
    let mut all: Vec<_> = a.into_iter().chain(b).collect();
    all.sort_unstable();
    assert_eq!(all, (0..6).collect::<Vec<_>>());
    assert_eq!(q.unfinished_tasks(), 0);
}

#[test]
fn debug_does_not_need_debug_items() {
    struct Opaque;
    let q = Queue::new(3);
    q.put_nowait(Opaque).unwrap();
    let text = format!("{q:?}");
    assert!(text.contains("qsize: 1"), "{text}");
    assert!(text.contains("maxsize: 3"), "{text}");
    q.shutdown(false);
    let err = q.put_nowait(Opaque).unwrap_err();
    assert_eq!(format!("{err:?}"), "ShutDown(..)");
}

#[test]
fn errors_convert_to_boxed_errors_without_debug_items() {
    // Ports use `?` into `Box<dyn Error>`: that must work for items that are
    // not `Debug`.
    struct Opaque;
    fn run(q: &Queue<Opaque>) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        q.put_nowait(Opaque)?;
        q.put_nowait(Opaque)?;
        Ok(())
    }
    let q = Queue::new(1);
    let err = run(&q).unwrap_err();
    assert_eq!(err.to_string(), "queue is full");
    q.shutdown(true);
    let err = block_on(q.put(Opaque)).map_err(Box::<dyn std::error::Error>::from);
    assert_eq!(err.unwrap_err().to_string(), "queue is shut down");
}

#[test]
fn join_owns_its_queue_so_it_can_outlive_the_borrow() {
    fn spawnable<F: std::future::Future + Send + 'static>(f: F) -> F {
        f
    }
    let q = corio_channel::Queue::new(0);
    q.put_nowait(1).unwrap();
    let join = spawnable(q.join());
    let worker = {
        let q = q.clone();
        async move {
            q.get().await.unwrap();
            q.task_done().unwrap();
        }
    };
    drop(q); // the join keeps the queue alive
    futures_lite::future::block_on(futures_lite::future::zip(join, worker));
}
