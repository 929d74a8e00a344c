//! [`Prioritized`]: a priority and an item that is carried but never compared.

use std::cmp::Ordering;

/// An item ordered by its priority alone, for a [`PriorityQueue`](crate::PriorityQueue):
/// the item is carried along and never compared, like a Python dataclass field declared
/// with `field(compare=False)`. The item needs no `Ord` (nor `Eq`, nor `Debug`).
///
/// Smaller priorities come out first; equal priorities come out in the order they were put
/// (the queue promises insertion order among equals).
///
/// # Examples
///
/// ```
/// use corio_channel::{Prioritized, PriorityQueue};
///
/// struct Job(&'static str); // not comparable
///
/// let q = PriorityQueue::new(0);
/// q.put_nowait(Prioritized::new(2, Job("later"))).unwrap();
/// q.put_nowait(Prioritized::new(1, Job("first"))).unwrap();
/// q.put_nowait((1, Job("second")).into()).unwrap();
/// let order: Vec<_> = (0..3).map(|_| q.get_nowait().unwrap().item.0).collect();
/// assert_eq!(order, ["first", "second", "later"]);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Prioritized<P, T> {
    /// What the queue orders by.
    pub priority: P,
    /// What is carried; never compared.
    pub item: T,
}

impl<P, T> Prioritized<P, T> {
    /// Pairs `item` with `priority`.
    ///
    /// # Examples
    ///
    /// ```
    /// let p = corio_channel::Prioritized::new(3, "job");
    /// assert_eq!((p.priority, p.item), (3, "job"));
    /// ```
    pub fn new(priority: P, item: T) -> Self {
        Prioritized { priority, item }
    }

    /// The priority and the item, as a tuple.
    ///
    /// # Examples
    ///
    /// ```
    /// let p = corio_channel::Prioritized::new(1, 'x');
    /// assert_eq!(p.into_parts(), (1, 'x'));
    /// ```
    pub fn into_parts(self) -> (P, T) {
        (self.priority, self.item)
    }
}

impl<P, T> From<(P, T)> for Prioritized<P, T> {
    fn from((priority, item): (P, T)) -> Self {
        Prioritized::new(priority, item)
    }
}

impl<P: PartialEq, T> PartialEq for Prioritized<P, T> {
    fn eq(&self, other: &Self) -> bool {
        self.priority == other.priority
    }
}

impl<P: Eq, T> Eq for Prioritized<P, T> {}

impl<P: PartialOrd, T> PartialOrd for Prioritized<P, T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.priority.partial_cmp(&other.priority)
    }
}

impl<P: Ord, T> Ord for Prioritized<P, T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.priority.cmp(&other.priority)
    }
}
