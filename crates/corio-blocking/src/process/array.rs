//! [`SharedArray`]: Python's `multiprocessing.Array`, a fixed number of numbers shared by
//! processes behind one lock. The same file and lock as [`SharedValue`] (see `value.rs` for
//! why), with one 8-byte cell per element.

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use super::value::{SharedScalar, SharedValue, SharedValueError, ValueGuard};

/// Why a [`SharedArray`] operation failed.
///
/// # Examples
///
/// ```
/// use corio_blocking::process::{SharedArray, SharedArrayError};
///
/// let a = SharedArray::<i32>::zeroed(3)?;
/// assert!(matches!(a.get(3), Err(SharedArrayError::OutOfRange { index: 3, len: 3 })));
/// # Ok::<(), SharedArrayError>(())
/// ```
#[derive(Debug, Clone, Error)]
#[non_exhaustive]
pub enum SharedArrayError {
    /// An index past the end (Python's `IndexError`).
    #[error("index {index} out of range for a shared array of {len}")]
    OutOfRange {
        /// The index asked for.
        index: usize,
        /// The array's length.
        len: usize,
    },
    /// Creating, opening, locking, reading or writing its file failed.
    #[error(transparent)]
    File(#[from] SharedValueError),
}

/// Numbers shared between processes, with one lock (Python's `multiprocessing.Array`).
///
/// Its length is fixed when made. [`get`](Self::get), [`set`](Self::set) and
/// [`to_vec`](Self::to_vec) take the lock for their own access, as Python's synchronized
/// array does; [`get_lock`](Self::get_lock) holds it across several. Clone it to share it
/// between threads; pass it (it is `Serialize`) to a [`Process`](super::Process) or a
/// pool's job to share it with other processes.
///
/// # Examples
///
/// ```
/// use corio_blocking::process::SharedArray;
///
/// let a = SharedArray::new(&[1.0f64, 2.0, 3.0])?; // Array('d', [1.0, 2.0, 3.0])
/// {
///     let guard = a.get_lock()?; // with a.get_lock():
///     for i in 0..guard.len() {
///         guard.set(i, guard.get(i)? * 10.0)?; // a[i] *= 10
///     }
/// }
/// assert_eq!(a.to_vec()?, [10.0, 20.0, 30.0]); // a[:]
/// # Ok::<(), corio_blocking::process::SharedArrayError>(())
/// ```
#[doc(alias = "multiprocessing.Array")]
pub struct SharedArray<T> {
    cells: SharedValue<T>,
    len: usize,
}

impl<T> Clone for SharedArray<T> {
    fn clone(&self) -> Self {
        SharedArray {
            cells: self.cells.clone(),
            len: self.len,
        }
    }
}

impl<T: SharedScalar> SharedArray<T> {
    /// A new shared array holding `initial` (Python's `Array(typecode, sequence)`).
    ///
    /// # Errors
    ///
    /// [`SharedArrayError::File`] if its file cannot be created.
    ///
    /// # Examples
    ///
    /// See [`SharedArray`].
    pub fn new(initial: &[T]) -> Result<SharedArray<T>, SharedArrayError> {
        Ok(SharedArray {
            cells: SharedValue::create(initial)?,
            len: initial.len(),
        })
    }

    /// A new shared array of `len` zeros (Python's `Array(typecode, size)`).
    ///
    /// # Errors
    ///
    /// As [`new`](Self::new); also [`SharedArrayError::File`] for a length too large for
    /// a file (the zeros are never held in memory).
    ///
    /// # Examples
    ///
    /// ```
    /// let a = corio_blocking::process::SharedArray::<u8>::zeroed(4)?;
    /// assert_eq!(a.to_vec()?, [0, 0, 0, 0]);
    /// # Ok::<(), corio_blocking::process::SharedArrayError>(())
    /// ```
    pub fn zeroed(len: usize) -> Result<SharedArray<T>, SharedArrayError> {
        Ok(SharedArray {
            cells: SharedValue::create_zeroed(len)?,
            len,
        })
    }

    /// Opens the array whose file is at `path` (what deserialising a handle does).
    ///
    /// # Errors
    ///
    /// [`SharedArrayError::File`] if the file cannot be opened (its creator dropped it?).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_blocking::process::SharedArray;
    ///
    /// let a = SharedArray::new(&[1u32, 2])?;
    /// let b = SharedArray::<u32>::open(a.path())?;
    /// b.set(1, 5)?;
    /// assert_eq!(a.to_vec()?, [1, 5]);
    /// # Ok::<(), corio_blocking::process::SharedArrayError>(())
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<SharedArray<T>, SharedArrayError> {
        let cells = SharedValue::open(path)?;
        let len = cells.cells()?;
        Ok(SharedArray { cells, len })
    }

    /// The path of the backing file.
    ///
    /// # Examples
    ///
    /// See [`SharedArray::open`].
    pub fn path(&self) -> &Path {
        self.cells.path()
    }

