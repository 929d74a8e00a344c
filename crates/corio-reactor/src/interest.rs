//! [`Interest`]: which readiness directions a source is watched for.

use std::fmt;
use std::ops::{BitOr, BitOrAssign};

/// A set of readiness directions: readable, writable, both or none.
///
/// The reactor hands an `Interest` to a [`Backend`](crate::Backend) when it
/// registers or re-arms a source, and an [`Event`](crate::Event) reports one.
///
/// # Examples
///
/// ```
/// use corio_reactor::Interest;
///
/// let both = Interest::READABLE | Interest::WRITABLE;
/// assert_eq!(both, Interest::BOTH);
/// assert!(both.is_readable() && both.is_writable());
/// assert!(Interest::NONE.is_none());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Interest(u8);

const READ: u8 = 0b01;
const WRITE: u8 = 0b10;

impl Interest {
    /// No direction.
    pub const NONE: Interest = Interest(0);
    /// Readable only.
    pub const READABLE: Interest = Interest(READ);
    /// Writable only.
    pub const WRITABLE: Interest = Interest(WRITE);
    /// Readable and writable.
    pub const BOTH: Interest = Interest(READ | WRITE);

    /// Builds an interest from two flags.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::Interest;
    ///
    /// assert_eq!(Interest::new(true, false), Interest::READABLE);
    /// ```
    #[must_use]
    pub const fn new(readable: bool, writable: bool) -> Interest {
        Interest(((readable as u8) * READ) | ((writable as u8) * WRITE))
    }

    /// Whether the readable direction is in the set.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::Interest;
    ///
    /// assert!(Interest::BOTH.is_readable());
    /// assert!(!Interest::WRITABLE.is_readable());
    /// ```
    #[must_use]
    pub const fn is_readable(self) -> bool {
        self.0 & READ != 0
    }

    /// Whether the writable direction is in the set.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::Interest;
    ///
    /// assert!(Interest::WRITABLE.is_writable());
    /// assert!(!Interest::READABLE.is_writable());
    /// ```
    #[must_use]
    pub const fn is_writable(self) -> bool {
        self.0 & WRITE != 0
    }

    /// Whether the set is empty.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::Interest;
    ///
    /// assert!(Interest::NONE.is_none());
    /// assert!(!Interest::READABLE.is_none());
    /// ```
    #[must_use]
    pub const fn is_none(self) -> bool {
        self.0 == 0
    }

    /// Whether every direction of `other` is also in `self`.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::Interest;
    ///
    /// assert!(Interest::BOTH.contains(Interest::WRITABLE));
    /// assert!(!Interest::READABLE.contains(Interest::BOTH));
    /// ```
    #[must_use]
    pub const fn contains(self, other: Interest) -> bool {
        self.0 & other.0 == other.0
    }

    /// The union of two sets.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_reactor::Interest;
    ///
    /// assert_eq!(Interest::READABLE.union(Interest::WRITABLE), Interest::BOTH);
    /// ```
    #[must_use]
    pub const fn union(self, other: Interest) -> Interest {
        Interest(self.0 | other.0)
    }

    /// The bits of this set, as the reactor's readiness word stores them.
    pub(crate) const fn bits(self) -> usize {
        self.0 as usize
    }
}

impl BitOr for Interest {
    type Output = Interest;

    fn bitor(self, rhs: Interest) -> Interest {
        self.union(rhs)
    }
}

impl BitOrAssign for Interest {
    fn bitor_assign(&mut self, rhs: Interest) {
        *self = self.union(rhs);
    }
}

impl fmt::Debug for Interest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match (self.is_readable(), self.is_writable()) {
            (false, false) => "NONE",
            (true, false) => "READABLE",
            (false, true) => "WRITABLE",
            (true, true) => "BOTH",
        };
        write!(f, "Interest::{name}")
    }
}
