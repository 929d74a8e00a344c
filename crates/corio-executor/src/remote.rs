use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use std::mem::ManuallyDrop;

use std::sync::PoisonError;

use concurrent_queue::ConcurrentQueue;

use crate::callback::{CallbackOutput, CallbackRc, LocalCallback};
use crate::park::Unpark;
use crate::task::raw::TaskRunnable;

/// A task step on its way from another thread to the executor's.
///
/// `Runnable<TaskMeta>` is not `Send` (the metadata is not thread-safe), yet a wake on
/// another thread must carry it to the executor's thread. Only the executor's thread runs,
/// drops or reads the metadata of what it carries; a `SendRunnable` that is dropped on any
/// other thread leaks its task rather than dropping a `!Send` future there.
pub(crate) struct SendRunnable {
    runnable: ManuallyDrop<TaskRunnable>,
    owner: std::thread::ThreadId,
}

// SAFETY: see the type's docs: the runnable is unwrapped (`into_inner`) or dropped on the
// executor's thread only; on any other thread it is leaked. Moving the pointer itself between
// threads is what async-task's `Runnable` is made for.
unsafe impl Send for SendRunnable {}

impl From<TaskRunnable> for SendRunnable {
    fn from(runnable: TaskRunnable) -> SendRunnable {
        let owner = runnable.metadata().shared().owner;
        SendRunnable {
            runnable: ManuallyDrop::new(runnable),
            owner,
        }
    }
}

impl SendRunnable {
    /// The runnable, on the executor's thread.
    pub(crate) fn into_inner(self) -> TaskRunnable {
        debug_assert_eq!(std::thread::current().id(), self.owner);
        let mut this = ManuallyDrop::new(self);
        // SAFETY: `this` is never used again nor dropped, so the runnable is moved out once.
        unsafe { ManuallyDrop::take(&mut this.runnable) }
    }

    /// Gives up on the task without dropping its future (we are not on its thread).
    pub(crate) fn leak(self) {
        std::mem::forget(self);
    }
}

impl Drop for SendRunnable {
    fn drop(&mut self) {
        if std::thread::current().id() == self.owner {
            // SAFETY: taken once, here, and `runnable` is not used again.
            let runnable = unsafe { ManuallyDrop::take(&mut self.runnable) };
            crate::ready::discard(runnable);
        }
    }
}

/// What other threads push toward the executor's thread.
pub(crate) enum RemoteEntry {
    Task(SendRunnable),
    Callback(Arc<ThreadsafeCallback>),
}

/// The part of an executor that other threads reach.
pub(crate) struct Shared {
    /// Entries from other threads (and wakes while the executor is gone); drained into the
    /// local ready queue at the start of each batch.
    pub(crate) queue: ConcurrentQueue<RemoteEntry>,
    /// Task steps woken on another thread after `queue` was closed but while the executor
    /// still exists (a wake racing `close()`): its thread drops them when the executor goes
    /// (`take_late`), so that their futures are dropped there and their handles see them
    /// cancelled. `None` once taken: a later wake leaks its step where it is.
    late: Mutex<Option<Vec<SendRunnable>>>,
    pub(crate) unpark: Arc<dyn Unpark>,
    pub(crate) id: u64,
    pub(crate) owner: std::thread::ThreadId,
}

impl Shared {
    pub(crate) fn new(unpark: Arc<dyn Unpark>, id: u64) -> Shared {
        Shared {
            queue: ConcurrentQueue::unbounded(),
            late: Mutex::new(Some(Vec::new())),
            unpark,
            id,
            owner: std::thread::current().id(),
        }
    }

    /// Keeps a step that `push` handed back for the executor's thread to drop, if the
    /// executor still exists; else leaks it (its future must not be dropped here).
    pub(crate) fn keep_late(&self, runnable: SendRunnable) {
        let mut late = self.late.lock().unwrap_or_else(PoisonError::into_inner);
        match late.as_mut() {
            Some(list) => list.push(runnable),
            None => runnable.leak(),
        }
    }

    /// The steps kept by `keep_late` so far; later ones are still kept. On the executor's
    /// thread, while it closes.
    pub(crate) fn drain_late(&self) -> Vec<SendRunnable> {
        let mut late = self.late.lock().unwrap_or_else(PoisonError::into_inner);
        late.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// The steps kept by `keep_late`; later ones are leaked. On the executor's thread, when
    /// the executor goes.
    pub(crate) fn take_late(&self) -> Vec<SendRunnable> {
        let mut late = self.late.lock().unwrap_or_else(PoisonError::into_inner);
        late.take().unwrap_or_default()
    }

    /// Pushes from another thread and wakes the driver. A push after close fails: the entry is
    /// handed back to the caller.
    pub(crate) fn push(&self, entry: RemoteEntry) -> Result<(), RemoteEntry> {
        match self.queue.push(entry) {
            Ok(()) => {
                self.unpark.unpark();
                Ok(())
            }
            Err(e) => Err(e.into_inner()),
        }
    }
}

/// A callback from another thread, giving back the failure it returned, if any.
type ThreadsafeFn = Box<dyn FnOnce() -> Option<String> + Send>;

/// A `call_soon_threadsafe` callback.
pub(crate) struct ThreadsafeCallback {
    cancelled: AtomicBool,
    f: Mutex<Option<ThreadsafeFn>>,
    pub(crate) name: &'static str,
}

/// A `call_soon_threadsafe` callback in the local ready queue.
struct LocalEntry(Arc<ThreadsafeCallback>);

impl LocalCallback for LocalEntry {
    fn run(&self) -> Option<String> {
        self.0.run()
    }

    fn cancel(&self) {
        self.0.cancel();
    }

    fn cancelled(&self) -> bool {
        self.0.cancelled.load(Ordering::Acquire)
    }

