//! [`Semaphore`] and [`BoundedSemaphore`]: asyncio's counting semaphores.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::acquire::Acquire;
use crate::error::ReleasedTooManyTimes;
use crate::raw_semaphore::{MAX_PERMITS, RawAcquire, RawSemaphore};

/// asyncio's `Semaphore`: a counter of permits, FIFO fair.
///
/// [`acquire`](Semaphore::acquire) takes one permit, waiting if none is free;
/// [`release`](Semaphore::release) gives one back (from any task or
/// callback) and may be called more often than `acquire`, raising the count.
/// [`permit`](Semaphore::permit) is the scoped form (`async with sem:`).
///
/// Fairness is asyncio's: waiters are served strictly in arrival order and a
/// newcomer never takes a permit while someone waits, so no waiter starves;
/// [`locked`](Semaphore::locked) is true while anyone waits. The uncontended
/// acquire is one compare-and-swap and allocates nothing.
///
/// # Examples
///
/// ```
/// use corio_sync::Semaphore;
///
/// # futures_lite::future::block_on(async {
/// let sem = Semaphore::new(2);
/// let _a = sem.permit().await;
/// sem.acquire().await;
/// assert!(sem.locked());
/// sem.release();
/// assert!(!sem.locked());
/// # });
/// ```
pub struct Semaphore {
    raw: RawSemaphore,
}

impl Semaphore {
    /// Largest number of permits a semaphore can hold.
    pub const MAX_PERMITS: usize = MAX_PERMITS;

    /// A semaphore holding `permits` permits (zero is allowed).
    ///
    /// # Panics
    ///
    /// If `permits` exceeds [`Semaphore::MAX_PERMITS`] (`usize::MAX / 2`).
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = corio_sync::Semaphore::new(0);
    /// assert!(sem.locked());
    /// ```
    pub fn new(permits: usize) -> Semaphore {
        assert!(
            permits <= MAX_PERMITS,
            "a semaphore holds at most {MAX_PERMITS} permits"
        );
        Semaphore {
            raw: RawSemaphore::new(permits),
        }
    }

    /// Waits for a permit (in FIFO order) and takes it.
    ///
    /// # Cancel safety
    ///
    /// Dropping the future gives up the place in the queue; a permit already
    /// handed to it goes to the next waiter.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// let sem = corio_sync::Semaphore::new(1);
    /// sem.acquire().await;
    /// assert!(sem.locked());
    /// # });
    /// ```
    pub fn acquire(&self) -> Acquire<'_> {
        Acquire::new(RawAcquire::new(&self.raw, 1))
    }

    /// Takes a permit if one is free and nobody waits; returns whether it did.
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = corio_sync::Semaphore::new(1);
    /// assert!(sem.try_acquire());
    /// assert!(!sem.try_acquire());
    /// ```
    pub fn try_acquire(&self) -> bool {
        self.raw.try_acquire(1)
    }

    /// Gives one permit back, handing it to the oldest waiter if any.
    ///
    /// # Panics
    ///
    /// If the count would exceed [`Semaphore::MAX_PERMITS`].
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = corio_sync::Semaphore::new(0);
    /// sem.release();
    /// assert!(sem.try_acquire());
    /// ```
    pub fn release(&self) {
        self.raw.release(1);
    }

    /// Whether an `acquire` now would wait: no free permit, or waiters queued.
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = corio_sync::Semaphore::new(1);
    /// assert!(!sem.locked());
    /// sem.try_acquire();
    /// assert!(sem.locked());
    /// ```
    pub fn locked(&self) -> bool {
        self.raw.locked()
    }

    /// Number of permits free right now (zero while anyone waits).
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = corio_sync::Semaphore::new(3);
    /// sem.try_acquire();
    /// assert_eq!(sem.available_permits(), 2);
    /// ```
    pub fn available_permits(&self) -> usize {
        self.raw.available()
    }

    /// Waits for a permit like [`acquire`](Semaphore::acquire) and returns a
    /// guard that releases it when dropped (`async with sem:`).
    ///
    /// # Cancel safety
    ///
    /// As for [`acquire`](Semaphore::acquire).
    ///
    /// # Examples
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// let sem = corio_sync::Semaphore::new(1);
    /// let permit = sem.permit().await;
    /// assert!(sem.locked());
    /// drop(permit);
    /// assert!(!sem.locked());
    /// # });
    /// ```
    pub fn permit(&self) -> AcquirePermit<'_> {
        AcquirePermit {
            raw: RawAcquire::new(&self.raw, 1),
            bound: None,
        }
    }

    /// Takes a permit and returns its guard if one is free and nobody waits.
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = corio_sync::Semaphore::new(1);
    /// let permit = sem.try_permit();
    /// assert!(permit.is_some());
    /// assert!(sem.try_permit().is_none());
    /// ```
    pub fn try_permit(&self) -> Option<SemaphorePermit<'_>> {
        self.try_acquire().then_some(SemaphorePermit {
            raw: &self.raw,
            bound: None,
        })
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("available_permits", &self.available_permits())
            .finish()
    }
}

