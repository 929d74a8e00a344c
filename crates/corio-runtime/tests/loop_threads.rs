//! Waking a loop from other threads.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use corio_runtime::{EventLoop, sleep};

#[test]
fn call_soon_threadsafe_wakes_a_blocked_loop() {
    let lp = EventLoop::new().unwrap();
    let handle = lp.handle();
    let (tx, rx) = mpsc::channel();
    let start = Instant::now();
    let worker = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(30));
        handle
            .call_soon_threadsafe(move || tx.send(std::thread::current().id()).unwrap())
            .unwrap();
        handle.stop().unwrap();
    });
    // A timer far away bounds the test if the wakeup were lost.
    let stopper = lp.clone();
    lp.call_later(10.0, move || stopper.stop()).unwrap();
    lp.run_forever().unwrap();
    worker.join().unwrap();
    assert_eq!(rx.try_recv().unwrap(), std::thread::current().id());
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "woken, not timed out"
    );
}

#[test]
fn many_threads_schedule_without_loss() {
    let lp = EventLoop::new().unwrap();
    let (tx, rx) = mpsc::channel::<u32>();
    let workers: Vec<_> = (0..4)
        .map(|t| {
            let h = lp.handle();
            let tx = tx.clone();
            std::thread::spawn(move || {
                for i in 0..1000 {
                    let tx = tx.clone();
                    h.call_soon_threadsafe(move || tx.send(t * 1000 + i).unwrap())
                        .unwrap();
                }
            })
        })
        .collect();
    drop(tx);
    lp.run_until_complete(async move {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut got = 0;
        while got < 4000 && Instant::now() < deadline {
            while rx.try_recv().is_ok() {
                got += 1;
            }
            sleep(Duration::from_millis(1)).await;
        }
        assert_eq!(got, 4000);
    })
    .unwrap();
    for w in workers {
        w.join().unwrap();
    }
}

#[test]
fn a_threadsafe_handle_can_be_cancelled() {
    let lp = EventLoop::new().unwrap();
    let h = lp
        .call_soon_threadsafe(|| -> () { panic!("cancelled") })
        .unwrap();
    h.cancel();
    assert!(h.cancelled());
    lp.run_until_complete(sleep(Duration::ZERO)).unwrap();
}
