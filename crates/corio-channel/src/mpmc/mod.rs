//! A multi-producer, multi-consumer channel, bounded or unbounded.
//!
//! Every value sent is received by exactly one receiver. [`Sender`] and
//! [`Receiver`] are both cloneable; the channel closes when every sender or
//! every receiver is dropped, or when either side calls `close`. After that:
//!
//! - sends fail and give the value back ([`SendError`], [`TrySendError`]);
//! - receivers still get every value already in the channel, and only then
//!   fail with [`RecvError`].
//!
//! The values left in the channel when the last receiver is dropped are
//! dropped with it; to see every value, `close` the channel and drain it with
//! [`try_recv`](Receiver::try_recv).
//!
//! Built like `async-channel`: the values live in a lock-free
//! `concurrent-queue`, and waiting senders and receivers are woken first come,
//! first served.
//!
//! # Examples
//!
//! ```
//! # futures_lite::future::block_on(async {
//! use corio_channel::mpmc;
//!
//! let (tx, rx) = mpmc::bounded(4).unwrap();
//! let producer = async move {
//!     for i in 0..10 {
//!         tx.send(i).await.unwrap();
//!     }
//!     // `tx` is dropped here: the channel closes once drained.
//! };
//! let consumer = async {
//!     let mut sum = 0;
//!     while let Ok(i) = rx.recv().await {
//!         sum += i;
//!     }
//!     sum
//! };
//! let ((), sum) = futures_lite::future::zip(producer, consumer).await;
//! assert_eq!(sum, 45);
//! # });
//! ```

mod channel;
mod error;
mod future;
mod handle;
mod receiver;
mod sender;

use concurrent_queue::ConcurrentQueue;

use self::channel::Channel;
pub use self::error::{RecvError, SendError, TryRecvError, TrySendError};
pub use self::future::{Recv, Send};
pub use self::receiver::Receiver;
pub use self::sender::Sender;
use crate::ZeroCapacityError;
use crate::sync::Arc;

/// Creates a channel that holds at most `cap` values; senders wait while it
/// is full.
///
/// # Errors
///
/// [`ZeroCapacityError`] if `cap` is 0 (use [`unbounded`] for no limit).
///
/// # Examples
///
/// ```
/// use corio_channel::mpmc;
///
/// let (tx, rx) = mpmc::bounded(1)?;
/// tx.try_send(1).unwrap();
/// assert!(tx.try_send(2).unwrap_err().is_full());
/// assert_eq!(rx.try_recv(), Ok(1));
/// # Ok::<(), corio_channel::ZeroCapacityError>(())
/// ```
pub fn bounded<T>(cap: usize) -> Result<(Sender<T>, Receiver<T>), ZeroCapacityError> {
    if cap == 0 {
        return Err(ZeroCapacityError);
    }
    Ok(pair(ConcurrentQueue::bounded(cap)))
}

/// Creates a channel with no limit: sends never wait.
///
/// # Examples
///
/// ```
/// use corio_channel::mpmc;
///
/// let (tx, rx) = mpmc::unbounded();
/// for i in 0..1000 {
///     tx.try_send(i).unwrap();
/// }
/// assert_eq!(rx.len(), 1000);
/// ```
pub fn unbounded<T>() -> (Sender<T>, Receiver<T>) {
    pair(ConcurrentQueue::unbounded())
}

fn pair<T>(queue: ConcurrentQueue<T>) -> (Sender<T>, Receiver<T>) {
    let channel = Arc::new(Channel::new(queue));
    (Sender::new(channel.clone()), Receiver::new(channel))
}