/// asyncio's `BoundedSemaphore`: a [`Semaphore`] whose count may never rise
/// above its initial value.
///
/// A [`release`](BoundedSemaphore::release) that would do so fails with
/// [`ReleasedTooManyTimes`] instead, catching a release without a matching
/// acquire.
///
/// # Examples
///
/// ```
/// use corio_sync::{BoundedSemaphore, ReleasedTooManyTimes};
///
/// # futures_lite::future::block_on(async {
/// let sem = BoundedSemaphore::new(1);
/// sem.acquire().await;
/// sem.release()?;
/// assert_eq!(sem.release(), Err(ReleasedTooManyTimes));
/// # Ok::<(), ReleasedTooManyTimes>(())
/// # }).unwrap();
/// ```
pub struct BoundedSemaphore {
    raw: RawSemaphore,
    bound: usize,
}

impl BoundedSemaphore {
    /// A bounded semaphore holding, and capped at, `permits` permits.
    ///
    /// # Panics
    ///
    /// If `permits` exceeds [`Semaphore::MAX_PERMITS`].
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = corio_sync::BoundedSemaphore::new(2);
    /// assert_eq!(sem.available_permits(), 2);
    /// ```
    pub fn new(permits: usize) -> BoundedSemaphore {
        assert!(
            permits <= MAX_PERMITS,
            "a semaphore holds at most {MAX_PERMITS} permits"
        );
        BoundedSemaphore {
            raw: RawSemaphore::new(permits),
            bound: permits,
        }
    }

