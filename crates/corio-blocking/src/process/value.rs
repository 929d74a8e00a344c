//! [`SharedValue`]: Python's `multiprocessing.Value`: one number shared by processes,
//! behind a lock that works across them.
//!
//! The design, and why: the value lives in a small file on `/dev/shm` (tmpfs: memory, not
//! disk; the system's temporary directory where there is none), read and written with
//! `pread`/`pwrite` under an exclusive `flock` on that file.
//!
//! - No `unsafe`: an mmap'd region shared with other processes is memory that changes
//!   under Rust's feet (every access would have to be atomic or volatile to be sound);
//!   file reads and writes have no such question.
//! - The lock is released by the kernel when its holder dies, so a killed process cannot
//!   leave the others waiting for ever (Python's semaphore stays taken in that case).
//! - `flock` excludes open file descriptions, not threads, so each handle also holds a
//!   reentrant in-process lock; reentrant, because Python's `get_lock()` is an `RLock`:
//!   `value.set(value.get() + 1)` inside `with value.get_lock():` works.
//! - The handle crosses to a child as the file's path (serde); the creating handle removes
//!   the file when its last clone drops, and a child's handle keeps its own open file.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io;
use std::marker::PhantomData;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::ThreadId;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

/// A number a [`SharedValue`] can hold: stored as 8 bytes.
///
/// # Examples
///
/// ```
/// use corio_blocking::process::SharedScalar;
///
/// assert_eq!(f64::from_bits64(1.5f64.to_bits64()), 1.5);
/// assert_eq!(i32::from_bits64((-3i32).to_bits64()), -3);
/// ```
pub trait SharedScalar: Copy + Send + Sync + 'static {
    /// The value as 8 bytes' worth of bits.
    fn to_bits64(self) -> u64;
    /// The value back from [`to_bits64`](Self::to_bits64)'s bits.
    fn from_bits64(bits: u64) -> Self;
}

macro_rules! int_scalar {
    ($($t:ty),*) => {$(
        impl SharedScalar for $t {
            fn to_bits64(self) -> u64 {
                // Sign-extending then truncating back is the identity for every value.
                self as i128 as u64
            }
            fn from_bits64(bits: u64) -> Self {
                bits as $t
            }
        }
    )*};
}
int_scalar!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl SharedScalar for f64 {
    fn to_bits64(self) -> u64 {
        self.to_bits()
    }
    fn from_bits64(bits: u64) -> Self {
        f64::from_bits(bits)
    }
}

impl SharedScalar for f32 {
    fn to_bits64(self) -> u64 {
        u64::from(self.to_bits())
    }
    fn from_bits64(bits: u64) -> Self {
        f32::from_bits(bits as u32)
    }
}

impl SharedScalar for bool {
    fn to_bits64(self) -> u64 {
        u64::from(self)
    }
    fn from_bits64(bits: u64) -> Self {
        bits != 0
    }
}

/// Creating, opening, reading or writing a [`SharedValue`] failed.
///
/// # Examples
///
/// ```
/// use corio_blocking::process::{SharedValue, SharedValueError};
///
/// let err: SharedValueError = SharedValue::<i32>::open("/nonexistent/corio").unwrap_err();
/// assert!(err.to_string().contains("/nonexistent/corio"));
/// ```
#[derive(Debug, Clone, Error)]
#[error("shared value {path}: {source}")]
pub struct SharedValueError {
    path: PathBuf,
    #[source]
    source: Arc<io::Error>,
}

impl SharedValueError {
    fn new(path: &Path, source: io::Error) -> SharedValueError {
        SharedValueError {
            path: path.to_owned(),
            source: Arc::new(source),
        }
    }
}

/// Who holds the in-process half of the lock, and how many times.
struct Owner {
    thread: Option<ThreadId>,
    depth: usize,
}

