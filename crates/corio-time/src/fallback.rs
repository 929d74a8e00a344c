//! The shared timer thread used when no event loop's timer source is current.
//!
//! It makes `sleep` and `timeout` work under any executor (as async-io's timers do). It is
//! started on first use and then sleeps on a condition variable until the next deadline.

use std::sync::{Condvar, Mutex, OnceLock};
use std::task::Waker;
use std::time::Instant;

use crate::{TimerKey, TimerQueue};

struct Global {
    queue: Mutex<TimerQueue<Waker>>,
    changed: Condvar,
}

fn global() -> &'static Global {
    static GLOBAL: OnceLock<&'static Global> = OnceLock::new();
    GLOBAL.get_or_init(|| {
        let global: &'static Global = Box::leak(Box::new(Global {
            queue: Mutex::new(TimerQueue::new()),
            changed: Condvar::new(),
        }));
        std::thread::Builder::new()
            .name("corio-timer".into())
            .spawn(move || run(global))
            .expect("corio-time: could not start the timer thread");
        global
    })
}

fn run(global: &'static Global) -> ! {
    let mut due = Vec::new();
    let mut queue = lock(global);
    loop {
        let now = Instant::now();
        while let Some((_, waker)) = queue.pop_expired(now) {
            due.push(waker);
        }
        if !due.is_empty() {
            drop(queue);
            due.drain(..).for_each(Waker::wake);
            queue = lock(global);
            continue;
        }
        queue = match queue.next_deadline() {
            Some(at) => {
                let wait = at.saturating_duration_since(now);
                global
                    .changed
                    .wait_timeout(queue, wait)
                    .unwrap_or_else(|e| e.into_inner())
                    .0
            }
            None => global
                .changed
                .wait(queue)
                .unwrap_or_else(|e| e.into_inner()),
        };
    }
}

/// The queue holds only wakers, so a panic elsewhere cannot leave it inconsistent.
fn lock(global: &Global) -> std::sync::MutexGuard<'_, TimerQueue<Waker>> {
    global.queue.lock().unwrap_or_else(|e| e.into_inner())
}

pub(crate) fn insert(deadline: Instant, waker: Waker) -> TimerKey {
    let global = global();
    let mut queue = lock(global);
    let earliest = queue.next_deadline();
    let key = queue.insert(deadline, waker);
    drop(queue);
    if earliest.is_none_or(|e| deadline < e) {
        global.changed.notify_one();
    }
    key
}

pub(crate) fn update(key: TimerKey, waker: &Waker) -> bool {
    match lock(global()).get_mut(key) {
        Some(old) => {
            old.clone_from(waker);
            true
        }
        None => false,
    }
}

pub(crate) fn remove(key: TimerKey) {
    lock(global()).remove(key);
}
