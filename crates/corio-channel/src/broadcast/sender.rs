//! The sending half of a broadcast channel.

use std::fmt;

use super::error::SendError;
use super::receiver::Receiver;
use super::shared::Shared;
use crate::sync::{Arc, lock};

/// The sending half of a [broadcast](super) channel; cloneable.
///
/// # Examples
///
/// ```
/// use corio_channel::broadcast;
///
/// let (tx, mut rx) = broadcast::channel(8).unwrap();
/// let tx2 = tx.clone();
/// tx.send(1).unwrap();
/// tx2.send(2).unwrap();
/// assert_eq!(rx.try_recv(), Ok(1));
/// assert_eq!(rx.try_recv(), Ok(2));
/// ```
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

impl<T> Sender<T> {
    pub(super) fn new(shared: Arc<Shared<T>>) -> Self {
        Self { shared }
    }

    /// Sends a value to every current receiver, without waiting; returns how
    /// many receivers will see it.
    ///
    /// If the channel already keeps `cap` values, the oldest is overwritten;
    /// receivers that had not read it learn so through
    /// [`RecvError::Lagged`](super::RecvError::Lagged).
    ///
    /// # Errors
    ///
    /// [`SendError`], which gives the value back, if no receiver exists.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::broadcast;
    ///
    /// let (tx, rx) = broadcast::channel(8).unwrap();
    /// let rx2 = rx.clone();
    /// assert_eq!(tx.send("v").unwrap(), 2);
    /// # drop(rx2);
    /// ```
    pub fn send(&self, value: T) -> Result<usize, SendError<T>> {
        let (receivers, overwritten) = {
            let mut state = lock(&self.shared.state);
            if state.receivers == 0 {
                return Err(SendError(value));
            }
            state.buffer.push_back(value);
            let overwritten = if state.buffer.len() > state.cap {
                state.head += 1;
                state.buffer.pop_front()
            } else {
                None
            };
            (state.receivers, overwritten)
        };
        // Dropped outside the lock: user `Drop` code must not run under it.
        drop(overwritten);
        self.shared.recv_ops.notify_all();
        Ok(receivers)
    }

    /// A new receiver that sees every value sent from now on.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::broadcast;
    ///
    /// let (tx, _rx) = broadcast::channel(8).unwrap();
    /// tx.send(1).unwrap();
    /// let mut late = tx.subscribe();
    /// tx.send(2).unwrap();
    /// assert_eq!(late.try_recv(), Ok(2)); // 1 was sent before it subscribed
    /// ```
    pub fn subscribe(&self) -> Receiver<T> {
        let next = {
            let mut state = lock(&self.shared.state);
            state.receivers += 1;
            state.tail()
        };
        Receiver::new(self.shared.clone(), next)
    }

    /// The number of live receivers.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio_channel::broadcast;
    ///
    /// let (tx, rx) = broadcast::channel::<i32>(8).unwrap();
    /// assert_eq!(tx.receiver_count(), 1);
    /// drop(rx);
    /// assert_eq!(tx.receiver_count(), 0);
    /// ```
    pub fn receiver_count(&self) -> usize {
        lock(&self.shared.state).receivers
    }
}

impl<T> Clone for Sender<T> {
    /// Another sender on the same channel.
    fn clone(&self) -> Self {
        lock(&self.shared.state).senders += 1;
        Self::new(self.shared.clone())
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let last = {
            let mut state = lock(&self.shared.state);
            state.senders -= 1;
            state.senders == 0
        };
        if last {
            self.shared.recv_ops.notify_all();
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = lock(&self.shared.state);
        f.debug_struct("broadcast::Sender")
            .field("kept", &state.buffer.len())
            .field("cap", &state.cap)
            .field("receivers", &state.receivers)
            .finish()
    }
}