    fn name(&self) -> &'static str {
        self.0.name
    }
}

impl ThreadsafeCallback {
    /// The entry for the local ready queue (on the executor's thread).
    pub(crate) fn into_local(self: Arc<Self>) -> CallbackRc {
        CallbackRc::new(LocalEntry(self))
    }

    fn cancel(&self) {
        self.cancelled.store(true, Ordering::Release);
        let f = self.f.lock().unwrap_or_else(|e| e.into_inner()).take();
        drop(f);
    }

    pub(crate) fn run(&self) -> Option<String> {
        if self.cancelled.load(Ordering::Acquire) {
            return None;
        }
        let f = self.f.lock().unwrap_or_else(|e| e.into_inner()).take();
        f.and_then(|f| f())
    }
}

/// The executor is closed: nothing can be scheduled on it any more.
///
/// # Examples
///
/// ```
/// # let (_, unparker) = corio_executor::park::pair();
/// let ex = corio_executor::LocalExecutor::new(unparker);
/// let remote = ex.remote();
/// ex.close();
/// let err = remote.call_soon_threadsafe(|| {}).unwrap_err();
/// assert_eq!(err.to_string(), "the executor is closed");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the executor is closed")]
pub struct Closed;

/// A handle to an executor that any thread may hold: schedules callbacks on the executor's
/// thread and wakes it.
///
/// asyncio's `loop.call_soon_threadsafe`. `Send + Sync + Clone`.
///
/// # Examples
///
/// ```
/// use std::sync::mpsc;
/// use corio_executor::{LocalExecutor, park};
///
/// let (mut parker, unparker) = park::pair();
/// let ex = LocalExecutor::new(unparker);
/// let remote = ex.remote();
/// let (tx, rx) = mpsc::channel();
/// std::thread::spawn(move || {
///     remote.call_soon_threadsafe(move || tx.send("ran on the executor's thread").unwrap()).unwrap();
/// });
/// let msg = ex.block_on(async move {
///     loop {
///         if let Ok(m) = rx.try_recv() { break m; }
///         corio_executor::yield_now().await;
///     }
/// }, &mut parker);
/// assert_eq!(msg, "ran on the executor's thread");
/// ```
#[derive(Clone)]
pub struct Remote {
    pub(crate) shared: Arc<Shared>,
}

impl Remote {
    /// Schedules `f` on the executor's thread, after everything already queued, and wakes it.
    ///
    /// # Errors
    ///
    /// [`Closed`] once the executor is closed; `f` is dropped.
    ///
    /// # Examples
    ///
    /// See [`Remote`].
    pub fn call_soon_threadsafe<R: CallbackOutput>(
        &self,
        f: impl FnOnce() -> R + Send + 'static,
    ) -> Result<ThreadsafeHandle, Closed> {
        let name = std::any::type_name_of_val(&f);
        let cb = Arc::new(ThreadsafeCallback {
            cancelled: AtomicBool::new(false),
            f: Mutex::new(Some(Box::new(move || f().into_failure()))),
            name,
        });
        // On the executor's own thread the callback joins the local queue directly, so it
        // keeps its FIFO place among `call_soon` callbacks (asyncio's order).
        if let Some(inner) = crate::context::local_inner(&self.shared) {
            if inner.is_closed() {
                return Err(Closed);
            }
            inner.push_local(crate::ready::Ready::callback(cb.clone().into_local()));
            return Ok(ThreadsafeHandle { cb });
        }
        self.shared
            .push(RemoteEntry::Callback(cb.clone()))
            .map_err(|_| Closed)?;
        Ok(ThreadsafeHandle { cb })
    }

    /// Whether the executor was closed.
    ///
    /// # Examples
    ///
    /// See [`Closed`].
    pub fn is_closed(&self) -> bool {
        self.shared.queue.is_closed()
    }

    /// Wakes the executor's driver without scheduling anything.
    ///
    /// # Examples
    ///
    /// ```
    /// # let (_, unparker) = corio_executor::park::pair();
    /// let ex = corio_executor::LocalExecutor::new(unparker);
    /// ex.remote().wake();
    /// ```
    pub fn wake(&self) {
        self.shared.unpark.unpark();
    }
}

impl fmt::Debug for Remote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Remote")
            .field("executor", &self.shared.id)
            .field("closed", &self.is_closed())
            .finish()
    }
}

/// A callback scheduled from another thread; see [`Remote::call_soon_threadsafe`].
///
/// `Send + Sync`: cancel it from any thread.
///
/// # Examples
///
/// ```
/// # let (_, unparker) = corio_executor::park::pair();
/// let ex = corio_executor::LocalExecutor::new(unparker);
/// let handle = ex.remote().call_soon_threadsafe(|| -> () { panic!("cancelled first") }).unwrap();
/// handle.cancel();
/// assert!(handle.cancelled());
/// ex.run_batch(); // the callback is skipped
/// ```
#[derive(Clone)]
pub struct ThreadsafeHandle {
    cb: Arc<ThreadsafeCallback>,
}

impl ThreadsafeHandle {
    /// Cancels the callback if it has not started; what it captured is dropped now.
    ///
    /// # Examples
    ///
    /// See [`ThreadsafeHandle`].
    pub fn cancel(&self) {
        self.cb.cancel();
    }

    /// Whether [`ThreadsafeHandle::cancel`] was called.
    ///
    /// # Examples
    ///
    /// See [`ThreadsafeHandle`].
    pub fn cancelled(&self) -> bool {
        self.cb.cancelled.load(Ordering::Acquire)
    }
}

impl fmt::Debug for ThreadsafeHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadsafeHandle")
            .field("callback", &self.cb.name)
            .field("cancelled", &self.cancelled())
            .finish()
    }
}
