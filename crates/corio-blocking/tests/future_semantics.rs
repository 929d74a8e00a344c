//! `ConcurrentFuture`: blocking waits with timeouts from other threads, cancellation,
//! done-callbacks, `.await`, and `as_completed` / `wait` over many.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use corio_blocking::{
    ConcurrentFuture, FutureError, ReturnWhen, ThreadPoolExecutor, as_completed, wait,
};

const PATIENCE: Duration = Duration::from_secs(30);

#[test]
fn result_times_out_then_succeeds() {
    let fut = ConcurrentFuture::<u32>::new();
    let start = Instant::now();
    assert!(matches!(
        fut.result(Duration::from_millis(50)),
        Err(FutureError::Timeout)
    ));
    assert!(start.elapsed() >= Duration::from_millis(50));
    assert!(matches!(
        fut.exception(Duration::from_millis(1)),
        Err(FutureError::Timeout)
    ));
    assert!(matches!(
        fut.result(Duration::ZERO),
        Err(FutureError::Timeout)
    ));
    // Still pending: a timeout changes nothing.
    assert!(!fut.done());
    let setter = fut.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(20));
        setter.set_result(9).unwrap();
    });
    assert_eq!(fut.result(PATIENCE).unwrap(), 9);
    assert_eq!(fut.result(None).unwrap(), 9);
    assert!(fut.exception(None).unwrap().is_none());
    t.join().unwrap();
}

#[test]
fn many_threads_block_on_one_future() {
    let fut = ConcurrentFuture::<String>::new();
    let waiters: Vec<_> = (0..8)
        .map(|_| {
            let f = fut.clone();
            std::thread::spawn(move || f.result(PATIENCE).unwrap())
        })
        .collect();
    std::thread::sleep(Duration::from_millis(10));
    fut.set_result("shared".into()).unwrap();
    for w in waiters {
        assert_eq!(w.join().unwrap(), "shared");
    }
}

#[test]
fn cancel_follows_python_rules() {
    let pending = ConcurrentFuture::<()>::new();
    assert!(pending.cancel());
    assert!(pending.cancel(), "cancelling a cancelled future says true");
    assert!(pending.cancelled() && pending.done());
    assert!(matches!(
        pending.exception(None),
        Err(FutureError::Cancelled)
    ));
    assert!(!pending.set_running_or_notify_cancel());
    assert!(pending.set_result(()).is_err());

    let running = ConcurrentFuture::<()>::new();
    assert!(running.set_running_or_notify_cancel());
    assert!(!running.cancel());
    assert!(running.running() && !running.done());
    running.set_result(()).unwrap();
    assert!(!running.cancel(), "a finished future cannot be cancelled");

    let failed = ConcurrentFuture::<()>::new();
    failed.set_exception("bad").unwrap();
    assert!(!failed.cancel());
    assert_eq!(failed.exception(None).unwrap().unwrap().to_string(), "bad");
}

#[test]
fn done_callbacks_run_once_in_order_even_when_one_panics() {
    let fut = ConcurrentFuture::<u8>::new();
    let (tx, rx) = mpsc::channel();
    for n in 0..3 {
        let tx = tx.clone();
        fut.add_done_callback(move |f| {
            tx.send((n, f.result(None).unwrap())).unwrap();
            assert_ne!(n, 1, "a raising callback");
        });
    }
    let removed = fut.add_done_callback(|_| unreachable!("removed"));
    assert!(fut.remove_done_callback(removed));
    let setter = fut.clone();
    std::thread::spawn(move || setter.set_result(4).unwrap())
        .join()
        .unwrap();
    assert_eq!(rx.try_iter().collect::<Vec<_>>(), [(0, 4), (1, 4), (2, 4)]);
    // Added after completion: runs at once on this thread.
    let tx2 = tx.clone();
    fut.add_done_callback(move |_| tx2.send((9, 9)).unwrap());
    assert_eq!(rx.try_recv().unwrap(), (9, 9));
    // Cancellation runs callbacks too.
    let cancelled = ConcurrentFuture::<u8>::new();
    cancelled.add_done_callback(move |f| tx.send((u8::from(f.cancelled()), 0)).unwrap());
    cancelled.cancel();
    assert_eq!(rx.try_recv().unwrap(), (1, 0));
}

