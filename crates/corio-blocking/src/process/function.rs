//! [`ProcessFn`]: a function that worker processes can run, found by its name in the
//! registry given to [`init`](super::init).

use std::fmt;
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind};

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::fds::describe;
use super::wire::Failure;
use crate::error::Panic;

/// A function that a worker process can run: a name, and a plain `fn(A) -> R` whose
/// argument and result cross the process boundary serialised (serde, postcard).
///
/// Declare each one as a `static` and list it in [`init`](super::init), which the parent
/// and every worker run first thing in `main`: a worker finds the function by its name,
/// as Python's `spawn` start method finds a function by re-importing the main module.
/// Several arguments travel as a tuple; none as `()`.
///
/// # Examples
///
/// ```
/// use corio_blocking::process::ProcessFn;
///
/// fn add(args: (i64, i64)) -> i64 {
///     args.0 + args.1
/// }
/// static ADD: ProcessFn<(i64, i64), i64> = ProcessFn::new("add", add);
/// assert_eq!(ADD.name(), "add");
/// assert_eq!(ADD.call_here((2, 3)), 5);
/// ```
pub struct ProcessFn<A, R> {
    name: &'static str,
    f: fn(A) -> R,
    /// `fn(A) -> R` is `Send + Sync` whatever `A` and `R` are.
    _types: PhantomData<fn(A) -> R>,
}

impl<A, R> ProcessFn<A, R> {
    /// Names `f`. The name must be unique among the functions given to
    /// [`init`](super::init).
    ///
    /// # Examples
    ///
    /// See [`ProcessFn`].
    pub const fn new(name: &'static str, f: fn(A) -> R) -> ProcessFn<A, R> {
        ProcessFn {
            name,
            f,
            _types: PhantomData,
        }
    }

    /// The name it is registered under.
    ///
    /// # Examples
    ///
    /// See [`ProcessFn`].
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Runs the function in this process (no serialisation).
    ///
    /// # Examples
    ///
    /// See [`ProcessFn`].
    pub fn call_here(&self, args: A) -> R {
        (self.f)(args)
    }
}

impl<A, R> fmt::Debug for ProcessFn<A, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProcessFn")
            .field("name", &self.name)
            .finish()
    }
}

/// A [`ProcessFn`] with its types erased, as [`init`](super::init) lists them. Implemented
/// for every `ProcessFn` whose argument deserialises and whose result serialises.
///
/// # Examples
///
/// ```
/// use corio_blocking::process::{AnyProcessFn, ProcessFn};
///
/// fn hello(_: ()) {}
/// static HELLO: ProcessFn<(), ()> = ProcessFn::new("hello", hello);
/// let functions: &[&dyn AnyProcessFn] = &[&HELLO];
/// assert_eq!(functions[0].name(), "hello");
/// ```
pub trait AnyProcessFn: private::CallSerialized + Send + Sync + 'static {
    /// The registered name.
    fn name(&self) -> &'static str;
}

/// Sealed: the call method is the crate's, so the trait can be named but not implemented
/// or called outside it.
pub(crate) mod private {
    use super::Failure;

    // The sealed-trait idiom: nominally public so that it may bound a public trait,
    // never reachable from outside the crate.
    #[allow(unreachable_pub)]
    pub trait CallSerialized {
        /// Deserialises the argument, runs the function (catching a panic), serialises
        /// the result. Called in the worker process.
        fn call_serialized(&self, args: &[u8]) -> Result<Vec<u8>, Failure>;
    }
}

impl<A, R> AnyProcessFn for ProcessFn<A, R>
where
    A: DeserializeOwned + 'static,
    R: Serialize + 'static,
{
    fn name(&self) -> &'static str {
        self.name
    }
}

impl<A, R> private::CallSerialized for ProcessFn<A, R>
where
    A: DeserializeOwned + 'static,
    R: Serialize + 'static,
{
    fn call_serialized(&self, args: &[u8]) -> Result<Vec<u8>, Failure> {
        let args: A = postcard::from_bytes(args).map_err(|e| Failure::Arguments(describe(&e)))?;
        let result = catch_unwind(AssertUnwindSafe(|| (self.f)(args)))
            .map_err(|p| Failure::Panicked(Panic::from_payload(p).message().to_owned()))?;
        postcard::to_stdvec(&result).map_err(|e| Failure::Result(e.to_string()))
    }
}