    /// The number of elements (Python's `len(a)`).
    ///
    /// # Examples
    ///
    /// ```
    /// let a = corio_blocking::process::SharedArray::<i64>::zeroed(7)?;
    /// assert_eq!(a.len(), 7);
    /// assert!(!a.is_empty());
    /// # Ok::<(), corio_blocking::process::SharedArrayError>(())
    /// ```
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it has no element.
    ///
    /// # Examples
    ///
    /// See [`len`](Self::len).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Takes the lock, shared by every process with this array (Python's
    /// `with a.get_lock():`); released when the guard drops. Reentrant, as
    /// [`SharedValue::get_lock`].
    ///
    /// # Errors
    ///
    /// [`SharedArrayError::File`] if the file lock fails.
    ///
    /// # Blocking
    ///
    /// Until no other thread or process holds it.
    ///
    /// # Examples
    ///
    /// See [`SharedArray`].
    pub fn get_lock(&self) -> Result<ArrayGuard<'_, T>, SharedArrayError> {
        Ok(ArrayGuard {
            _lock: self.cells.get_lock()?,
            array: self,
        })
    }

    /// Element `index`, read under the lock (Python's `a[index]`).
    ///
    /// # Errors
    ///
    /// [`SharedArrayError::OutOfRange`]; [`SharedArrayError::File`].
    ///
    /// # Examples
    ///
    /// See [`SharedArrayError`].
    pub fn get(&self, index: usize) -> Result<T, SharedArrayError> {
        self.get_lock()?.get(index)
    }

    /// Writes element `index` under the lock (Python's `a[index] = value`).
    ///
    /// # Errors
    ///
    /// As [`get`](Self::get).
    ///
    /// # Examples
    ///
    /// See [`SharedArray::open`].
    pub fn set(&self, index: usize, value: T) -> Result<(), SharedArrayError> {
        self.get_lock()?.set(index, value)
    }

    /// Every element, read under the lock (Python's `a[:]`).
    ///
    /// # Errors
    ///
    /// [`SharedArrayError::File`].
    ///
    /// # Examples
    ///
    /// See [`SharedArray`].
    pub fn to_vec(&self) -> Result<Vec<T>, SharedArrayError> {
        self.get_lock()?.to_vec()
    }

    fn check(&self, index: usize) -> Result<(), SharedArrayError> {
        if index < self.len {
            Ok(())
        } else {
            Err(SharedArrayError::OutOfRange {
                index,
                len: self.len,
            })
        }
    }
}

/// The lock of a [`SharedArray`], held until dropped; reads and writes through it do not
/// take the lock again.
///
/// # Examples
///
/// See [`SharedArray`].
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct ArrayGuard<'a, T: SharedScalar> {
    _lock: ValueGuard<'a, T>,
    array: &'a SharedArray<T>,
}

impl<T: SharedScalar> ArrayGuard<'_, T> {
    /// The array's length.
    ///
    /// # Examples
    ///
    /// See [`SharedArray`].
    pub fn len(&self) -> usize {
        self.array.len
    }

    /// Whether the array has no element.
    ///
    /// # Examples
    ///
    /// ```
    /// let a = corio_blocking::process::SharedArray::<u8>::zeroed(0)?;
    /// assert!(a.get_lock()?.is_empty());
    /// # Ok::<(), corio_blocking::process::SharedArrayError>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.array.len == 0
    }

    /// Element `index` (the lock is held).
    ///
    /// # Errors
    ///
    /// [`SharedArrayError::OutOfRange`]; [`SharedArrayError::File`].
    ///
    /// # Examples
    ///
    /// See [`SharedArray`].
    pub fn get(&self, index: usize) -> Result<T, SharedArrayError> {
        self.array.check(index)?;
        let cells = &self.array.cells;
        Ok(cells.read_at(index).map_err(|e| cells.error(e))?)
    }

    /// Writes element `index` (the lock is held).
    ///
    /// # Errors
    ///
    /// As [`get`](Self::get).
    ///
    /// # Examples
    ///
    /// See [`SharedArray`].
    pub fn set(&self, index: usize, value: T) -> Result<(), SharedArrayError> {
        self.array.check(index)?;
        let cells = &self.array.cells;
        Ok(cells.write_at(index, value).map_err(|e| cells.error(e))?)
    }

    /// Every element (the lock is held).
    ///
    /// # Errors
    ///
    /// [`SharedArrayError::File`].
    ///
    /// # Examples
    ///
    /// See [`SharedArray`].
    pub fn to_vec(&self) -> Result<Vec<T>, SharedArrayError> {
        let cells = &self.array.cells;
        Ok(cells.read_all(self.array.len).map_err(|e| cells.error(e))?)
    }
}

impl<T: SharedScalar> fmt::Debug for ArrayGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ArrayGuard")
            .field("path", &self.array.path())
            .finish()
    }
}

impl<T> fmt::Debug for SharedArray<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedArray")
            .field("cells", &self.cells)
            .field("len", &self.len)
            .finish()
    }
}

impl<T> Serialize for SharedArray<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.cells.serialize(serializer)
    }
}

impl<'de, T: SharedScalar> Deserialize<'de> for SharedArray<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let cells = SharedValue::<T>::deserialize(deserializer)?;
        let len = cells.cells().map_err(serde::de::Error::custom)?;
        Ok(SharedArray { cells, len })
    }
}