#[test]
fn awaiting_from_async_code() {
    let fut = ConcurrentFuture::<Vec<u8>>::new();
    let setter = fut.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(10));
        setter.set_result(vec![1, 2, 3]).unwrap();
    });
    let (a, b) = futures_lite::future::block_on(futures_lite::future::zip(fut.clone(), fut));
    assert_eq!(a.unwrap(), [1, 2, 3]);
    assert_eq!(b.unwrap(), [1, 2, 3]);
}

#[test]
fn a_dropped_awaiter_leaves_the_future_intact() {
    let fut = ConcurrentFuture::<u8>::new();
    let mut polled = Box::pin(fut.clone());
    assert!(futures_lite::future::block_on(futures_lite::future::poll_once(&mut polled)).is_none());
    drop(polled);
    fut.set_result(1).unwrap();
    assert_eq!(futures_lite::future::block_on(fut).unwrap(), 1);
}

#[test]
fn as_completed_yields_in_completion_order() {
    let pool = ThreadPoolExecutor::with_max_workers(4);
    let already = ConcurrentFuture::new();
    already.set_result(0u64).unwrap();
    let (go_slow_tx, go_slow_rx) = mpsc::channel::<()>();
    let mut futures = vec![
        pool.submit(move || {
            go_slow_rx.recv().unwrap();
            200u64
        })
        .unwrap(),
    ];
    futures.push(already);
    let (go_tx, go_rx) = mpsc::channel::<()>();
    futures.push(
        pool.submit(move || {
            go_rx.recv().unwrap();
            1
        })
        .unwrap(),
    );
    let mut it = as_completed(futures, None);
    // The finished one first, at once.
    assert_eq!(it.next().unwrap().unwrap().result(None).unwrap(), 0);
    go_tx.send(()).unwrap();
    assert_eq!(it.next().unwrap().unwrap().result(None).unwrap(), 1);
    go_slow_tx.send(()).unwrap();
    assert_eq!(it.next().unwrap().unwrap().result(None).unwrap(), 200);
    assert!(it.next().is_none());
}

#[test]
fn as_completed_timeout_is_yielded_once() {
    let never = ConcurrentFuture::<u8>::new();
    let done = ConcurrentFuture::new();
    done.set_result(1).unwrap();
    let mut it = as_completed([never.clone(), done], Duration::from_millis(30));
    assert_eq!(it.next().unwrap().unwrap().result(None).unwrap(), 1);
    assert!(matches!(it.next(), Some(Err(FutureError::Timeout))));
    assert!(it.next().is_none());
    drop(it);
    // Its callbacks were removed: completing the future later is harmless.
    never.set_result(2).unwrap();
}

#[test]
fn wait_first_completed_first_exception_all() {
    let a = ConcurrentFuture::<u8>::new();
    let b = ConcurrentFuture::<u8>::new();
    let c = ConcurrentFuture::<u8>::new();
    let sets = wait(
        vec![a.clone(), b.clone(), c.clone()],
        Duration::from_millis(10),
        ReturnWhen::AllCompleted,
    );
    assert_eq!((sets.done.len(), sets.not_done.len()), (0, 3));

    b.set_result(1).unwrap();
    let sets = wait(
        vec![a.clone(), b.clone(), c.clone()],
        PATIENCE,
        ReturnWhen::FirstCompleted,
    );
    assert_eq!(sets.done.len(), 1);
    assert!(sets.done[0].same_as(&b));

    // A success does not stop FIRST_EXCEPTION; a failure does.
    let setter = c.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(20));
        setter.set_exception("c failed").unwrap();
    });
    let sets = wait(
        vec![a.clone(), b.clone(), c.clone()],
        PATIENCE,
        ReturnWhen::FirstException,
    );
    assert_eq!(sets.done.len(), 2);
    assert!(sets.not_done[0].same_as(&a));

    a.cancel();
    let sets = wait(vec![a, b, c], PATIENCE, ReturnWhen::AllCompleted);
    assert_eq!(sets.done.len(), 3);
}
