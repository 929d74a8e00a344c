//! Tasks: one async-task allocation per task, whose metadata ([`core::TaskMeta`]) holds what
//! does not depend on the output type. A [`Task`] is async-task's own handle and nothing
//! more; [`SharedTask`] handles share a small [`shared::SharedInner`] where the output, the
//! awaiters and the done-callbacks wait.

mod any;
pub(crate) mod core;
mod handles;
mod join;
pub(crate) mod raw;
pub(crate) mod shared;
mod unique;

pub use any::{AnyTask, TaskId, current_task};
pub use shared::SharedTask;
pub use unique::{CancelOnDrop, Task};

use crate::context::with_current_meta;
use crate::error::TaskError;
use crate::task::core::TaskMeta;

/// Why the task being stepped cannot wait for the pending task of `meta`, if it cannot:
/// it is that task (it would wait for itself forever), or it runs on another executor
/// (which does not run `meta`'s task while it waits).
pub(crate) fn await_misuse(meta: &TaskMeta) -> Option<TaskError> {
    with_current_meta(|current| match current {
        Some(current) if std::ptr::eq(current, meta) => Some(TaskError::AwaitedItself),
        Some(current) if current.shared().id != meta.shared().id => Some(TaskError::OtherExecutor),
        _ => None,
    })
}
