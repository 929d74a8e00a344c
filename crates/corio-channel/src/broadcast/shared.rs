//! The state all ends of a broadcast channel share.

use std::collections::VecDeque;

use super::error::TryRecvError;
use crate::signal::Signal;
use crate::sync::{Mutex, lock};

pub(crate) struct Shared<T> {
    pub(super) state: Mutex<State<T>>,
    /// Receivers waiting for a value: all woken by each send and on close.
    pub(super) recv_ops: Signal,
}

pub(crate) struct State<T> {
    /// The last `cap` values sent, oldest first.
    pub(super) buffer: VecDeque<T>,
    /// The position (count of values sent before it) of `buffer[0]`.
    pub(super) head: u64,
    /// The most values kept for slow receivers; at least 1.
    pub(super) cap: usize,
    pub(super) senders: usize,
    pub(super) receivers: usize,
}

impl<T> State<T> {
    /// The position the next value sent will take.
    pub(super) fn tail(&self) -> u64 {
        self.head + self.buffer.len() as u64
    }
}

impl<T> Shared<T> {
    pub(super) fn new(cap: usize) -> Self {
        Self {
            state: Mutex::new(State {
                buffer: VecDeque::new(),
                head: 0,
                cap,
                senders: 1,
                receivers: 1,
            }),
            recv_ops: Signal::new(),
        }
    }

    /// Takes the value at position `*next` for a receiver, moving it on.
    pub(super) fn try_recv(&self, next: &mut u64) -> Result<T, TryRecvError>
    where
        T: Clone,
    {
        let state = lock(&self.state);
        if *next < state.head {
            let missed = state.head - *next;
            *next = state.head;
            return Err(TryRecvError::Lagged(missed));
        }
        // `*next - head` < buffer.len() <= cap, so the cast cannot truncate.
        match state.buffer.get((*next - state.head) as usize) {
            Some(value) => {
                // Clone first: if `clone` panics the receiver stays put.
                let value = value.clone();
                *next += 1;
                Ok(value)
            }
            None if state.senders == 0 => Err(TryRecvError::Closed),
            None => Err(TryRecvError::Empty),
        }
    }
}
