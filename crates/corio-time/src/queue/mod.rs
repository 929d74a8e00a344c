use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt;
use std::time::Instant;

use slab::Slab;

/// Identifies an entry of a [`TimerQueue`]; stale keys (fired or cancelled) are harmless.
///
/// # Examples
///
/// ```
/// let mut q = corio_time::TimerQueue::new();
/// let key = q.insert(std::time::Instant::now(), "x");
/// assert_eq!(q.remove(key), Some("x"));
/// assert_eq!(q.remove(key), None); // stale: nothing happens
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimerKey {
    index: u32,
    seq: u64,
}

/// A heap entry: ordered by deadline, then by insertion sequence (FIFO among ties).
///
/// `slot` points into the slab; the entry is dead when the slab slot's `seq` differs.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct HeapEntry {
    deadline: i64,
    seq: u64,
    slot: u32,
}

struct Slot<T> {
    seq: u64,
    deadline: i64,
    value: T,
}

/// A queue of deadlines, each carrying a value.
///
/// Insert is a heap push (O(1) on average when deadlines arrive in rough order, O(log n) at
/// worst), cancel ([`remove`](TimerQueue::remove)) is O(1): it frees the entry's slot and
/// leaves a dead heap entry behind, which [`pop_expired`](TimerQueue::pop_expired) skips; the
/// heap is compacted when dead entries outnumber live ones, so memory stays bounded when, as
/// usual, most timeouts are cancelled before they fire.
///
/// Entries come out in deadline order, and in insertion order among equal deadlines. An entry
/// never comes out before its deadline.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, Instant};
/// use corio_time::TimerQueue;
///
/// let now = Instant::now();
/// let mut q = TimerQueue::new();
/// q.insert(now + Duration::from_millis(20), "late");
/// q.insert(now + Duration::from_millis(10), "first tie");
/// q.insert(now + Duration::from_millis(10), "second tie");
/// let cancelled = q.insert(now, "cancelled");
/// q.remove(cancelled);
///
/// let later = now + Duration::from_secs(1);
/// let order: Vec<_> = std::iter::from_fn(|| q.pop_expired(later).map(|(_, v)| v)).collect();
/// assert_eq!(order, ["first tie", "second tie", "late"]);
/// ```
pub struct TimerQueue<T> {
    origin: Instant,
    heap: BinaryHeap<Reverse<HeapEntry>>,
    slots: Slab<Slot<T>>,
    next_seq: u64,
}

impl<T> Default for TimerQueue<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> TimerQueue<T> {
    /// An empty queue.
    ///
    /// # Examples
    ///
    /// ```
    /// let q: corio_time::TimerQueue<()> = corio_time::TimerQueue::new();
    /// assert!(q.is_empty());
    /// ```
    pub fn new() -> Self {
        TimerQueue {
            origin: Instant::now(),
            heap: BinaryHeap::new(),
            slots: Slab::new(),
            next_seq: 0,
        }
    }

    /// Nanoseconds from the queue's origin; negative for instants before it.
    fn ticks(&self, at: Instant) -> i64 {
        match at.checked_duration_since(self.origin) {
            Some(d) => d.as_nanos().min(i64::MAX as u128) as i64,
            None => -((self.origin - at).as_nanos().min(i64::MAX as u128) as i64),
        }
    }

    fn instant(&self, ticks: i64) -> Instant {
        if ticks >= 0 {
            self.origin + std::time::Duration::from_nanos(ticks as u64)
        } else {
            self.origin
                .checked_sub(std::time::Duration::from_nanos(ticks.unsigned_abs()))
                .unwrap_or(self.origin)
        }
    }

    /// Adds `value`, due at `deadline` (which may be in the past: it is then due at once).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut q = corio_time::TimerQueue::new();
    /// q.insert(std::time::Instant::now(), 1);
    /// assert_eq!(q.len(), 1);
    /// ```
    pub fn insert(&mut self, deadline: Instant, value: T) -> TimerKey {
        let deadline = self.ticks(deadline);
        let seq = self.next_seq;
        self.next_seq += 1;
        let slot = self.slots.insert(Slot {
            seq,
            deadline,
            value,
        }) as u32;
        self.heap.push(Reverse(HeapEntry {
            deadline,
            seq,
            slot,
        }));
        TimerKey { index: slot, seq }
    }

    /// Removes the entry of `key` and gives its value back, or `None` if it already fired or
    /// was removed.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut q = corio_time::TimerQueue::new();
    /// let k = q.insert(std::time::Instant::now(), 'a');
    /// assert_eq!(q.remove(k), Some('a'));
    /// assert!(q.is_empty());
    /// ```
    pub fn remove(&mut self, key: TimerKey) -> Option<T> {
        let index = key.index as usize;
        match self.slots.get(index) {
            Some(slot) if slot.seq == key.seq => {}
            _ => return None,
        }
        let value = self.slots.remove(index).value;
        self.maybe_compact();
        Some(value)
    }

