use std::cell::{Cell, RefCell};
use std::task::Waker;
use std::time::Instant;

use corio_executor::{Handle, LocalExecutor};
use corio_time::{Clock, TimerKey, TimerQueue, TimerSource};

/// What a loop timer does when due: wake a sleeping task, or queue a `call_later` callback.
///
/// Both kinds share one queue, so that sleeps and callbacks due at the same instant keep
/// the order they were scheduled in.
pub(crate) enum TimerEntry {
    Wake(Waker),
    Call(Handle),
}

/// The loop's clock and timer queue; the [`TimerSource`] of `corio_time::sleep` while the
/// loop runs.
pub(crate) struct LoopTimers {
    pub(crate) id: u64,
    pub(crate) clock: Clock,
    pub(crate) queue: RefCell<TimerQueue<TimerEntry>>,
    /// The `now` of the last finished [`fire_due`](LoopTimers::fire_due) pass.
    fired_until: Cell<Option<Instant>>,
}

/// How many due entries [`LoopTimers::fire_due`] takes out of the queue before it wakes
/// them: taking several in a row lets the CPU overlap their cache misses (a wake does
/// atomic operations, which would serialize them).
const FIRE_CHUNK: usize = 32;

impl LoopTimers {
    pub(crate) fn new(clock: Clock) -> LoopTimers {
        LoopTimers {
            id: corio_time::new_source_id(),
            clock,
            queue: RefCell::new(TimerQueue::new()),
            fired_until: Cell::new(None),
        }
    }

    /// The exact next deadline (what a virtual clock jumps to).
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.queue.borrow_mut().next_deadline()
    }

    /// When a real-time loop should look at its timers again: at or before the next
    /// deadline (see [`TimerQueue::next_wakeup`]).
    pub(crate) fn next_wakeup(&self, now: Instant) -> Option<Instant> {
        self.queue.borrow_mut().next_wakeup(now)
    }

    /// Moves every due entry to the ready queue, earliest first (FIFO among equal
    /// deadlines); returns how many.
    pub(crate) fn fire_due(&self, executor: &LocalExecutor) -> usize {
        if self.queue.borrow().is_empty() {
            return 0;
        }
        let now = self.clock.now();
        let mut fired = 0;
        let mut chunk: Vec<TimerEntry> = Vec::with_capacity(FIRE_CHUNK);
        loop {
            {
                let mut queue = self.queue.borrow_mut();
                while chunk.len() < FIRE_CHUNK {
                    match queue.pop_expired(now) {
                        Some((_, entry)) => chunk.push(entry),
                        None => break,
                    }
                }
            }
            // The queue is not borrowed while wakers run: they may schedule timers.
            let last = chunk.len() < FIRE_CHUNK;
            fired += chunk.len();
            for entry in chunk.drain(..) {
                match entry {
                    TimerEntry::Wake(waker) => waker.wake(),
                    TimerEntry::Call(handle) => executor.push_handle(&handle),
                }
            }
            if last {
                self.fired_until.set(Some(now));
                return fired;
            }
        }
    }
}

impl TimerSource for LoopTimers {
    fn id(&self) -> u64 {
        self.id
    }

    fn now(&self) -> Instant {
        self.clock.now()
    }

    fn insert(&self, deadline: Instant, waker: Waker) -> TimerKey {
        self.queue
            .borrow_mut()
            .insert(deadline, TimerEntry::Wake(waker))
    }

    fn update(&self, key: TimerKey, waker: &Waker) -> bool {
        match self.queue.borrow_mut().get_mut(key) {
            Some(TimerEntry::Wake(old)) => {
                if !old.will_wake(waker) {
                    old.clone_from(waker);
                }
                true
            }
            Some(TimerEntry::Call(_)) | None => false,
        }
    }

    fn remove(&self, key: TimerKey) {
        let removed = self.queue.borrow_mut().remove(key);
        drop(removed);
    }

    fn fired_until(&self) -> Option<Instant> {
        self.fired_until.get()
    }
}

impl LoopTimers {
    pub(crate) fn remove_key(&self, key: TimerKey) {
        TimerSource::remove(self, key);
    }

    pub(crate) fn clear(&self) {
        let entries = std::mem::take(&mut *self.queue.borrow_mut());
        drop(entries);
    }
}
