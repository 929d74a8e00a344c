use std::cell::Cell;
use std::fmt;
use std::ops::Deref;
use std::ptr::NonNull;
use std::rc::Rc;

/// What a callback may return: nothing, or a `Result` whose error is reported to the
/// executor's hook (asyncio passes an exception raised in a callback to the loop's exception
/// handler) instead of being lost. A `Result`'s `Ok` value is dropped, so a callback may end
/// with a nested scheduling call itself (`|| lp.call_soon(..)`, whose `Ok` is a handle).
///
/// # Examples
///
/// ```
/// use std::{cell::RefCell, rc::Rc};
/// # let (_, unparker) = corio_executor::park::pair();
/// let ex = corio_executor::LocalExecutor::new(unparker);
/// let seen = Rc::new(RefCell::new(Vec::new()));
/// let s = seen.clone();
/// ex.set_hook(move |event| s.borrow_mut().push(event.to_string()));
/// ex.call_soon(|| -> Result<(), std::fmt::Error> { Err(std::fmt::Error) });
/// ex.run_batch();
/// assert!(seen.borrow()[0].contains("an error occurred when formatting an argument"));
/// ```
pub trait CallbackOutput {
    /// The failure to report, if any.
    fn into_failure(self) -> Option<String>;
}

impl CallbackOutput for () {
    fn into_failure(self) -> Option<String> {
        None
    }
}

impl<T, E: std::fmt::Display> CallbackOutput for Result<T, E> {
    fn into_failure(self) -> Option<String> {
        self.err().map(|e| e.to_string())
    }
}

/// A callback queued on the executor, type-erased; one allocation per `call_soon`.
pub(crate) trait LocalCallback {
    /// Runs the callback unless it was cancelled; runs it at most once. Gives back the
    /// failure the callback returned, if any.
    fn run(&self) -> Option<String>;
    fn cancel(&self);
    fn cancelled(&self) -> bool;
    /// The callback's type name, for debug reports.
    fn name(&self) -> &'static str;
}

pub(crate) struct CallbackCell<F> {
    cancelled: Cell<bool>,
    f: Cell<Option<F>>,
}

impl<F, R> CallbackCell<F>
where
    F: FnOnce() -> R + 'static,
    R: CallbackOutput,
{
    pub(crate) fn new_dyn(f: F) -> CallbackRc {
        CallbackRc::new(CallbackCell {
            cancelled: Cell::new(false),
            f: Cell::new(Some(f)),
        })
    }
}

impl<F, R> LocalCallback for CallbackCell<F>
where
    F: FnOnce() -> R,
    R: CallbackOutput,
{
    fn run(&self) -> Option<String> {
        if self.cancelled.get() {
            return None;
        }
        self.f.take().and_then(|f| f().into_failure())
    }

    fn cancel(&self) {
        self.cancelled.set(true);
        // Release what the callback holds at once, as asyncio's Handle.cancel does.
        drop(self.f.take());
    }

    fn cancelled(&self) -> bool {
        self.cancelled.get()
    }

    fn name(&self) -> &'static str {
        std::any::type_name::<F>()
    }
}

/// A queued callback: an `Rc<dyn LocalCallback>` whose allocation begins with the function
/// that rebuilds that `dyn` pointer from the allocation's address alone, so that the ready
/// queue keeps a callback in one word, as it keeps a task step (see `ready::Ready`): every
/// queued task pays 8 bytes instead of 16. Made only by [`CallbackRc::new`], which is what
/// makes [`CallbackRc::from_thin`] sound.
#[derive(Clone)]
pub(crate) struct CallbackRc(Rc<dyn LocalCallback>);

/// Rebuilds the `dyn` pointer of a [`Thin`] from its address.
type Fatten = fn(NonNull<()>) -> NonNull<dyn LocalCallback>;

/// The allocation of a [`CallbackRc`]: `fatten` first (`repr(C)`), at the address the thin
/// pointer keeps.
#[repr(C)]
struct Thin<C> {
    fatten: Fatten,
    callback: C,
}

fn fatten<C: LocalCallback + 'static>(ptr: NonNull<()>) -> NonNull<dyn LocalCallback> {
    ptr.cast::<Thin<C>>()
}

impl<C: LocalCallback> LocalCallback for Thin<C> {
    fn run(&self) -> Option<String> {
        self.callback.run()
    }

    fn cancel(&self) {
        self.callback.cancel();
    }

    fn cancelled(&self) -> bool {
        self.callback.cancelled()
    }

    fn name(&self) -> &'static str {
        self.callback.name()
    }
}

impl CallbackRc {
    #[inline]
    pub(crate) fn new<C: LocalCallback + 'static>(callback: C) -> CallbackRc {
        CallbackRc(Rc::new(Thin {
            fatten: fatten::<C>,
            callback,
        }))
    }

    /// The allocation's address (8-aligned: its first field is a function pointer), which
    /// owns this count until [`CallbackRc::from_thin`] takes it back.
    #[inline]
    pub(crate) fn into_thin(self) -> NonNull<()> {
        let ptr = Rc::into_raw(self.0).cast::<()>().cast_mut();
        NonNull::new(ptr).unwrap_or_else(|| unreachable!("Rc pointers are not null"))
    }

    /// The callback whose [`CallbackRc::into_thin`] gave `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` came from `into_thin`, and is given back once.
    #[inline]
    pub(crate) unsafe fn from_thin(ptr: NonNull<()>) -> CallbackRc {
        // SAFETY: `ptr` is the address of the `Thin<C>` that `CallbackRc::new` made (the
        // only way to make a `CallbackRc`), alive while the count `into_thin` kept is not
        // given back; `repr(C)` puts `fatten` at that address, aligned.
        let fatten = unsafe { ptr.cast::<Fatten>().read() };
        // SAFETY: `fatten::<C>` gives back the very pointer `Rc::into_raw` gave in
        // `into_thin`, its `dyn` metadata included (`Thin<C>`'s `LocalCallback` vtable), and
        // this takes back the count it kept, once.
        CallbackRc(unsafe { Rc::from_raw(fatten(ptr).as_ptr().cast_const()) })
    }
}

impl Deref for CallbackRc {
    type Target = dyn LocalCallback;

    fn deref(&self) -> &(dyn LocalCallback + 'static) {
        &*self.0
    }
}

/// A callback scheduled with `call_soon`; cancel it before it runs with [`Handle::cancel`].
///
/// asyncio's `Handle`. Dropping the handle does not cancel the callback.
///
/// # Examples
///
/// ```
/// use std::cell::Cell;
/// use std::rc::Rc;
/// use corio_executor::{LocalExecutor, park};
///
/// let (mut parker, unparker) = park::pair();
/// let ex = LocalExecutor::new(unparker);
/// let ran = Rc::new(Cell::new(false));
/// let r = ran.clone();
/// let handle = ex.call_soon(move || r.set(true));
/// handle.cancel();
/// assert!(handle.cancelled());
/// ex.run_batch();
/// assert!(!ran.get());
/// ```
#[derive(Clone)]
pub struct Handle {
    pub(crate) cell: CallbackRc,
}

impl Handle {
    /// Cancels the callback if it has not run yet; its captured values are dropped now.
    ///
    /// # Examples
    ///
    /// See [`Handle`].
    pub fn cancel(&self) {
        self.cell.cancel();
    }

    /// Whether [`Handle::cancel`] was called.
    ///
    /// # Examples
    ///
    /// See [`Handle`].
    pub fn cancelled(&self) -> bool {
        self.cell.cancelled()
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("callback", &self.cell.name())
            .field("cancelled", &self.cancelled())
            .finish()
    }
}
