//! The hierarchical timing wheel under [`TimerQueue`](super::TimerQueue).
//!
//! Why a wheel and not a binary heap: with a million pending timers, every heap pop walks
//! twenty levels of a 24 MB array, a cache miss per level, and that was the largest single
//! cost of a loop full of sleepers. A wheel inserts in O(1) (a push onto a bucket) and takes
//! entries out a bucket at a time, reading memory in order.
//!
//! Exactness is kept on top of the buckets: a bucket of the finest level is sorted by
//! (deadline, sequence) when its turn comes, so entries still come out in deadline order and
//! FIFO among equal deadlines, with their exact nanosecond deadlines (nothing is rounded, so
//! nothing fires early and a virtual clock can jump to the exact next deadline).
//!
//! Layout: [`LEVELS`] levels of 64 buckets; a bucket of level `l` spans `2^(GRAIN + 6 l)`
//! nanoseconds. An entry sits at the level given by the highest bit in which its bucket
//! number differs from the wheel's position `pos` (as in tokio's wheel), so every entry of
//! level `l` is earlier than every entry of level `l + 1`, and the first occupied bucket of
//! the lowest occupied level holds the earliest entries.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::mem;

/// log2 of the span of a level-0 bucket in nanoseconds (65.5 µs).
///
/// Smaller buckets mean more bucket turns per second of timers; larger ones mean longer
/// sorts when a bucket comes due. At a million timers a second a bucket holds about 65.
const GRAIN: u32 = 16;
/// log2 of the number of buckets per level.
const LEVEL_BITS: u32 = 6;
/// Enough levels to cover every non-negative `i64` deadline: 16 + 8 × 6 = 64 bits.
const LEVELS: usize = 8;
/// The largest buffer (in entries) an emptied bucket keeps for its next turn; larger ones
/// are freed, so a burst of timers long gone does not pin its memory.
const KEEP: usize = 16 * 1024;

/// A pending deadline: ordered by deadline, then by insertion sequence (FIFO among ties).
///
/// `slot` points into the queue's slab; the entry is dead (cancelled) when that slab slot's
/// sequence differs from `seq`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Entry {
    /// Nanoseconds from the queue's origin (negative before it).
    pub(super) deadline: i64,
    pub(super) seq: u64,
    pub(super) slot: u32,
}

struct Level {
    /// Bit `i` is set when `buckets[i]` is not empty.
    occupied: u64,
    buckets: [Vec<Entry>; 64],
}

impl Level {
    fn new() -> Level {
        Level {
            occupied: 0,
            buckets: std::array::from_fn(|_| Vec::new()),
        }
    }
}

/// Where the earliest non-empty bucket is.
#[derive(Debug, Clone, Copy)]
struct Turn {
    level: usize,
    bucket: usize,
    /// The bucket's first level-0 bucket number (its start, in units of `2^GRAIN` ns).
    start: u64,
}

pub(super) struct Wheel {
    levels: Box<[Level]>,
    /// The wheel's position, a level-0 bucket number (time in units of `2^GRAIN` ns).
    ///
    /// Invariant: every entry in a bucket has `entry bucket number >= pos`, and sits at the
    /// level of the highest differing bit between the two (see the module docs).
    pos: u64,
    /// Entries with a deadline before `due_end` are in `due` or `late`, all others in the
    /// buckets.
    ///
    /// Invariant: `due_end` is `pos << GRAIN` after a higher-level bucket was spread out, and
    /// `(pos + 1) << GRAIN` after the level-0 bucket `pos` was moved to `due`.
    due_end: i64,
    /// The entries of the last level-0 bucket taken out, sorted *descending* so the earliest
    /// is popped off the end.
    due: Vec<Entry>,
    /// Entries inserted with a deadline before `due_end` (in the past, or in the bucket being
    /// drained): a heap, so that a burst of them (say, many `call_later(0)` under a virtual
    /// clock that does not move) costs O(log n) each, not a shift of `due`.
    late: BinaryHeap<Reverse<Entry>>,
    /// Entries in the buckets, in `due` and in `late`, dead ones included.
    len: usize,
    /// The level and bucket of the entry last put into a bucket (see
    /// [`remove_if_last`](Wheel::remove_if_last)).
    last: (usize, usize),
}

impl Wheel {
    pub(super) fn new() -> Wheel {
        Wheel {
            levels: (0..LEVELS).map(|_| Level::new()).collect(),
            pos: 0,
            due_end: 0,
            due: Vec::new(),
            late: BinaryHeap::new(),
            len: 0,
            last: (0, 0),
        }
    }

