//! Issue 6, defect 7, in the crate where it lived: a `Sleep` registered with a timer source
//! and dropped during the thread's teardown, after this crate's thread-local slot for the
//! current source is gone, must not panic (a panic in a thread-local destructor aborts).
//! One test per file: it spawns a thread and checks how it ended.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Waker};
use std::time::{Duration, Instant};

use corio_time::{Clock, Sleep, TimerKey, TimerQueue, TimerSource, sleep};

struct Source {
    id: u64,
    clock: Clock,
    queue: RefCell<TimerQueue<Waker>>,
}

impl TimerSource for Source {
    fn id(&self) -> u64 {
        self.id
    }
    fn now(&self) -> Instant {
        self.clock.now()
    }
    fn insert(&self, deadline: Instant, waker: Waker) -> TimerKey {
        self.queue.borrow_mut().insert(deadline, waker)
    }
    fn update(&self, key: TimerKey, _waker: &Waker) -> bool {
        self.queue.borrow_mut().get_mut(key).is_some()
    }
    fn remove(&self, key: TimerKey) {
        self.queue.borrow_mut().remove(key);
    }
}

/// Drops its sleep when the thread's locals are destroyed, and says it did.
struct Holder {
    sleep: Option<Sleep>,
    dropped: Arc<AtomicBool>,
}

impl Drop for Holder {
    fn drop(&mut self) {
        drop(self.sleep.take());
        self.dropped.store(true, Ordering::SeqCst);
    }
}

thread_local! {
    static HELD: RefCell<Option<Holder>> = const { RefCell::new(None) };
}

#[test]
fn a_sleep_dropped_during_thread_teardown_does_not_panic() {
    let dropped = Arc::new(AtomicBool::new(false));
    let flag = dropped.clone();
    let thread = std::thread::spawn(move || {
        // This slot is made first, so it is destroyed after corio-time's own slot
        // (thread-local destructors run in reverse order of creation).
        HELD.with(|h| {
            *h.borrow_mut() = Some(Holder {
                sleep: None,
                dropped: flag,
            })
        });
        let source = Rc::new(Source {
            id: corio_time::new_source_id(),
            clock: Clock::new_virtual(),
            queue: RefCell::new(TimerQueue::new()),
        });
        let guard = corio_time::enter(source);
        let mut s = sleep(Duration::from_secs(3600));
        let pending = Pin::new(&mut s)
            .poll(&mut Context::from_waker(Waker::noop()))
            .is_pending();
        assert!(pending, "registered with the source");
        drop(guard);
        HELD.with(|h| h.borrow_mut().as_mut().unwrap().sleep = Some(s));
    });
    thread.join().expect("the thread ended without a panic");
    assert!(
        dropped.load(Ordering::SeqCst),
        "the sleep was dropped at thread exit"
    );
}
