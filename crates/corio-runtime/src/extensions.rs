//! What the crates above the loop core build on: the loop's reactor, and per-loop storage
//! for the state of the loop methods they add (corio-net's `add_reader` registry, ...),
//! so that those methods live in their own crates and not in `event_loop.rs`.

use std::any::{Any, TypeId};
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

use corio_reactor::Reactor;

use crate::EventLoop;

/// Per-loop values keyed by type.
#[derive(Default)]
pub(crate) struct Extensions {
    map: RefCell<HashMap<TypeId, Rc<dyn Any>>>,
}

impl fmt::Debug for Extensions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Extensions")
            .field("len", &self.map.borrow().len())
            .finish()
    }
}

impl EventLoop {
    /// The loop's reactor: where sockets and descriptors used with this loop are
    /// registered (the current reactor while the loop runs).
    ///
    /// # Examples
    ///
    /// ```
    /// let lp = corio_runtime::EventLoop::new()?;
    /// let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
    /// let a = corio_reactor::Async::with_reactor(a, lp.reactor()).unwrap();
    /// assert_eq!(lp.reactor().source_count(), 1);
    /// # drop(a);
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    #[must_use]
    pub fn reactor(&self) -> &Reactor {
        &self.inner.reactor
    }

    /// The loop's value of type `T`, made with `T::default()` on first use: the per-loop
    /// state of loop methods that other crates add (as `http::Extensions` does for
    /// requests). Use a private type of your crate as `T` so no one else can reach it.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::cell::Cell;
    ///
    /// #[derive(Default)]
    /// struct Counter(Cell<u32>);
    ///
    /// let lp = corio_runtime::EventLoop::new()?;
    /// lp.extension::<Counter>().0.set(7);
    /// assert_eq!(lp.extension::<Counter>().0.get(), 7);
    /// assert_eq!(corio_runtime::EventLoop::new()?.extension::<Counter>().0.get(), 0);
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    pub fn extension<T: Default + 'static>(&self) -> Rc<T> {
        let mut map = self.inner.extensions.map.borrow_mut();
        let value = map
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Rc::new(T::default()) as Rc<dyn Any>);
        match Rc::clone(value).downcast::<T>() {
            Ok(value) => value,
            // Stored under `TypeId::of::<T>()` as a `T`, by the line above.
            Err(_) => unreachable!("extension stored under another type's id"),
        }
    }
}
