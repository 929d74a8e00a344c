//! asyncio's combinators: `gather`, `wait`, `as_completed`, `wait_for`, `shield` and the
//! task group, one file each.

mod as_completed;
mod fallible;
mod gather;
mod gather_tuple;
mod shield;
mod task_group;
mod wait;
mod wait_for;
mod waitable;

pub use as_completed::{AsCompleted, as_completed};
pub use fallible::Fallible;
pub use gather::{Gather, GatherAll, gather};
pub use gather_tuple::{
    GatherChild, GatherChildren, GatherTuple, GatherTupleAll, TryGatherChildren,
};
pub use shield::{Shield, shield};
pub use task_group::{
    ChildError, GroupSpawnError, GroupSpawner, TaskGroup, TaskGroupError, task_group,
};
pub use wait::{ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, ReturnWhen, WaitEmpty, wait};
pub use wait_for::wait_for;
pub use waitable::Waitable;

/// Lets `future` run on in a task of its own, its output dropped: the survivors of a
/// `gather` that failed fast, the items of an `as_completed` that timed out. Without a
/// running loop (another executor, or a loop that is closing) there is nowhere to run it,
/// and it is dropped, which cancels it.
fn detach<F: std::future::Future + 'static>(future: F) {
    // The handle is dropped at once: the task runs on, detached.
    let _ = crate::current::try_spawn(future);
}