struct Inner {
    file: File,
    path: PathBuf,
    /// The creating process's handle removes the file when dropped.
    remove_on_drop: bool,
    owner: Mutex<Owner>,
    released: Condvar,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if self.remove_on_drop {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// A number shared between processes, with a lock (Python's `multiprocessing.Value`).
///
/// Clone it to share it between threads; pass it (it is `Serialize`) to a [`Process`](super::Process)
/// or a pool's initializer to share it with other processes.
/// [`get`](Self::get) and [`set`](Self::set) take the lock for their own access, as
/// Python's synchronized `.value` does; [`get_lock`](Self::get_lock) holds it across a
/// read-modify-write. See the module source for why it is a lock file on tmpfs.
///
/// # Examples
///
/// ```
/// use corio_blocking::process::SharedValue;
///
/// let counter = SharedValue::new(0i32)?;
/// {
///     let _guard = counter.get_lock()?; // with counter.get_lock():
///     counter.set(counter.get()? + 1)?; //     counter.value += 1
/// }
/// assert_eq!(counter.get()?, 1);
/// # Ok::<(), corio_blocking::process::SharedValueError>(())
/// ```
#[doc(alias = "multiprocessing.Value")]
pub struct SharedValue<T> {
    inner: Arc<Inner>,
    _value: PhantomData<fn() -> T>,
}

impl<T> Clone for SharedValue<T> {
    fn clone(&self) -> Self {
        SharedValue {
            inner: self.inner.clone(),
            _value: PhantomData,
        }
    }
}

/// Where the files go: `/dev/shm` where it exists (memory), else the temporary directory.
fn directory() -> PathBuf {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        shm.to_owned()
    } else {
        std::env::temp_dir()
    }
}

impl<T: SharedScalar> SharedValue<T> {
    /// A new shared value (Python's `Value(typecode, initial)`; the type plays the
    /// typecode's part: `i32` for `'i'`, `f64` for `'d'`).
    ///
    /// # Errors
    ///
    /// [`SharedValueError`] if its file cannot be created.
    ///
    /// # Examples
    ///
    /// See [`SharedValue`].
    pub fn new(initial: T) -> Result<SharedValue<T>, SharedValueError> {
        SharedValue::create(&[initial])
    }

    /// A new file holding `cells` (the value is cell 0; a `SharedArray` uses them all).
    pub(super) fn create(cells: &[T]) -> Result<SharedValue<T>, SharedValueError> {
        let value = SharedValue::create_empty()?;
        let bytes: Vec<u8> = cells
            .iter()
            .flat_map(|cell| cell.to_bits64().to_le_bytes())
            .collect();
        value
            .inner
            .file
            .write_all_at(&bytes, 0)
            .map_err(|e| SharedValueError::new(&value.inner.path, e))?;
        Ok(value)
    }

