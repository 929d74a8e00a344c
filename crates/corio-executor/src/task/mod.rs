//! Tasks: one async-task allocation per task, whose metadata ([`core::TaskMeta`]) holds what
//! does not depend on the output type; [`Task`] handles share a small [`handle::HandleInner`]
//! where the output, the waiters and the done-callbacks wait, while any handle exists.

mod any;
pub(crate) mod core;
pub(crate) mod handle;
pub(crate) mod raw;

pub(crate) use any::CurrentGuard;
pub use any::{AnyTask, TaskId, current_task};
pub use handle::{CancelOnDrop, Task};
