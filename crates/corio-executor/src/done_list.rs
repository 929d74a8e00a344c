//! [`DoneList`]: the ordered awaiters, done-callbacks and watches of something that
//! finishes once (a shared task, a settable future).

use std::fmt;
use std::task::Waker;

use smallvec::SmallVec;

use crate::done_watch::DoneWatch;

/// A done-callback kept in a [`DoneList`]: called with the handle of what finished.
pub type DoneCallback<H> = Box<dyn FnOnce(&H)>;

/// One registration: an awaiter, a done-callback or a watch.
enum Entry<H> {
    Waiter(Waker),
    Callback(u64, DoneCallback<H>),
    /// A [`DoneWatch`] told the given index on completion.
    Watch(DoneWatch, usize),
    /// An awaiter that went away, a callback or a watch that was removed (slots stay put).
    Gone,
}

/// The awaiters, done-callbacks and [`DoneWatch`]es of something that finishes once, in
/// registration order: asyncio's `await` registers a done-callback too, so completion wakes
/// awaiters and queues callbacks in the order they came.
///
/// `H` is the handle a callback is given. The owner keeps the list in a `RefCell` and
/// never runs user code with it borrowed: every method that removes an entry gives it back
/// as an [`Ended`], to be dropped once the borrow is released (dropping a waker or a
/// callback is user code), and completion [`take`](DoneList::take)s the entries out before
/// [`Drained::notify`] runs them.
///
/// The first entry is kept inline: a handle awaited or watched once allocates nothing.
///
/// # Examples
///
/// ```
/// use std::cell::RefCell;
/// use std::rc::Rc;
/// use std::task::Waker;
/// use corio_executor::DoneList;
///
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let mut list = DoneList::<&str>::new();
/// let mut slot = None;
/// drop(list.set_waiter(&mut slot, Waker::noop()));
/// for n in 1..=2 {
///     let log = log.clone();
///     let id = list.next_id();
///     list.push_callback(id, Box::new(move |h: &&str| log.borrow_mut().push((n, *h))));
/// }
/// let id = list.next_id();
/// list.push_callback(id, Box::new(|_| unreachable!()));
/// drop(list.remove_callback(id));
/// assert_eq!(list.len(), 3);
///
/// // Completion: the awaiter is woken, the callbacks go to the caller's queue, in order.
/// let mut queued = Vec::new();
/// list.take().notify(|cb| queued.push(cb));
/// for cb in queued {
///     cb(&"done");
/// }
/// assert_eq!(*log.borrow(), [(1, "done"), (2, "done")]);
/// assert_eq!(list.len(), 0);
/// ```
pub struct DoneList<H> {
    entries: SmallVec<[Entry<H>; 1]>,
    next_id: u64,
}

