//! A broadcast channel: every receiver sees every value sent after it
//! subscribed.
//!
//! The channel keeps the last `cap` values. A receiver that falls further
//! behind is not silently skipped ahead: its next receive fails with
//! [`RecvError::Lagged`], saying how many values it missed, and the one after
//! returns the oldest value still kept. Sends never wait.
//!
//! When every [`Sender`] is gone, receivers read what is left and then get
//! [`RecvError::Closed`]. When no [`Receiver`] exists, [`Sender::send`] fails
//! and gives the value back.
//!
//! # Examples
//!
//! ```
//! # futures_lite::future::block_on(async {
//! use corio_channel::broadcast;
//!
//! let (tx, mut rx1) = broadcast::channel(16)?;
//! let mut rx2 = tx.subscribe();
//! tx.send("hello")?;
//! assert_eq!(rx1.recv().await, Ok("hello"));
//! assert_eq!(rx2.recv().await, Ok("hello"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```

mod error;
mod receiver;
mod sender;
mod shared;

pub use self::error::{RecvError, SendError, TryRecvError};
pub use self::receiver::{Receiver, Recv};
pub use self::sender::Sender;
use self::shared::Shared;
use crate::ZeroCapacityError;
use crate::sync::Arc;

/// Creates a broadcast channel that keeps the last `cap` values for slow
/// receivers.
///
/// # Errors
///
/// [`ZeroCapacityError`] if `cap` is 0.
///
/// # Examples
///
/// ```
/// use corio_channel::broadcast;
///
/// let (tx, mut rx) = broadcast::channel(2)?;
/// tx.send(1).unwrap();
/// assert_eq!(rx.try_recv(), Ok(1));
/// # Ok::<(), corio_channel::ZeroCapacityError>(())
/// ```
pub fn channel<T: Clone>(cap: usize) -> Result<(Sender<T>, Receiver<T>), ZeroCapacityError> {
    if cap == 0 {
        return Err(ZeroCapacityError);
    }
    let shared = Arc::new(Shared::new(cap));
    Ok((Sender::new(shared.clone()), Receiver::new(shared, 0)))
}