    /// The value of a pending entry, to update it in place (a new waker, say).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut q = corio_time::TimerQueue::new();
    /// let k = q.insert(std::time::Instant::now(), 1);
    /// *q.get_mut(k).unwrap() += 1;
    /// assert_eq!(q.remove(k), Some(2));
    /// assert!(q.get_mut(k).is_none());
    /// ```
    pub fn get_mut(&mut self, key: TimerKey) -> Option<&mut T> {
        match self.slots.get_mut(key.index as usize) {
            Some(slot) if slot.seq == key.seq => Some(&mut slot.value),
            _ => None,
        }
    }

    /// The deadline of a pending entry.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut q = corio_time::TimerQueue::new();
    /// let at = std::time::Instant::now();
    /// let k = q.insert(at, ());
    /// assert_eq!(q.deadline(k), Some(at));
    /// ```
    pub fn deadline(&self, key: TimerKey) -> Option<Instant> {
        match self.slots.get(key.index as usize) {
            Some(slot) if slot.seq == key.seq => Some(self.instant(slot.deadline)),
            _ => None,
        }
    }

    /// How many entries are pending.
    ///
    /// # Examples
    ///
    /// ```
    /// let q: corio_time::TimerQueue<u8> = Default::default();
    /// assert_eq!(q.len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether no entry is pending.
    ///
    /// # Examples
    ///
    /// ```
    /// let q: corio_time::TimerQueue<u8> = Default::default();
    /// assert!(q.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Drops dead entries from the top of the heap, so that the top is live (or the heap empty).
    fn skip_dead(&mut self) {
        while let Some(Reverse(top)) = self.heap.peek() {
            match self.slots.get(top.slot as usize) {
                Some(slot) if slot.seq == top.seq => return,
                _ => {
                    self.heap.pop();
                }
            }
        }
    }

    /// Rebuilds the heap without dead entries once they outnumber the live ones.
    fn maybe_compact(&mut self) {
        let live = self.slots.len();
        if self.heap.len() > 64 && self.heap.len() > 2 * live + 32 {
            let slots = &self.slots;
            self.heap.retain(|Reverse(e)| {
                slots
                    .get(e.slot as usize)
                    .is_some_and(|slot| slot.seq == e.seq)
            });
        }
    }

    /// The earliest pending deadline.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// let mut q = corio_time::TimerQueue::new();
    /// let now = Instant::now();
    /// q.insert(now + Duration::from_secs(2), ());
    /// q.insert(now + Duration::from_secs(1), ());
    /// assert_eq!(q.next_deadline(), Some(now + Duration::from_secs(1)));
    /// ```
    pub fn next_deadline(&mut self) -> Option<Instant> {
        self.skip_dead();
        self.heap.peek().map(|Reverse(e)| self.instant(e.deadline))
    }

    /// Takes the earliest entry whose deadline is at or before `now`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// let mut q = corio_time::TimerQueue::new();
    /// let now = Instant::now();
    /// q.insert(now + Duration::from_secs(1), "later");
    /// assert!(q.pop_expired(now).is_none()); // never early
    /// assert_eq!(q.pop_expired(now + Duration::from_secs(1)).map(|(_, v)| v), Some("later"));
    /// ```
    pub fn pop_expired(&mut self, now: Instant) -> Option<(TimerKey, T)> {
        self.skip_dead();
        let Reverse(top) = *self.heap.peek()?;
        if top.deadline > self.ticks(now) {
            return None;
        }
        self.heap.pop();
        let slot = self.slots.remove(top.slot as usize);
        debug_assert_eq!(slot.deadline, top.deadline);
        Some((
            TimerKey {
                index: top.slot,
                seq: top.seq,
            },
            slot.value,
        ))
    }

    /// Removes every entry.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut q = corio_time::TimerQueue::new();
    /// q.insert(std::time::Instant::now(), ());
    /// q.clear();
    /// assert!(q.is_empty());
    /// ```
    pub fn clear(&mut self) {
        self.heap.clear();
        self.slots.clear();
    }
}

impl<T> fmt::Debug for TimerQueue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimerQueue")
            .field("pending", &self.slots.len())
            .field("heap", &self.heap.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn compaction_keeps_live_entries_in_order() {
        let now = Instant::now();
        let mut q = TimerQueue::new();
        let mut keep = Vec::new();
        for i in 0..10_000u64 {
            let k = q.insert(now + Duration::from_micros(i % 97), i);
            if i % 10 == 0 {
                keep.push((i % 97, i));
            } else {
                q.remove(k);
            }
        }
        assert!(q.heap.len() <= 2 * q.len() + 64 + 1);
        keep.sort();
        let got: Vec<_> = std::iter::from_fn(|| q.pop_expired(now + Duration::from_secs(1)))
            .map(|(_, v)| v)
            .collect();
        assert_eq!(got, keep.into_iter().map(|(_, v)| v).collect::<Vec<_>>());
    }

    #[test]
    fn past_deadlines_keep_their_order() {
        let now = Instant::now();
        let mut q = TimerQueue::new();
        q.insert(now - Duration::from_secs(1), "minus one");
        q.insert(now - Duration::from_secs(2), "minus two");
        assert_eq!(q.pop_expired(now).unwrap().1, "minus two");
        assert_eq!(q.pop_expired(now).unwrap().1, "minus one");
    }
}
