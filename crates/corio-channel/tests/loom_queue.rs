//! loom models of the queues' wakeup logic: every interleaving (up to the
//! preemption bound) of puts, gets, `task_done`/`join`, shutdown and
//! cancellation ends with every waiter woken and no item lost.
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p corio-channel --release --test 'loom_*'`

#![cfg(loom)]

mod loom_support;

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Waker};

use corio_channel::queue::ShutDown;
use corio_channel::{LifoQueue, PriorityQueue, Queue};
use loom::thread;
use loom_support::block_on;

#[test]
fn blocked_put_and_get_wake_each_other() {
    loom::model(|| {
        let q = Queue::new(1);
        let producer = {
            let q = q.clone();
            thread::spawn(move || {
                block_on(q.put(1)).unwrap();
                block_on(q.put(2)).unwrap();
            })
        };
        assert_eq!(block_on(q.get()), Ok(1));
        assert_eq!(block_on(q.get()), Ok(2));
        producer.join().unwrap();
    });
}

#[test]
fn locked_disciplines_wake_too() {
    loom::model(|| {
        let pq = PriorityQueue::new(1);
        let lq = LifoQueue::new(1);
        let producer = {
            let (pq, lq) = (pq.clone(), lq.clone());
            thread::spawn(move || {
                block_on(pq.put(1)).unwrap();
                block_on(lq.put(2)).unwrap();
            })
        };
        assert_eq!(block_on(pq.get()), Ok(1));
        assert_eq!(block_on(lq.get()), Ok(2));
        producer.join().unwrap();
    });
}

#[test]
fn join_wakes_after_task_done() {
    loom::model(|| {
        let q = Queue::new(0);
        q.put_nowait(1).unwrap();
        let worker = {
            let q = q.clone();
            thread::spawn(move || {
                assert_eq!(block_on(q.get()), Ok(1));
                q.task_done().unwrap();
            })
        };
        block_on(q.join());
        assert_eq!(q.unfinished_tasks(), 0);
        worker.join().unwrap();
    });
}

#[test]
fn shutdown_wakes_blocked_getter() {
    loom::model(|| {
        let q = Queue::<u8>::new(0);
        let getter = {
            let q = q.clone();
            thread::spawn(move || block_on(q.get()))
        };
        q.shutdown(false);
        assert_eq!(getter.join().unwrap(), Err(ShutDown));
    });
}

#[test]
fn shutdown_fails_blocked_putter() {
    loom::model(|| {
        let q = Queue::new(1);
        q.put_nowait(0u8).unwrap();
        let putter = {
            let q = q.clone();
            thread::spawn(move || block_on(q.put(1)).map_err(|e| e.into_inner()))
        };
        q.shutdown(false);
        assert_eq!(putter.join().unwrap(), Err(1));
        assert_eq!(q.get_nowait(), Ok(0));
    });
}

#[test]
fn immediate_shutdown_releases_join() {
    loom::model(|| {
        let q = Queue::new(0);
        q.put_nowait(1u8).unwrap();
        q.put_nowait(2u8).unwrap();
        let worker = {
            let q = q.clone();
            thread::spawn(move || {
                // Takes one item or none, depending on the interleaving.
                if q.get_nowait().is_ok() {
                    q.task_done().unwrap();
                }
            })
        };
        let removed = q.shutdown(true);
        block_on(q.join());
        worker.join().unwrap();
        assert!(removed.len() == 1 || removed.len() == 2);
        assert_eq!(q.unfinished_tasks(), 0);
    });
}

/// A getter woken by a put and then dropped (cancelled) before taking the
/// item passes the wakeup on: the other getter gets the item.
#[test]
fn cancelled_woken_getter_passes_the_item_on() {
    loom::model(|| {
        let q = Queue::new(0);
        let mut first = Box::pin(q.get());
        // Registers `first` as the oldest waiter.
        let polled = first.as_mut().poll(&mut Context::from_waker(Waker::noop()));
        assert!(polled.is_pending());

        let second = {
            let q = q.clone();
            thread::spawn(move || block_on(q.get()))
        };
        let putter = {
            let q = q.clone();
            thread::spawn(move || q.put_nowait(7u8).unwrap())
        };
        drop(first);
        putter.join().unwrap();
        assert_eq!(second.join().unwrap(), Ok(7));
    });
}

/// Two getters, two puts from two threads: both getters are served.
#[test]
fn two_getters_two_putters() {
    loom::model(|| {
        let q = Queue::new(0);
        let getter = {
            let q = q.clone();
            thread::spawn(move || block_on(q.get()).unwrap())
        };
        let putter = {
            let q = q.clone();
            thread::spawn(move || q.put_nowait(1u8).unwrap())
        };
        q.put_nowait(2).unwrap();
        let mine = block_on(async {
            let get = pin!(q.get());
            get.await.unwrap()
        });
        let theirs = getter.join().unwrap();
        putter.join().unwrap();
        assert_eq!(mine + theirs, 3);
    });
}

/// Runs of puts and gets on a full / empty queue: every notify after the
/// first of a run finds the blocked side already notified and is skipped
/// (the `Signal` count is zero), and still nobody is left asleep.
#[test]
fn skipped_notifies_never_strand_a_waiter() {
    loom::model(|| {
        let q = Queue::new(1);
        let producer = {
            let q = q.clone();
            thread::spawn(move || {
                for i in 0..3u8 {
                    block_on(q.put(i)).unwrap();
                }
            })
        };
        for i in 0..3u8 {
            assert_eq!(block_on(q.get()), Ok(i));
        }
        producer.join().unwrap();
    });
}

/// A putter notified (room freed) and then cancelled before it used the
/// notification passes it on to the next blocked putter, and the count of
/// unnotified waiters stays right for the notifies after it.
#[test]
fn cancelled_notified_putter_passes_it_on() {
    loom::model(|| {
        let q = Queue::new(1);
        q.put_nowait(0u8).unwrap();
        let mut first = Box::pin(q.put(1));
        let polled = first.as_mut().poll(&mut Context::from_waker(Waker::noop()));
        assert!(polled.is_pending());
        let second = {
            let q = q.clone();
            thread::spawn(move || block_on(q.put(2)).unwrap())
        };
        let getter = {
            let q = q.clone();
            thread::spawn(move || block_on(q.get()).unwrap())
        };
        drop(first);
        assert_eq!(getter.join().unwrap(), 0);
        second.join().unwrap();
        assert_eq!(q.get_nowait(), Ok(2));
    });
}
