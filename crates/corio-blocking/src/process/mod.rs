//! Processes: [`ProcessPoolExecutor`] (Python's `concurrent.futures.ProcessPoolExecutor`),
//! [`Process`] (`multiprocessing.Process`), [`SharedValue`] (`multiprocessing.Value`),
//! [`SharedArray`] (`multiprocessing.Array`),
//! [`pipe`] / [`Connection`] (`multiprocessing.Pipe`) and [`Queue`]
//! (`multiprocessing.Queue`).
//!
//! # How a worker starts
//!
//! Python's `spawn` start method starts a fresh interpreter that re-imports the main
//! module and finds the function by name. Here a worker is the same binary started
//! again, with `CORIO_BLOCKING_WORKER` in its environment; it runs `main` up to
//! [`init`], which then serves the parent instead of returning. So:
//!
//! - call [`init`] **first thing in `main`**, in the parent and (because it is the same
//!   code) in every worker; whatever runs before it runs in every worker too;
//! - list there every [`ProcessFn`] a worker may run (functions are found by name);
//! - arguments and results are serde types, sent as postcard (compact, no schema); a
//!   [`Connection`] or a [`Queue`] among a [`Process`]'s arguments goes with its open
//!   descriptors, as Python passes them to a child.
//!
//! A worker's standard input is its channel to the parent (it then replaces it with
//! `/dev/null`, as Python's children have); its standard output and error are the
//! parent's, so what a function prints shows as in Python.
//!
//! # Examples
//!
//! ```
//! use corio_blocking::process::{self, ProcessFn, ProcessPoolExecutor};
//!
//! fn square(n: u64) -> u64 {
//!     n * n
//! }
//! static SQUARE: ProcessFn<u64, u64> = ProcessFn::new("square", square);
//!
//! fn main() {
//!     process::init(&[&SQUARE]); // in a worker, this never returns
//!
//!     let pool = ProcessPoolExecutor::with_max_workers(2);
//!     let fut = pool.submit(&SQUARE, 7).unwrap();
//!     assert_eq!(fut.result(None).unwrap(), 49);
//!     let all: Vec<u64> = pool.map(&SQUARE, 1..=4, None).unwrap().map(Result::unwrap).collect();
//!     assert_eq!(all, [1, 4, 9, 16]);
//! }
//! ```

mod array;
mod child;
mod fds;
mod function;
mod pipe;
mod pool;
mod queue;
mod spawn;
mod value;
mod wire;
mod worker;

use std::sync::OnceLock;

pub use array::{ArrayGuard, SharedArray, SharedArrayError};
pub use child::{Process, ProcessError};
pub use function::{AnyProcessFn, ProcessFn};
pub use pipe::{Connection, PipeError, pipe};
pub use pool::ProcessPoolExecutor;
pub use queue::{INLINE_MAX, Queue, QueueError};
pub use value::{SharedScalar, SharedValue, SharedValueError, ValueGuard};

use crate::error::SubmitError;

/// The functions given to [`init`] in this process.
static REGISTRY: OnceLock<Vec<&'static dyn AnyProcessFn>> = OnceLock::new();

/// Registers the functions worker processes may run, and, in a worker, serves the parent
/// and exits instead of returning. Call it first thing in `main`.
///
/// A second call in the same process changes nothing (the first list stays).
///
/// # Panics
///
/// If two functions share a name: a worker could not tell them apart.
///
/// # Examples
///
/// ```
/// use corio_blocking::process::{self, ProcessFn};
///
/// fn greet(name: String) -> String {
///     format!("Hi there, {name}")
/// }
/// static GREET: ProcessFn<String, String> = ProcessFn::new("greet", greet);
///
/// fn main() {
///     process::init(&[&GREET]);
///     assert!(process::is_initialized());
/// }
/// ```
pub fn init(functions: &[&'static dyn AnyProcessFn]) {
    for (i, f) in functions.iter().enumerate() {
        assert!(
            functions[..i].iter().all(|g| g.name() != f.name()),
            "corio_blocking::process::init: two functions are named `{}`",
            f.name()
        );
    }
    let registry = REGISTRY.get_or_init(|| functions.to_vec());
    if is_worker() {
        worker::serve(registry);
    }
}

/// Whether [`init`] ran in this process.
///
/// # Examples
///
/// See [`init`].
pub fn is_initialized() -> bool {
    REGISTRY.get().is_some()
}

/// Whether this process was started as a worker (it then never gets past [`init`]).
///
/// # Examples
///
/// ```
/// assert!(!corio_blocking::process::is_worker());
/// ```
pub fn is_worker() -> bool {
    // The variable holds the parent's pid: a program that a worker starts inherits the
    // variable but has another parent, so it is not mistaken for a worker.
    let Ok(parent) = std::env::var(wire::WORKER_ENV) else {
        return false;
    };
    if parent == std::os::unix::process::parent_id().to_string() {
        return true;
    }
    // The parent may have died before this process got here (another process adopted
    // it): it is still a worker, and must not run `main` as the parent would, if its
    // standard input is a socket, as its parent made it. A program a worker starts has
    // /dev/null (a worker's own standard input) or a pipe of its own there.
    rustix::fs::fstat(std::io::stdin()).is_ok_and(|stat| {
        rustix::fs::FileType::from_raw_mode(stat.st_mode) == rustix::fs::FileType::Socket
    })
}

/// Checks that `name` was registered with [`init`] in this process.
fn check_registered(name: &'static str) -> Result<(), SubmitError> {
    let registry = REGISTRY.get().ok_or(SubmitError::NotInitialized)?;
    if registry.iter().any(|f| f.name() == name) {
        Ok(())
    } else {
        Err(SubmitError::NotRegistered(name))
    }
}

/// Serialises an argument for a worker.
fn serialize_args<A: serde::Serialize>(args: &A) -> Result<Vec<u8>, SubmitError> {
    postcard::to_stdvec(args).map_err(|e| SubmitError::Serialize(fds::describe(&e).into()))
}
