//! Tasks: the future runs inside async-task's allocation; [`Task`] handles share a
//! [`core::TaskCore`] with it, where its state, output, waiters and done-callbacks live.

mod any;
pub(crate) mod core;
mod handle;

pub use any::{AnyTask, TaskId, current_task};
pub use handle::{CancelOnDrop, Task};
