//! A channel for exactly one value.
//!
//! [`Sender::send`] consumes the sender; the [`Receiver`] is itself a future
//! that resolves to the value, or to [`RecvError`] if the sender was dropped
//! without sending. If the receiver is gone (dropped or
//! [`close`](Receiver::close)d), `send` gives the value back.
//!
//! # Examples
//!
//! ```
//! # futures_lite::future::block_on(async {
//! use corio_channel::oneshot;
//!
//! let (tx, rx) = oneshot::channel();
//! tx.send(42).unwrap();
//! assert_eq!(rx.await, Ok(42));
//! # });
//! ```

mod error;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use concurrent_queue::{ConcurrentQueue, PopError};
use event_listener::{Event, EventListener};

pub use self::error::{RecvError, SendError, TryRecvError};
use crate::signal::poll_until;
use crate::sync::Arc;

/// The state both ends share.
struct Inner<T> {
    /// Holds the value once sent. Closed when either end is gone, which is
    /// how each end learns about the other.
    slot: ConcurrentQueue<T>,
    /// The receiver waits here for the value or the sender's departure.
    to_receiver: Event,
    /// `Sender::closed` waits here for the receiver's departure.
    to_sender: Event,
}

/// Creates a oneshot channel.
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// use corio_channel::oneshot;
///
/// let (tx, rx) = oneshot::channel::<String>();
/// drop(tx);
/// assert!(rx.await.is_err()); // the sender left without sending
/// # });
/// ```
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let inner = Arc::new(Inner {
        slot: ConcurrentQueue::bounded(1),
        to_receiver: Event::new(),
        to_sender: Event::new(),
    });
    (
        Sender {
            inner: inner.clone(),
        },
        Receiver {
            inner,
            listener: None,
        },
    )
}

/// The sending half of a [oneshot](self) channel.
///
/// # Examples
///
/// ```
/// use corio_channel::oneshot;
///
/// let (tx, mut rx) = oneshot::channel();
/// tx.send("done").unwrap();
/// assert_eq!(rx.try_recv(), Ok("done"));
/// ```
pub struct Sender<T> {
    inner: Arc<Inner<T>>,
}

impl<T> Sender<T> {
    /// Sends the value.
    ///
    /// # Errors
    ///
    /// [`SendError`], which gives the value back, if the receiver was dropped
    /// or closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::oneshot;
    ///
    /// let (tx, rx) = oneshot::channel();
    /// drop(rx);
    /// assert_eq!(tx.send(5).unwrap_err().into_inner(), 5);
    /// ```
    pub fn send(self, value: T) -> Result<(), SendError<T>> {
        // The slot holds one value and this sender is consumed, so the push
        // can only fail because the receiver is gone. `Drop` then closes the
        // slot and wakes the receiver.
        self.inner
            .slot
            .push(value)
            .map_err(|err| SendError(err.into_inner()))
    }

    /// Whether the receiver is gone (dropped or closed); a send would fail.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::oneshot;
    ///
    /// let (tx, rx) = oneshot::channel::<i32>();
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.inner.slot.is_closed()
    }

    /// Waits until the receiver is gone: useful to stop computing a value
    /// nobody will read.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// use corio_channel::oneshot;
    ///
    /// let (tx, rx) = oneshot::channel::<i32>();
    /// drop(rx);
    /// tx.closed().await;
    /// # });
    /// ```
    pub fn closed(&self) -> Closed<'_, T> {
        Closed {
            inner: &self.inner,
            listener: None,
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        // After a send this leaves the value in the slot (a closed queue
        // still hands out what it holds); without one it tells the receiver
        // that nothing will come.
        self.inner.slot.close();
        self.inner.to_receiver.notify(usize::MAX);
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("oneshot::Sender")
            .field("closed", &self.is_closed())
            .finish()
    }
}

/// Future of [`Sender::closed`].
///
/// # Cancel safety
///
/// Cancel safe.
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// use corio_channel::oneshot::{self, Closed};
///
/// let (tx, mut rx) = oneshot::channel::<()>();
/// rx.close();
/// let closed: Closed<'_, ()> = tx.closed();
/// closed.await;
/// # });
/// ```
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Closed<'a, T> {
    inner: &'a Inner<T>,
    listener: Option<EventListener>,
}

impl<T> Future for Closed<'_, T> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let inner = this.inner;
        poll_until(
            &mut this.listener,
            cx,
            || inner.to_sender.listen(),
            || inner.slot.is_closed().then_some(()),
        )
    }
}

impl<T> fmt::Debug for Closed<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Closed")
            .field("waiting", &self.listener.is_some())
            .finish()
    }
}

/// The receiving half of a [oneshot](self) channel; await it for the value.
///
/// # Cancel safety
///
/// Awaiting `&mut receiver` is cancel safe: the value stays in the channel
/// until a poll returns it.
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// use corio_channel::oneshot;
///
/// let (tx, rx) = oneshot::channel();
/// std::thread::spawn(move || tx.send(1 + 1).unwrap());
/// assert_eq!(rx.await, Ok(2));
/// # });
/// ```
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Receiver<T> {
    inner: Arc<Inner<T>>,
    listener: Option<EventListener>,
}

impl<T> Receiver<T> {
    /// Takes the value if it was sent, without waiting.
    ///
    /// # Errors
    ///
    /// [`TryRecvError::Empty`] if nothing was sent yet,
    /// [`TryRecvError::Closed`] if nothing will come (the sender was dropped
    /// without sending, or the value was already taken).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::oneshot::{self, TryRecvError};
    ///
    /// let (tx, mut rx) = oneshot::channel();
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        match self.inner.slot.pop() {
            Ok(value) => Ok(value),
            Err(PopError::Empty) => Err(TryRecvError::Empty),
            Err(PopError::Closed) => Err(TryRecvError::Closed),
        }
    }

    /// Refuses the value: a later [`send`](Sender::send) fails and gives it
    /// back. A value sent before this call can still be taken with
    /// [`try_recv`](Self::try_recv) or by awaiting the receiver.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::oneshot;
    ///
    /// let (tx, mut rx) = oneshot::channel();
    /// rx.close();
    /// assert_eq!(tx.send(3).unwrap_err().into_inner(), 3);
    /// ```
    pub fn close(&mut self) {
        self.inner.slot.close();
        self.inner.to_sender.notify(usize::MAX);
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let inner = &*this.inner;
        poll_until(
            &mut this.listener,
            cx,
            || inner.to_receiver.listen(),
            || match inner.slot.pop() {
                Ok(value) => Some(Ok(value)),
                Err(PopError::Closed) => Some(Err(RecvError)),
                Err(PopError::Empty) => None,
            },
        )
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        self.close();
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("oneshot::Receiver")
            .field("sent", &!self.inner.slot.is_empty())
            .field("closed", &self.inner.slot.is_closed())
            .finish()
    }
}
