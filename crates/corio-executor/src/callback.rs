use std::cell::Cell;
use std::fmt;
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
    pub(crate) fn new_dyn(f: F) -> Rc<dyn LocalCallback> {
        Rc::new(CallbackCell {
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
    pub(crate) cell: Rc<dyn LocalCallback>,
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