/// An entry removed from a [`DoneList`]: drop it once the list's borrow is released (it may
/// hold a waker or a callback, whose drop is user code).
#[must_use = "drop it once the list is released"]
pub struct Ended<H>(#[allow(dead_code)] Entry<H>);

/// The entries of a [`DoneList`] taken out on completion, to be run with
/// [`Drained::notify`] once the list is released.
#[must_use = "run them with `notify`"]
pub struct Drained<H>(SmallVec<[Entry<H>; 1]>);

impl<H> DoneList<H> {
    /// An empty list.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(corio_executor::DoneList::<()>::new().len(), 0);
    /// ```
    pub fn new() -> DoneList<H> {
        DoneList {
            entries: SmallVec::new(),
            next_id: 0,
        }
    }

    /// The number of slots, ended ones between live ones included.
    ///
    /// # Examples
    ///
    /// See [`DoneList`].
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no slot is taken.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(corio_executor::DoneList::<()>::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Puts `waker` in the awaiter's slot (`slot` is `None` until its first wait: it gets
    /// a place at the end, which it keeps). Gives back the waker it replaced, if any. A slot
    /// is a `u32`, to keep the handles that hold one small.
    ///
    /// # Examples
    ///
    /// See [`DoneList`].
    pub fn set_waiter(&mut self, slot: &mut Option<u32>, waker: &Waker) -> Option<Ended<H>> {
        if let Some(entry) = slot.and_then(|i| self.entries.get_mut(i as usize)) {
            return match entry {
                Entry::Waiter(w) if w.will_wake(waker) => None,
                entry => Some(Ended(std::mem::replace(
                    entry,
                    Entry::Waiter(waker.clone()),
                ))),
            };
        }
        // A first wait (or the list was taken by a completion, which the owner checks for
        // first): a place at the end. A list of 2^32 entries would not fit in memory.
        *slot = Some(u32::try_from(self.entries.len()).unwrap_or(u32::MAX));
        self.entries.push(Entry::Waiter(waker.clone()));
        None
    }

    /// Ends slot `i` (its awaiter went), and drops the ended slots at the end of the list,
    /// so that awaiters that come and go (a `timeout` over a fresh clone, in a loop) do not
    /// grow the list without bound. Only ended slots are dropped, and no live registration
    /// points at one, so the slots and the order stay right.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut list = corio_executor::DoneList::<()>::new();
    /// let mut slot = None;
    /// drop(list.set_waiter(&mut slot, std::task::Waker::noop()));
    /// drop(list.end(slot.unwrap()));
    /// assert!(list.is_empty());
    /// ```
    pub fn end(&mut self, i: u32) -> Option<Ended<H>> {
        if i as usize + 1 == self.entries.len() {
            // The last slot (the common case: one registration): popped at once.
            let old = self.entries.pop().map(Ended);
            while matches!(self.entries.last(), Some(Entry::Gone)) {
                self.entries.pop();
            }
            return old;
        }
        let old = self
            .entries
            .get_mut(i as usize)
            .map(|e| Ended(std::mem::replace(e, Entry::Gone)));
        while matches!(self.entries.last(), Some(Entry::Gone)) {
            self.entries.pop();
        }
        old
    }

    /// A fresh callback id (also for a callback that is scheduled at once, since the
    /// handle is done already).
    ///
    /// # Examples
    ///
    /// See [`DoneList`].
    pub fn next_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Adds a done-callback with an id from [`DoneList::next_id`].
    ///
    /// # Examples
    ///
    /// See [`DoneList`].
    pub fn push_callback(&mut self, id: u64, callback: DoneCallback<H>) {
        self.entries.push(Entry::Callback(id, callback));
    }

    /// Removes the callback with this id, if it is still there.
    ///
    /// # Examples
    ///
    /// See [`DoneList`].
    pub fn remove_callback(&mut self, id: u64) -> Option<Ended<H>> {
        let i = self
            .entries
            .iter()
            .position(|e| matches!(e, Entry::Callback(i, _) if *i == id))?;
        self.end(u32::try_from(i).ok()?)
    }

    /// Adds a watch, told `index` on completion; gives back its key for
    /// [`DoneList::remove_watch`].
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_executor::{DoneList, DoneWatch};
    /// let watch = DoneWatch::new();
    /// let mut list = DoneList::<()>::new();
    /// let key = list.push_watch(&watch, 7);
    /// list.take().notify(|_| {});
    /// assert_eq!(watch.take_finished(), [7]);
    /// assert!(list.remove_watch(&watch, key).is_none()); // gone with the completion
    /// ```
    pub fn push_watch(&mut self, watch: &DoneWatch, index: usize) -> u32 {
        self.entries.push(Entry::Watch(watch.clone(), index));
        u32::try_from(self.entries.len() - 1).unwrap_or(u32::MAX)
    }

    /// Removes the watch added under `key`, if it is still there.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_executor::{DoneList, DoneWatch};
    /// let watch = DoneWatch::new();
    /// let mut list = DoneList::<()>::new();
    /// let key = list.push_watch(&watch, 0);
    /// assert!(list.remove_watch(&watch, key).is_some());
    /// assert!(list.is_empty());
    /// ```
    pub fn remove_watch(&mut self, watch: &DoneWatch, key: u32) -> Option<Ended<H>> {
        match self.entries.get(key as usize) {
            Some(Entry::Watch(w, _)) if w.ptr_eq(watch) => self.end(key),
            _ => None,
        }
    }

    /// Takes every entry out, for [`Drained::notify`] to run once the list is released.
    ///
    /// # Examples
    ///
    /// See [`DoneList`].
    pub fn take(&mut self) -> Drained<H> {
        Drained(std::mem::take(&mut self.entries))
    }
}

impl<H> Default for DoneList<H> {
    fn default() -> Self {
        DoneList::new()
    }
}

impl<H> fmt::Debug for DoneList<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DoneList")
            .field("len", &self.entries.len())
            .finish()
    }
}

impl<H> Drained<H> {
    /// Whether there is nothing to run.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(corio_executor::DoneList::<()>::new().take().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// In registration order: wakes each awaiter (its task's step is queued), tells each
    /// watch, and gives each done-callback to `schedule` (asyncio: done-callbacks go
    /// through `call_soon`).
    ///
    /// # Examples
    ///
    /// See [`DoneList`].
    pub fn notify(self, mut schedule: impl FnMut(DoneCallback<H>)) {
        for entry in self.0 {
            match entry {
                Entry::Waiter(waker) => waker.wake(),
                Entry::Callback(_, cb) => schedule(cb),
                Entry::Watch(watch, index) => watch.notify(index),
                Entry::Gone => {}
            }
        }
    }
}

impl<H> fmt::Debug for Drained<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Drained")
            .field("len", &self.0.len())
            .finish()
    }
}

impl<H> fmt::Debug for Ended<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Ended")
    }
}