    /// Waits for a permit (in FIFO order) and takes it.
    ///
    /// # Cancel safety
    ///
    /// Dropping the future gives up the place in the queue; a permit already
    /// handed to it goes to the next waiter.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// let sem = corio_sync::BoundedSemaphore::new(1);
    /// sem.acquire().await;
    /// assert!(sem.locked());
    /// # });
    /// ```
    pub fn acquire(&self) -> Acquire<'_> {
        Acquire::new(RawAcquire::new(&self.raw, 1))
    }

    /// Takes a permit if one is free and nobody waits; returns whether it did.
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = corio_sync::BoundedSemaphore::new(1);
    /// assert!(sem.try_acquire());
    /// assert!(!sem.try_acquire());
    /// ```
    pub fn try_acquire(&self) -> bool {
        self.raw.try_acquire(1)
    }

    /// Gives one permit back, handing it to the oldest waiter if any.
    ///
    /// # Errors
    ///
    /// [`ReleasedTooManyTimes`] if the count would exceed the initial value;
    /// nothing changes then.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_sync::{BoundedSemaphore, ReleasedTooManyTimes};
    ///
    /// let sem = BoundedSemaphore::new(1);
    /// assert!(sem.try_acquire());
    /// assert_eq!(sem.release(), Ok(()));
    /// assert_eq!(sem.release(), Err(ReleasedTooManyTimes));
    /// ```
    pub fn release(&self) -> Result<(), ReleasedTooManyTimes> {
        self.raw
            .release_bounded(1, self.bound)
            .map_err(|_| ReleasedTooManyTimes)
    }

    /// Whether an `acquire` now would wait: no free permit, or waiters queued.
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = corio_sync::BoundedSemaphore::new(1);
    /// sem.try_acquire();
    /// assert!(sem.locked());
    /// ```
    pub fn locked(&self) -> bool {
        self.raw.locked()
    }

    /// Number of permits free right now (zero while anyone waits).
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = corio_sync::BoundedSemaphore::new(3);
    /// assert_eq!(sem.available_permits(), 3);
    /// ```
    pub fn available_permits(&self) -> usize {
        self.raw.available()
    }

    /// The initial value, which the count may never exceed.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(corio_sync::BoundedSemaphore::new(3).bound(), 3);
    /// ```
    pub fn bound(&self) -> usize {
        self.bound
    }

    /// Waits for a permit like [`acquire`](BoundedSemaphore::acquire) and
    /// returns a guard that releases it when dropped.
    ///
    /// # Cancel safety
    ///
    /// As for [`acquire`](BoundedSemaphore::acquire).
    ///
    /// # Examples
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// let sem = corio_sync::BoundedSemaphore::new(1);
    /// let permit = sem.permit().await;
    /// assert!(sem.locked());
    /// drop(permit);
    /// assert!(!sem.locked());
    /// # });
    /// ```
    pub fn permit(&self) -> AcquirePermit<'_> {
        AcquirePermit {
            raw: RawAcquire::new(&self.raw, 1),
            bound: Some(self.bound),
        }
    }

    /// Takes a permit and returns its guard if one is free and nobody waits.
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = corio_sync::BoundedSemaphore::new(1);
    /// assert!(sem.try_permit().is_some());
    /// ```
    pub fn try_permit(&self) -> Option<SemaphorePermit<'_>> {
        self.try_acquire().then_some(SemaphorePermit {
            raw: &self.raw,
            bound: Some(self.bound),
        })
    }
}

impl fmt::Debug for BoundedSemaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoundedSemaphore")
            .field("available_permits", &self.available_permits())
            .field("bound", &self.bound)
            .finish()
    }
}

/// Future of [`Semaphore::permit`] and [`BoundedSemaphore::permit`];
/// resolves to a [`SemaphorePermit`].
///
/// # Cancel safety
///
/// Dropping it gives up the place in the queue; a permit already handed to it
/// goes to the next waiter.
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// let sem = corio_sync::Semaphore::new(1);
/// let fut: corio_sync::AcquirePermit<'_> = sem.permit();
/// let _permit = fut.await;
/// # });
/// ```
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct AcquirePermit<'a> {
    raw: RawAcquire<'a>,
    bound: Option<usize>,
}

impl<'a> Future for AcquirePermit<'a> {
    type Output = SemaphorePermit<'a>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<SemaphorePermit<'a>> {
        let bound = self.bound;
        self.raw.poll(cx).map(|()| SemaphorePermit {
            raw: self.raw.queue(),
            bound,
        })
    }
}

impl fmt::Debug for AcquirePermit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AcquirePermit").finish_non_exhaustive()
    }
}

/// One permit of a [`Semaphore`] or [`BoundedSemaphore`], given back on drop.
///
/// For a bounded semaphore whose count was already raised to its bound by a
/// stray `release()`, dropping the permit leaves the count at the bound
/// (where asyncio's `async with` exit would raise).
///
/// # Examples
///
/// ```
/// let sem = corio_sync::Semaphore::new(1);
/// let permit = sem.try_permit().unwrap();
/// assert_eq!(sem.available_permits(), 0);
/// drop(permit);
/// assert_eq!(sem.available_permits(), 1);
/// ```
#[must_use = "if unused the permit is released at once"]
pub struct SemaphorePermit<'a> {
    raw: &'a RawSemaphore,
    bound: Option<usize>,
}

impl Drop for SemaphorePermit<'_> {
    fn drop(&mut self) {
        match self.bound {
            None => self.raw.release(1),
            // Already at the bound: a stray release returned our permit.
            Some(bound) => drop(self.raw.release_bounded(1, bound)),
        }
    }
}

impl fmt::Debug for SemaphorePermit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SemaphorePermit").finish_non_exhaustive()
    }
}