    /// A new file of `len` zero cells, sized without writing them (nor holding them in
    /// memory first): a length too large for a file is an error, not an allocation failure.
    pub(super) fn create_zeroed(len: usize) -> Result<SharedValue<T>, SharedValueError> {
        let value = SharedValue::create_empty()?;
        let size = u64::try_from(len)
            .ok()
            .and_then(|len| len.checked_mul(8))
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("{len} cells do not fit in a file"),
                )
            });
        size.and_then(|size| value.inner.file.set_len(size))
            .map_err(|e| SharedValueError::new(&value.inner.path, e))?;
        Ok(value)
    }

    /// A new, empty file.
    fn create_empty() -> Result<SharedValue<T>, SharedValueError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let dir = directory();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = dir.join(format!(
            "corio-value-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .map_err(|e| SharedValueError::new(&path, e))?;
        Ok(SharedValue::from_file(file, path, true))
    }

    /// How many cells the file holds.
    pub(super) fn cells(&self) -> Result<usize, SharedValueError> {
        let len = self
            .inner
            .file
            .metadata()
            .map_err(|e| SharedValueError::new(&self.inner.path, e))?
            .len();
        Ok(usize::try_from(len / 8).unwrap_or(usize::MAX))
    }

    /// An error about this value's file.
    pub(super) fn error(&self, source: io::Error) -> SharedValueError {
        SharedValueError::new(&self.inner.path, source)
    }

    /// Opens the value whose file is at `path` (what deserialising a handle does).
    ///
    /// # Errors
    ///
    /// [`SharedValueError`] if the file cannot be opened (its creator dropped it?).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_blocking::process::SharedValue;
    ///
    /// let a = SharedValue::new(5u8)?;
    /// let b = SharedValue::<u8>::open(a.path())?;
    /// b.set(6)?;
    /// assert_eq!(a.get()?, 6);
    /// # Ok::<(), corio_blocking::process::SharedValueError>(())
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<SharedValue<T>, SharedValueError> {
        let path = path.as_ref();
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(|e| SharedValueError::new(path, e))?;
        Ok(SharedValue::from_file(file, path.to_owned(), false))
    }

    fn from_file(file: File, path: PathBuf, remove_on_drop: bool) -> SharedValue<T> {
        SharedValue {
            inner: Arc::new(Inner {
                file,
                path,
                remove_on_drop,
                owner: Mutex::new(Owner {
                    thread: None,
                    depth: 0,
                }),
                released: Condvar::new(),
            }),
            _value: PhantomData,
        }
    }

    /// The path of the backing file.
    ///
    /// # Examples
    ///
    /// See [`SharedValue::open`].
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Takes the lock, shared by every process with this value (Python's
    /// `get_lock().acquire()`, or `with get_lock():`); released when the guard drops.
    /// Reentrant: the thread holding it may take it again (and [`get`](Self::get) /
    /// [`set`](Self::set) do).
    ///
    /// # Errors
    ///
    /// [`SharedValueError`] if the file lock fails.
    ///
    /// # Blocking
    ///
    /// Until no other thread or process holds it.
    ///
    /// # Examples
    ///
    /// See [`SharedValue`].
    pub fn get_lock(&self) -> Result<ValueGuard<'_, T>, SharedValueError> {
        let me = std::thread::current().id();
        let inner = &*self.inner;
        let mut owner = inner.owner.lock().unwrap_or_else(PoisonError::into_inner);
        if owner.thread == Some(me) {
            owner.depth += 1;
            return Ok(ValueGuard { value: self });
        }
        while owner.thread.is_some() {
            owner = inner
                .released
                .wait(owner)
                .unwrap_or_else(PoisonError::into_inner);
        }
        owner.thread = Some(me);
        owner.depth = 1;
        drop(owner);
        // This thread now owns the in-process half; take the other processes' half.
        if let Err(e) = inner.file.lock() {
            self.release_local();
            return Err(SharedValueError::new(&inner.path, e));
        }
        Ok(ValueGuard { value: self })
    }

    /// Gives up one level of the in-process lock; the last one frees the file lock too.
    fn release(&self) {
        let inner = &*self.inner;
        let mut owner = inner.owner.lock().unwrap_or_else(PoisonError::into_inner);
        owner.depth -= 1;
        if owner.depth == 0 {
            let _ = inner.file.unlock();
            owner.thread = None;
            drop(owner);
            inner.released.notify_one();
        }
    }

    fn release_local(&self) {
        let inner = &*self.inner;
        let mut owner = inner.owner.lock().unwrap_or_else(PoisonError::into_inner);
        owner.thread = None;
        owner.depth = 0;
        drop(owner);
        inner.released.notify_one();
    }

    fn read(&self) -> io::Result<T> {
        self.read_at(0)
    }

    fn write(&self, value: T) -> io::Result<()> {
        self.write_at(0, value)
    }

    /// Cell `index`, without taking the lock.
    pub(super) fn read_at(&self, index: usize) -> io::Result<T> {
        let mut bytes = [0u8; 8];
        self.inner.file.read_exact_at(&mut bytes, offset(index)?)?;
        Ok(T::from_bits64(u64::from_le_bytes(bytes)))
    }

    /// Writes cell `index`, without taking the lock.
    pub(super) fn write_at(&self, index: usize, value: T) -> io::Result<()> {
        self.inner
            .file
            .write_all_at(&value.to_bits64().to_le_bytes(), offset(index)?)
    }

    /// Every cell, without taking the lock.
    pub(super) fn read_all(&self, len: usize) -> io::Result<Vec<T>> {
        let mut bytes = vec![
            0u8;
            len.checked_mul(8)
                .ok_or_else(|| io::Error::other("too long"))?
        ];
        self.inner.file.read_exact_at(&mut bytes, 0)?;
        Ok(bytes
            .chunks_exact(8)
            .map(|c| T::from_bits64(u64::from_le_bytes(c.try_into().unwrap_or([0; 8]))))
            .collect())
    }

    /// Reads the value under the lock (Python's `.value`).
    ///
    /// # Errors
    ///
    /// [`SharedValueError`] if locking or reading fails.
    ///
    /// # Examples
    ///
    /// See [`SharedValue`].
    pub fn get(&self) -> Result<T, SharedValueError> {
        let _guard = self.get_lock()?;
        self.read()
            .map_err(|e| SharedValueError::new(&self.inner.path, e))
    }

    /// Writes the value under the lock (Python's `.value = x`).
    ///
    /// # Errors
    ///
    /// [`SharedValueError`] if locking or writing fails.
    ///
    /// # Examples
    ///
    /// See [`SharedValue`].
    pub fn set(&self, value: T) -> Result<(), SharedValueError> {
        let _guard = self.get_lock()?;
        self.write(value)
            .map_err(|e| SharedValueError::new(&self.inner.path, e))
    }
}

