use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, Instant};

use slab::Slab;

mod wheel;

use wheel::{Entry, Wheel};

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

struct Slot<T> {
    seq: u64,
    /// Nanoseconds from the queue's origin for an entry in the wheel, else [`FAR`] or
    /// [`NEVER`].
    deadline: i64,
    value: T,
}

/// [`Slot::deadline`] of an entry in [`TimerQueue::far`]: due too far from the origin for
/// the wheel's `i64` nanoseconds (about 292 years; a virtual clock gets there).
const FAR: i64 = i64::MAX;
/// [`Slot::deadline`] of an entry due at or after [`far_future`](crate::far_future): it is
/// held (and can be removed) but never comes out.
const NEVER: i64 = i64::MIN;

/// Where an entry goes, by its deadline.
enum Place {
    /// In the wheel, at these ticks: strictly between [`NEVER`] and [`FAR`].
    Wheel(i64),
    Far,
    Never,
}

/// A queue of deadlines, each carrying a value.
///
/// It is a hierarchical timing wheel (as tokio's) that keeps exact deadlines: insert is O(1),
/// cancel ([`remove`](TimerQueue::remove)) is O(1): it frees the entry's slot and leaves a
/// dead wheel entry behind, which is skipped when its turn comes; the wheel is swept when dead
/// entries outnumber live ones, so memory stays bounded when, as usual, most timeouts are
/// cancelled before they fire. Taking the due entries out costs O(1) amortized each, plus a
/// sort of the few entries that share a 65 µs bucket.
///
/// Entries come out in deadline order, and in insertion order among equal deadlines. An entry
/// never comes out before its deadline. Deadlines are exact across the whole range of
/// `Instant`: those more than about 292 years from the queue's creation (which a virtual
/// clock reaches) are kept in an ordered map instead of the wheel, and an entry due at
/// [`far_future`](crate::far_future) never comes out.
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
    wheel: Wheel,
    slots: Slab<Slot<T>>,
    next_seq: u64,
    /// Entries due past the wheel's range, by (deadline, sequence) to slab slot. Removed
    /// entries stay until they reach the front or a sweep (as dead wheel entries do).
    ///
    /// Invariant: every live entry here is due after every entry of the wheel, since the
    /// wheel holds only deadlines less than `i64::MAX` ns from the origin.
    far: BTreeMap<(Instant, u64), u32>,
    /// Live entries of `far`.
    far_live: usize,
    /// [`ticks`](Self::ticks) of [`far_future`](crate::far_future), read once: an entry at
    /// fewer ticks goes to the wheel without a look at `far_future` (whose `OnceLock` would
    /// cost an atomic load on every insert).
    never_ticks: i64,
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
        let mut q = TimerQueue {
            origin: Instant::now(),
            wheel: Wheel::new(),
            slots: Slab::new(),
            next_seq: 0,
            far: BTreeMap::new(),
            far_live: 0,
            never_ticks: FAR,
        };
        q.never_ticks = q.ticks(crate::far_future());
        q
    }

    /// Nanoseconds from the queue's origin, negative for instants before it, within
    /// `-(i64::MAX) ..= i64::MAX`: a "now" past the wheel's range is after all of it.
    fn ticks(&self, at: Instant) -> i64 {
        match at.checked_duration_since(self.origin) {
            Some(d) => d.as_nanos().min(i64::MAX as u128) as i64,
            // Far in the past is due at once either way.
            None => -((self.origin - at).as_nanos().min(i64::MAX as u128) as i64),
        }
    }

    /// Where an entry due at `at` is kept.
    fn place(&self, at: Instant) -> Place {
        let ticks = self.ticks(at);
        if ticks < self.never_ticks {
            // `never_ticks <= FAR`: a wheel deadline, before the far end of time.
            Place::Wheel(ticks)
        } else if ticks < FAR {
            // Exact ticks at or past those of `far_future`, which is then within the
            // wheel's range (no platform known to us, but nothing rules it out).
            Place::Never
        } else if crate::far::is_never(at) {
            Place::Never
        } else {
            Place::Far
        }
    }

    fn instant(&self, ticks: i64) -> Instant {
        if ticks >= 0 {
            self.origin + Duration::from_nanos(ticks as u64)
        } else {
            self.origin
                .checked_sub(Duration::from_nanos(ticks.unsigned_abs()))
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
        let place = self.place(deadline);
        let seq = self.next_seq;
        self.next_seq += 1;
        let ticks = match place {
            Place::Wheel(ticks) => ticks,
            Place::Far => FAR,
            Place::Never => NEVER,
        };
        let slot = self.slots.insert(Slot {
            seq,
            deadline: ticks,
            value,
        }) as u32;
        match place {
            Place::Wheel(deadline) => self.wheel.insert(Entry {
                deadline,
                seq,
                slot,
            }),
            Place::Far => {
                self.far.insert((deadline, seq), slot);
                self.far_live += 1;
            }
            Place::Never => {}
        }
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
    #[inline]
    pub fn remove(&mut self, key: TimerKey) -> Option<T> {
        let index = key.index as usize;
        // The deadline is read in place: moving the whole slot out and reading its fields
        // back from the copy stalled on store forwarding.
        let deadline = match self.slots.get(index) {
            Some(slot) if slot.seq == key.seq => slot.deadline,
            _ => return None,
        };
        let value = self.slots.remove(index).value;
        match deadline {
            FAR => self.far_live -= 1,
            NEVER => {}
            // A timeout cancelled before any later timer was set (the usual life of one)
            // is still the last entry of its bucket: take it out now rather than leave a
            // dead entry for a sweep.
            _ => self.wheel.remove_if_last(key.seq),
        }
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
            Some(slot) if slot.seq == key.seq => Some(match slot.deadline {
                NEVER => crate::far_future(),
                // Rare (see `far`): a scan rather than a second index.
                FAR => self
                    .far
                    .keys()
                    .find(|&&(_, seq)| seq == key.seq)
                    .map(|&(at, _)| at)?,
                ticks => self.instant(ticks),
            }),
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

    /// Whether the wheel entry `e` is still pending (not fired, not removed).
    fn is_live(slots: &Slab<Slot<T>>, e: &Entry) -> bool {
        slots
            .get(e.slot as usize)
            .is_some_and(|slot| slot.seq == e.seq)
    }

    /// Sweeps the dead entries out of the wheel, and out of the far map, once they
    /// outnumber the live ones.
    #[inline]
    fn maybe_compact(&mut self) {
        let live = self.slots.len();
        let held = self.wheel.len();
        if held > 64 && held > 2 * live + 32 {
            self.compact_wheel();
        }
        if self.far.len() > 2 * self.far_live + 32 {
            self.compact_far();
        }
    }

    // The sweeps are rare and out of line, so that `remove` stays small enough to inline
    // into its caller (its `Option<T>` then need not go through memory).
    #[cold]
    #[inline(never)]
    fn compact_wheel(&mut self) {
        let slots = &self.slots;
        self.wheel.retain_live(&|e| Self::is_live(slots, e));
    }

    #[cold]
    #[inline(never)]
    fn compact_far(&mut self) {
        let slots = &self.slots;
        self.far
            .retain(|&(_, seq), &mut slot| Self::is_live_far(slots, seq, slot));
    }

    fn is_live_far(slots: &Slab<Slot<T>>, seq: u64, slot: u32) -> bool {
        slots.get(slot as usize).is_some_and(|s| s.seq == seq)
    }

    /// The earliest live entry of the far map, dropping dead ones found before it.
    fn far_front(&mut self) -> Option<(Instant, u64, u32)> {
        loop {
            let (&(at, seq), &slot) = self.far.first_key_value()?;
            if Self::is_live_far(&self.slots, seq, slot) {
                return Some((at, seq, slot));
            }
            self.far.pop_first();
        }
    }

    /// The earliest pending deadline, exactly (what a virtual clock jumps to).
    ///
    /// To find it, the wheel may turn ahead of the present; entries inserted afterwards with
    /// an earlier deadline then cost a sorted insert instead of O(1), so a real-time loop
    /// should sleep until [`next_wakeup`](Self::next_wakeup) instead.
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
        let slots = &self.slots;
        match self.wheel.peek(&|e| Self::is_live(slots, e)) {
            Some(first) => Some(self.instant(first.deadline)),
            None => self.far_front().map(|(at, _, _)| at),
        }
    }

    /// When to look at the queue again: the earliest pending deadline, or a moment before it
    /// when that deadline is far off; `None` when the queue is empty.
    ///
    /// This is what an event loop sleeps until. Unlike [`next_deadline`](Self::next_deadline)
    /// it does not move the wheel past `now`, which keeps later inserts O(1); in exchange, a
    /// deadline more than a few milliseconds away is answered with the start of the wheel
    /// bucket that holds it, so the loop wakes once early (and finds nothing due) before it
    /// sleeps the rest of the way. The answer is never after the earliest deadline.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// let mut q = corio_time::TimerQueue::new();
    /// let now = Instant::now();
    /// let at = now + Duration::from_secs(10);
    /// q.insert(at, ());
    /// let wake = q.next_wakeup(now).unwrap();
    /// assert!(wake <= at);
    /// assert!(q.pop_expired(wake).is_none() || wake == at);
    /// assert!(q.next_wakeup(now).unwrap() <= at);
    /// ```
    pub fn next_wakeup(&mut self, now: Instant) -> Option<Instant> {
        if self.slots.is_empty() {
            // Only dead entries (if any) are left: drop them rather than wake for them.
            self.wheel.clear();
            return None;
        }
        let now = self.ticks(now);
        let slots = &self.slots;
        match self.wheel.next_wakeup(now, &|e| Self::is_live(slots, e)) {
            Some(at) => Some(self.instant(at)),
            // Exact: the far map costs no early wakeup.
            None => self.far_front().map(|(at, _, _)| at),
        }
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
        let ticks = self.ticks(now);
        let slots = &self.slots;
        let Some(top) = self.wheel.pop_expired(ticks, &|e| Self::is_live(slots, e)) else {
            // The wheel has nothing due; far entries all come after its entries.
            let (at, seq, slot) = self.far_front().filter(|&(at, _, _)| at <= now)?;
            self.far.remove(&(at, seq));
            self.far_live -= 1;
            let value = self.slots.remove(slot as usize).value;
            return Some((TimerKey { index: slot, seq }, value));
        };
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
        self.wheel.clear();
        self.slots.clear();
        self.far.clear();
        self.far_live = 0;
    }
}

impl<T> fmt::Debug for TimerQueue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimerQueue")
            .field("pending", &self.slots.len())
            .field("held", &(self.wheel.len() + self.far.len()))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// A small deterministic generator (xorshift64*), so the model test needs no crate.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        /// A duration in nanoseconds on a random scale, from 0 to about a year, often
        /// repeating a few exact values so that ties are common.
        fn span(&mut self) -> u64 {
            match self.below(8) {
                0 => 0,
                1 => [1_000, 65_536, 1_000_000][self.below(3) as usize],
                _ => {
                    let bits = self.below(55);
                    self.below(1 << bits)
                }
            }
        }
    }

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
        assert!(q.wheel.len() <= 2 * q.len() + 64 + 1);
        keep.sort();
        let got: Vec<_> = std::iter::from_fn(|| q.pop_expired(now + Duration::from_secs(1)))
            .map(|(_, v)| v)
            .collect();
        assert_eq!(got, keep.into_iter().map(|(_, v)| v).collect::<Vec<_>>());
    }

    /// A timeout cancelled before the next one is set leaves no dead entry behind, however
    /// many come and go; one cancelled later is swept or skipped as before.
    #[test]
    fn cancelled_right_away_leaves_no_dead_entry() {
        let now = Instant::now();
        let mut q = TimerQueue::new();
        let kept = q.insert(now + Duration::from_secs(5), u64::MAX);
        for i in 0..1000u64 {
            let k = q.insert(now + Duration::from_secs(10) + Duration::from_nanos(i), i);
            assert_eq!(q.remove(k), Some(i));
        }
        assert_eq!(q.wheel.len(), 1);
        let a = q.insert(now + Duration::from_secs(10), 1);
        let b = q.insert(now + Duration::from_secs(10), 2);
        assert_eq!(q.remove(a), Some(1)); // not the last: stays, dead
        assert_eq!(q.wheel.len(), 3);
        assert_eq!(q.remove(b), Some(2));
        assert_eq!(q.wheel.len(), 2);
        let got: Vec<_> =
            std::iter::from_fn(|| q.pop_expired(now + Duration::from_secs(20))).collect();
        assert_eq!(got, [(kept, u64::MAX)]);
        assert!(q.is_empty());
    }

    /// Issue 6, defect 5: deadlines more than 2^63 ns (292 years) from the queue's origin
    /// used to be clamped there, so a virtual clock reached them early and ties lost their
    /// order. They are exact now, and `far_future` never comes out.
    #[test]
    fn far_deadlines_are_exact_and_far_future_never_fires() {
        let mut q = TimerQueue::new();
        let origin = q.origin;
        let year = Duration::from_secs(86400 * 365);
        let near = origin + year;
        let at_300y = origin + year * 300;
        let at_2_40 = origin + Duration::from_secs(1 << 40);
        let never = q.insert(crate::far_future(), "never");
        let k_2_40 = q.insert(at_2_40, "2^40 s");
        let k_300 = q.insert(at_300y, "300 years");
        let dead = q.insert(at_300y, "removed");
        q.insert(at_300y, "300 years, second");
        q.insert(near, "1 year");
        assert_eq!(q.remove(dead), Some("removed"));
        assert_eq!(q.deadline(k_2_40), Some(at_2_40));
        assert_eq!(q.deadline(k_300), Some(at_300y));
        assert_eq!(q.deadline(never), Some(crate::far_future()));
        assert_eq!(q.len(), 5);

        assert_eq!(q.next_deadline(), Some(near));
        assert_eq!(q.pop_expired(near).map(|(_, v)| v), Some("1 year"));
        assert_eq!(q.next_deadline(), Some(at_300y));
        assert_eq!(q.next_wakeup(near), Some(at_300y), "exact, however far");
        // A nanosecond early is early.
        let early = at_300y - Duration::from_nanos(1);
        assert!(q.pop_expired(early).is_none());
        let order: Vec<_> = std::iter::from_fn(|| q.pop_expired(at_2_40).map(|(_, v)| v)).collect();
        assert_eq!(order, ["300 years", "300 years, second", "2^40 s"]);
        // Only "never" is left: not due even at the far end of time, and no wakeup for it.
        assert_eq!(q.len(), 1);
        assert_eq!(q.next_deadline(), None);
        assert_eq!(q.next_wakeup(at_2_40), None);
        assert!(q.pop_expired(crate::far_future()).is_none());
        assert_eq!(q.remove(never), Some("never"));
        assert!(q.is_empty());
    }

    /// Far entries cancelled in bulk do not pile up.
    #[test]
    fn removed_far_entries_are_swept() {
        let mut q = TimerQueue::new();
        let far = q.origin + Duration::from_secs(1 << 40);
        for i in 0..1000u64 {
            let k = q.insert(far + Duration::from_nanos(i), i);
            q.remove(k);
        }
        assert!(q.far.len() <= 33, "{} dead far entries kept", q.far.len());
        assert!(q.is_empty());
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

    /// Random inserts, removes, pops and peeks against a sorted map of (deadline, sequence).
    #[test]
    fn matches_a_sorted_model() {
        for seed in 1..=if cfg!(miri) { 2u64 } else { 40 } {
            let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            let base = Instant::now() + Duration::from_secs(1);
            let mut now = base;
            let mut q = TimerQueue::new();
            let mut model: BTreeMap<(Instant, u64), TimerKey> = BTreeMap::new();
            let mut keys: Vec<(Instant, u64, TimerKey)> = Vec::new();
            let mut seq = 0u64;
            let steps = if cfg!(miri) { 300 } else { 20_000 };
            for _ in 0..steps {
                match rng.below(10) {
                    0..=4 => {
                        let span = Duration::from_nanos(rng.span());
                        let at = if rng.below(10) == 0 {
                            now.checked_sub(span).unwrap_or(now)
                        } else {
                            now + span
                        };
                        let key = q.insert(at, seq);
                        model.insert((at, seq), key);
                        keys.push((at, seq, key));
                        seq += 1;
                    }
                    5 if !keys.is_empty() => {
                        // Half the time the latest key (a timeout cancelled before the
                        // next is set, which the queue takes out of its bucket at once).
                        let (at, s, key) = if rng.below(2) == 0 {
                            keys.pop().expect("not empty")
                        } else {
                            keys.swap_remove(rng.below(keys.len() as u64) as usize)
                        };
                        let expected = model.remove(&(at, s)).map(|_| s);
                        assert_eq!(q.remove(key), expected);
                        assert_eq!(q.remove(key), None);
                    }
                    6 => {
                        let expected = model.keys().next().map(|&(at, _)| at);
                        if let Some(wake) = q.next_wakeup(now) {
                            assert!(wake <= expected.unwrap(), "woken after the deadline");
                        } else {
                            assert_eq!(expected, None);
                        }
                        if rng.below(4) == 0 {
                            assert_eq!(q.next_deadline(), expected);
                        }
                    }
                    _ => {
                        now += Duration::from_nanos(rng.span() / (1 + rng.below(1 << 20)));
                        loop {
                            let expected = model
                                .first_key_value()
                                .filter(|((at, _), _)| *at <= now)
                                .map(|(&k, &v)| (k, v));
                            let got = q.pop_expired(now);
                            match (expected, got) {
                                (None, None) => break,
                                (Some(((at, s), key)), Some((k, v))) => {
                                    assert_eq!((k, v), (key, s));
                                    model.remove(&(at, s));
                                }
                                (e, g) => panic!("model {e:?}, queue {g:?}"),
                            }
                        }
                    }
                }
                assert_eq!(q.len(), model.len());
            }
            // Drain: everything comes out in order.
            let far = now + Duration::from_secs(86400 * 400);
            let got: Vec<u64> = std::iter::from_fn(|| q.pop_expired(far))
                .map(|(_, v)| v)
                .collect();
            let expected: Vec<u64> = model.keys().map(|&(_, s)| s).collect();
            assert_eq!(got, expected);
            assert!(q.is_empty());
        }
    }
}
