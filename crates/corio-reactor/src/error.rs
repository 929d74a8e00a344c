//! [`NoReactor`]: the typed error behind `Async::new` without a current reactor.

/// [`Async::new`](crate::Async::new) was called on a thread with no current
/// reactor.
///
/// It travels inside an [`std::io::Error`] (kind `Other`), so callers that
/// only see `io::Result` can still recognise it by downcasting.
///
/// # Examples
///
/// ```
/// use corio_reactor::{Async, NoReactor};
/// use std::os::unix::net::UnixStream;
///
/// let (a, _b) = UnixStream::pair()?;
/// let err = Async::new(a).unwrap_err();
/// assert!(err.get_ref().is_some_and(|e| e.is::<NoReactor>()));
/// assert_eq!(
///     err.to_string(),
///     "no reactor is current on this thread: call Reactor::enter or use Async::with_reactor"
/// );
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no reactor is current on this thread: call Reactor::enter or use Async::with_reactor")]
#[non_exhaustive]
pub struct NoReactor;

impl From<NoReactor> for std::io::Error {
    fn from(err: NoReactor) -> std::io::Error {
        std::io::Error::other(err)
    }
}
