//! [`Fallible`]: whether a task's output says the task failed, for `wait(FIRST_EXCEPTION)`.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet, LinkedList, VecDeque};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::process::{ExitStatus, Output};
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// Whether a task's output is a failure: what [`wait`](crate::wait) with
/// [`FIRST_EXCEPTION`](crate::FIRST_EXCEPTION) looks for, besides a panic.
///
/// In asyncio a task fails by raising; in Rust it returns `Err`. So a [`Result`] output is a
/// failure when it is `Err`, and `wait(tasks, None, FIRST_EXCEPTION)` returns as soon as a
/// task returned `Err(_)` (or panicked). Outputs that are not a `Result` never fail this
/// way: the trait is implemented, with `is_failure` always `false`, for the standard
/// library's plain types, collections, smart pointers and tuples. For an output type of your
/// own, one line opts in (the default method says "never a failure"), or implement
/// `is_failure` to say when it is one. A type of another crate can be returned wrapped in
/// `Ok(..)` or in a type of your own.
///
/// It is a bound of the [`Waitable`](crate::Waitable) implementation of
/// [`SharedTask`](crate::SharedTask), and so of `wait` and [`shield`](crate::shield) over
/// shared tasks.
///
/// # Examples
///
/// ```
/// use corio_runtime::{Fallible, FIRST_EXCEPTION, run, spawn, wait};
///
/// #[derive(Clone)]
/// struct Reply {
///     status: u16,
/// }
///
/// // A reply is a failure when its status says so.
/// impl Fallible for Reply {
///     fn is_failure(&self) -> bool {
///         self.status >= 500
///     }
/// }
///
/// #[derive(Clone)]
/// struct Report; // never a failure
/// impl Fallible for Report {}
///
/// assert!(Err::<u8, &str>("no").is_failure());
/// assert!(!Ok::<u8, &str>(1).is_failure());
/// assert!(!(1, "a").is_failure());
/// assert!(!Report.is_failure());
///
/// run(async {
///     let bad = spawn(async { Reply { status: 503 } }).share();
///     let slow = spawn(std::future::pending::<Reply>()).share();
///     let (done, pending) = wait([bad.clone(), slow.clone()], None, FIRST_EXCEPTION).await.unwrap();
///     assert_eq!((done, pending), (vec![bad], vec![slow.clone()]));
///     slow.cancel();
/// })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "corio cannot tell whether a task output of type `{Self}` is a failure",
    label = "`{Self}` does not implement `corio_runtime::Fallible`",
    note = "`wait(.., FIRST_EXCEPTION)` counts a task as failed when its output is `Err(_)`: return a `Result`, or add `impl Fallible for {Self} {{}}` (never a failure) for a type of your own"
)]
pub trait Fallible {
    /// Whether this output means the task failed (for a `Result`: whether it is `Err`).
    /// The default says "never".
    ///
    /// # Examples
    ///
    /// See [`Fallible`].
    fn is_failure(&self) -> bool {
        false
    }
}

impl<T, E> Fallible for Result<T, E> {
    fn is_failure(&self) -> bool {
        self.is_err()
    }
}

/// Implements [`Fallible`] as "never a failure" for types that have no failure in them.
macro_rules! never_fails {
    ($($ty:ty),* $(,)?) => {
        $(impl Fallible for $ty {})*
    };
}

never_fails!(
    (),
    bool,
    char,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    f32,
    f64,
    String,
    &'static str,
    Duration,
    Instant,
    SystemTime,
    PathBuf,
    IpAddr,
    Ipv4Addr,
    Ipv6Addr,
    SocketAddr,
    ExitStatus,
    Output,
);

/// Implements [`Fallible`] as "never a failure" for containers, whatever they hold: a
/// `Vec<Result<..>>` is a value, not a failed task.
macro_rules! never_fails_generic {
    ($($ty:ident<$($p:ident),*>),* $(,)?) => {
        $(impl<$($p),*> Fallible for $ty<$($p),*> {})*
    };
}

never_fails_generic!(
    Option<T>,
    Vec<T>,
    VecDeque<T>,
    LinkedList<T>,
    BinaryHeap<T>,
    HashSet<T, S>,
    BTreeSet<T>,
    HashMap<K, V, S>,
    BTreeMap<K, V>,
);

impl<T: ?Sized> Fallible for Box<T> {}
impl<T: ?Sized> Fallible for Rc<T> {}
impl<T: ?Sized> Fallible for Arc<T> {}
impl<T: ?Sized + ToOwned> Fallible for Cow<'_, T> {}
impl<T, const N: usize> Fallible for [T; N] {}

/// Implements [`Fallible`] as "never a failure" for tuples.
macro_rules! never_fails_tuple {
    ($(($($t:ident),+)),* $(,)?) => {
        $(impl<$($t),+> Fallible for ($($t,)+) {})*
    };
}

never_fails_tuple!(
    (A),
    (A, B),
    (A, B, C),
    (A, B, C, D),
    (A, B, C, D, E),
    (A, B, C, D, E, F),
    (A, B, C, D, E, F, G),
    (A, B, C, D, E, F, G, H),
);