/// The byte offset of cell `index`.
fn offset(index: usize) -> io::Result<u64> {
    u64::try_from(index)
        .ok()
        .and_then(|i| i.checked_mul(8))
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "cell index too large"))
}

/// The lock of a [`SharedValue`], held until dropped (Python's `with value.get_lock():`).
///
/// # Examples
///
/// See [`SharedValue`].
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct ValueGuard<'a, T: SharedScalar> {
    value: &'a SharedValue<T>,
}

impl<T: SharedScalar> ValueGuard<'_, T> {
    /// Reads the value (the lock is held).
    ///
    /// # Errors
    ///
    /// [`SharedValueError`] if reading fails.
    ///
    /// # Examples
    ///
    /// ```
    /// let v = corio_blocking::process::SharedValue::new(1.5f64)?;
    /// let guard = v.get_lock()?;
    /// guard.set(guard.get()? * 2.0)?;
    /// drop(guard);
    /// assert_eq!(v.get()?, 3.0);
    /// # Ok::<(), corio_blocking::process::SharedValueError>(())
    /// ```
    pub fn get(&self) -> Result<T, SharedValueError> {
        self.value
            .read()
            .map_err(|e| SharedValueError::new(&self.value.inner.path, e))
    }

    /// Writes the value (the lock is held).
    ///
    /// # Errors
    ///
    /// [`SharedValueError`] if writing fails.
    ///
    /// # Examples
    ///
    /// See [`ValueGuard::get`].
    pub fn set(&self, value: T) -> Result<(), SharedValueError> {
        self.value
            .write(value)
            .map_err(|e| SharedValueError::new(&self.value.inner.path, e))
    }
}

impl<T: SharedScalar> Drop for ValueGuard<'_, T> {
    fn drop(&mut self) {
        self.value.release();
    }
}

impl<T: SharedScalar> fmt::Debug for ValueGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ValueGuard")
            .field("path", &self.value.inner.path)
            .finish()
    }
}

impl<T> fmt::Debug for SharedValue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedValue")
            .field("path", &self.inner.path)
            .finish()
    }
}

impl<T> Serialize for SharedValue<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let path = self
            .inner
            .path
            .to_str()
            .ok_or_else(|| serde::ser::Error::custom("shared value path is not UTF-8"))?;
        serializer.serialize_str(path)
    }
}

impl<'de, T: SharedScalar> Deserialize<'de> for SharedValue<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let path = String::deserialize(deserializer)?;
        SharedValue::open(path).map_err(serde::de::Error::custom)
    }
}