    /// Entries held, dead ones included.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    pub(super) fn insert(&mut self, entry: Entry) {
        self.len += 1;
        if entry.deadline < self.due_end {
            self.late.push(Reverse(entry));
        } else {
            self.place(entry);
        }
    }

    /// Puts an entry with `deadline >= due_end` into its bucket.
    fn place(&mut self, entry: Entry) {
        debug_assert!(entry.deadline >= self.due_end);
        // `due_end >= 0` always, so the deadline is not negative here.
        let number = entry.deadline as u64 >> GRAIN;
        debug_assert!(number >= self.pos);
        let differing = (number ^ self.pos) | ((1 << LEVEL_BITS) - 1);
        let level = ((63 - differing.leading_zeros()) / LEVEL_BITS) as usize;
        let bucket = ((number >> (LEVEL_BITS * level as u32)) & 63) as usize;
        self.last = (level, bucket);
        let level = &mut self.levels[level];
        level.occupied |= 1 << bucket;
        level.buckets[bucket].push(entry);
    }

    /// Drops the entry of sequence `seq` if it is the last one pushed into its bucket (the
    /// entry of a timer cancelled before any later one was set); otherwise it stays, dead,
    /// until its turn or a sweep.
    pub(super) fn remove_if_last(&mut self, seq: u64) {
        let (level, bucket) = self.last;
        let level = &mut self.levels[level];
        let entries = &mut level.buckets[bucket];
        // Sequences are unique, so the check is exact even when `last` is stale (its bucket
        // taken out since): then the sequence does not match.
        if entries.last().is_some_and(|e| e.seq == seq) {
            entries.pop();
            self.len -= 1;
            if entries.is_empty() {
                level.occupied &= !(1 << bucket);
            }
        }
    }

    /// The earliest non-empty bucket.
    fn next_turn(&self) -> Option<Turn> {
        self.levels
            .iter()
            .enumerate()
            .find(|(_, level)| level.occupied != 0)
            .map(|(l, level)| {
                let shift = LEVEL_BITS * l as u32;
                let current = (self.pos >> shift) & 63;
                // Buckets behind the position are empty by the invariant of `pos`.
                debug_assert_eq!(level.occupied & ((1u64 << current) - 1), 0);
                let bucket = u64::from(level.occupied.trailing_zeros());
                let span = 1u64 << shift;
                let level_start = self.pos & !((span << LEVEL_BITS) - 1);
                Turn {
                    level: l,
                    bucket: bucket as usize,
                    start: level_start + bucket * span,
                }
            })
    }

    /// Empties the bucket of `turn` and moves the wheel to its start: a level-0 bucket goes
    /// to `due` (sorted), a higher one is spread over the levels below.
    ///
    /// Buckets keep their buffers (up to [`KEEP`] entries), so that the buckets filled on
    /// every turn do not grow again each time: growing means `malloc`, which is slow while
    /// a program frees many small blocks (the tasks that just finished).
    ///
    /// Only called with `due` and `late` empty.
    fn take_turn(&mut self, turn: Turn) {
        debug_assert!(self.due.is_empty() && self.late.is_empty());
        debug_assert!(turn.start >= self.pos);
        self.pos = turn.start;
        let level = &mut self.levels[turn.level];
        level.occupied &= !(1 << turn.bucket);
        let bucket = &mut level.buckets[turn.bucket];
        if turn.level == 0 {
            self.due_end = ((turn.start + 1) << GRAIN).min(i64::MAX as u64) as i64;
            // `due` is empty: it becomes the bucket's (empty) buffer.
            mem::swap(&mut self.due, bucket);
            if bucket.capacity() > KEEP {
                *bucket = Vec::new();
            }
            self.due.sort_unstable_by(|a, b| b.cmp(a));
        } else {
            self.due_end = (turn.start << GRAIN).min(i64::MAX as u64) as i64;
            let mut entries = mem::take(bucket);
            if entries.len() >= 256 {
                self.reserve_below(turn.level - 1, &entries);
            }
            for entry in entries.drain(..) {
                self.place(entry);
            }
            if entries.capacity() <= KEEP {
                self.levels[turn.level].buckets[turn.bucket] = entries;
            }
        }
    }

    /// Sizes the buckets of `level` once for the `entries` about to be spread into them
    /// (from the bucket above, which starts at `pos`), rather than let them grow step by step.
    fn reserve_below(&mut self, level: usize, entries: &[Entry]) {
        let shift = LEVEL_BITS * level as u32;
        let mut counts = [0usize; 64];
        for e in entries {
            counts[((e.deadline as u64 >> GRAIN >> shift) & 63) as usize] += 1;
        }
        // Entries in the first of those buckets (where `pos` is) go further down instead.
        counts[((self.pos >> shift) & 63) as usize] = 0;
        for (bucket, &n) in self.levels[level].buckets.iter_mut().zip(&counts) {
            if n >= 16 {
                bucket.reserve(n);
            }
        }
    }

    /// The earliest entry of `due` and `late`, and whether it is in `late`.
    fn first(&self) -> Option<(Entry, bool)> {
        match (self.due.last(), self.late.peek()) {
            (Some(d), Some(Reverse(l))) if l < d => Some((*l, true)),
            (Some(d), _) => Some((*d, false)),
            (None, Some(Reverse(l))) => Some((*l, true)),
            (None, None) => None,
        }
    }

    /// Takes the entry `first` found.
    fn take_first(&mut self, in_late: bool) {
        self.len -= 1;
        if in_late {
            self.late.pop();
        } else {
            self.due.pop();
        }
    }

    /// The earliest live entry of `due` and `late`, dropping the dead ones before it.
    fn first_live(&mut self, live: &impl Fn(&Entry) -> bool) -> Option<(Entry, bool)> {
        loop {
            let (entry, in_late) = self.first()?;
            if live(&entry) {
                return Some((entry, in_late));
            }
            self.take_first(in_late);
        }
    }

    /// Takes the earliest live entry if its deadline is at or before `now`; drops the dead
    /// entries it passes.
    pub(super) fn pop_expired(
        &mut self,
        now: i64,
        live: &impl Fn(&Entry) -> bool,
    ) -> Option<Entry> {
        loop {
            if let Some((top, in_late)) = self.first_live(live) {
                if top.deadline > now {
                    return None;
                }
                self.take_first(in_late);
                return Some(top);
            }
            // Everything left is in the buckets, due at `due_end` or later.
            if now < self.due_end {
                return None;
            }
            let turn = self.next_turn()?;
            if turn.start > now as u64 >> GRAIN {
                return None;
            }
            self.take_turn(turn);
        }
    }

    /// The earliest live entry, moving the wheel as far as needed (possibly past the present,
    /// which costs later inserts before the new position a heap push into `late`).
    pub(super) fn peek(&mut self, live: &impl Fn(&Entry) -> bool) -> Option<Entry> {
        loop {
            if let Some((top, _)) = self.first_live(live) {
                return Some(top);
            }
            let turn = self.next_turn()?;
            self.take_turn(turn);
        }
    }

    /// A time, in nanoseconds from the origin, at or before the earliest live deadline, at
    /// which the owner should look again; `None` when nothing is pending.
    ///
    /// It moves the wheel only up to `now`. The answer is exact when the earliest entries
    /// are within one level-0 bucket of the position; otherwise it is the start of the
    /// bucket that holds them, where the owner, woken a little early, finds them spread out.
    pub(super) fn next_wakeup(&mut self, now: i64, live: &impl Fn(&Entry) -> bool) -> Option<i64> {
        loop {
            if let Some((top, _)) = self.first_live(live) {
                return Some(top.deadline);
            }
            let turn = self.next_turn()?;
            if turn.start <= (now.max(0) as u64) >> GRAIN {
                self.take_turn(turn);
                continue;
            }
            if turn.level > 0 {
                return Some((turn.start << GRAIN).min(i64::MAX as u64) as i64);
            }
            // A level-0 bucket in the future: short, so look through it for the earliest.
            let bucket = &mut self.levels[0].buckets[turn.bucket];
            loop {
                let first = bucket.iter().min().copied();
                match first {
                    Some(e) if live(&e) => return Some(e.deadline),
                    Some(_) => {
                        let before = bucket.len();
                        bucket.retain(live);
                        self.len -= before - bucket.len();
                    }
                    None => {
                        self.levels[0].occupied &= !(1 << turn.bucket);
                        break;
                    }
                }
            }
        }
    }

    /// Drops every dead entry.
    pub(super) fn retain_live(&mut self, live: &impl Fn(&Entry) -> bool) {
        let mut len = 0;
        for level in self.levels.iter_mut() {
            let mut occupied = level.occupied;
            while occupied != 0 {
                let bucket = occupied.trailing_zeros() as usize;
                occupied &= occupied - 1;
                let entries = &mut level.buckets[bucket];
                entries.retain(live);
                len += entries.len();
                if entries.is_empty() {
                    level.occupied &= !(1 << bucket);
                }
            }
        }
        self.due.retain(live);
        self.late.retain(|Reverse(e)| live(e));
        self.len = len + self.due.len() + self.late.len();
    }

    pub(super) fn clear(&mut self) {
        for level in self.levels.iter_mut() {
            let mut occupied = level.occupied;
            while occupied != 0 {
                let bucket = occupied.trailing_zeros() as usize;
                occupied &= occupied - 1;
                level.buckets[bucket].clear();
            }
            level.occupied = 0;
        }
        self.due.clear();
        self.late.clear();
        self.len = 0;
    }
}
