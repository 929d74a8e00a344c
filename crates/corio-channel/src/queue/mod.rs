//! asyncio's queues: [`Queue`] (FIFO), [`PriorityQueue`] (smallest first)
//! and [`LifoQueue`] (last in, first out), with `task_done`/`join` and
//! asyncio 3.13's `shutdown`.
//!
//! The three share one implementation and differ only by the order in which
//! [`get`](Queue::get) hands items out. Their rules, as asyncio's:
//!
//! - `maxsize` 0 is unbounded; otherwise `put` waits while the queue is full
//!   and `put_nowait` fails with [`PutNowaitError::Full`].
//! - `get` waits while the queue is empty; `get_nowait` fails with
//!   [`GetNowaitError::Empty`].
//! - Each put counts one unfinished task; [`task_done`](Queue::task_done)
//!   marks one done (and fails with [`TaskDoneError`] below zero);
//!   [`join`](Queue::join) waits for zero.
//! - Waiters are woken first come, first served; one cancelled after being
//!   woken passes the wakeup on, so no item is left behind.
//! - [`shutdown`](Queue::shutdown): puts fail at once, gets drain what is
//!   left and then fail with [`ShutDown`]; `immediate` also removes the
//!   queued items and counts them done.

mod core;
mod error;
mod fifo_queue;
mod future;
mod lifo_queue;
mod methods;
mod prioritized;
mod priority_queue;
mod store;

pub use self::error::{GetNowaitError, PutError, PutNowaitError, ShutDown, TaskDoneError};
pub use self::fifo_queue::Queue;
pub use self::future::{Get, Join, Put};
pub use self::lifo_queue::LifoQueue;
pub use self::prioritized::Prioritized;
pub use self::priority_queue::PriorityQueue;
