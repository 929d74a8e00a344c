//! The shared timer thread used when no event loop's timer source is current.
//!
//! It makes `sleep` and `timeout` work under any executor (as async-io's timers do). It is
//! started on first use and then sleeps on a condition variable until the next deadline.

use std::sync::{Condvar, Mutex, OnceLock};
use std::task::Waker;
use std::time::Instant;

use crate::{TimerKey, TimerQueue};

struct Global {
    state: Mutex<State>,
    changed: Condvar,
}

struct State {
    queue: TimerQueue<Waker>,
    /// When the timer thread will next look at the queue by itself: an insert due earlier
    /// must wake it. `None` while it waits with no deadline at all.
    wake_at: Option<Instant>,
}

fn global() -> &'static Global {
    static GLOBAL: OnceLock<&'static Global> = OnceLock::new();
    GLOBAL.get_or_init(|| {
        let global: &'static Global = Box::leak(Box::new(Global {
            state: Mutex::new(State {
                queue: TimerQueue::new(),
                wake_at: None,
            }),
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
    let mut state = lock(global);
    loop {
        let now = Instant::now();
        // Awake: it looks at the queue again before it waits, so no insert needs to notify.
        state.wake_at = Some(now);
        while let Some((_, waker)) = state.queue.pop_expired(now) {
            due.push(waker);
        }
        if !due.is_empty() {
            drop(state);
            due.drain(..).for_each(Waker::wake);
            state = lock(global);
            continue;
        }
        state.wake_at = state.queue.next_wakeup(now);
        state = match state.wake_at {
            Some(at) => {
                let wait = at.saturating_duration_since(now);
                global
                    .changed
                    .wait_timeout(state, wait)
                    .unwrap_or_else(|e| e.into_inner())
                    .0
            }
            None => global
                .changed
                .wait(state)
                .unwrap_or_else(|e| e.into_inner()),
        };
    }
}

/// The queue holds only wakers, so a panic elsewhere cannot leave it inconsistent.
fn lock(global: &Global) -> std::sync::MutexGuard<'_, State> {
    global.state.lock().unwrap_or_else(|e| e.into_inner())
}

pub(crate) fn insert(deadline: Instant, waker: Waker) -> TimerKey {
    let global = global();
    let mut state = lock(global);
    let key = state.queue.insert(deadline, waker);
    let notify = state.wake_at.is_none_or(|at| deadline < at);
    drop(state);
    if notify {
        global.changed.notify_one();
    }
    key
}

pub(crate) fn update(key: TimerKey, waker: &Waker) -> bool {
    match lock(global()).queue.get_mut(key) {
        Some(old) => {
            old.clone_from(waker);
            true
        }
        None => false,
    }
}

pub(crate) fn remove(key: TimerKey) {
    let removed = lock(global()).queue.remove(key);
    // The waker is dropped outside the lock: its drop may run arbitrary code.
    drop(removed);
}
