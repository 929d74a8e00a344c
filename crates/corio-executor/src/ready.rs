//! The ready queue's entries, and how a woken task step reaches a ready queue: async-task's
//! schedule function, and the drop of a step that will not run.

use std::rc::Rc;

use crate::callback::LocalCallback;
use crate::context::{TaskStep, local_inner, running_for};
use crate::remote::RemoteEntry;
use crate::task::raw::TaskRunnable;

/// One entry of the ready queue: a task step or a callback (a `call_soon_threadsafe` one
/// too, wrapped). Two variants keep it at 16 bytes, which every queued task pays.
pub(crate) enum Ready {
    Task(TaskRunnable),
    Callback(Rc<dyn LocalCallback>),
}

/// Drops a task step that will not run (the executor is closed): the task's future is
/// dropped now, as the current task, so that its destructors see themselves in it.
pub(crate) fn discard(runnable: TaskRunnable) {
    let waker = runnable.waker();
    let _current = TaskStep::drop_only(&waker);
    drop(runnable);
}

#[cold]
pub(crate) fn discard_entry(entry: Ready) {
    match entry {
        Ready::Task(r) => discard(r),
        other => drop(other),
    }
}

/// Puts a woken task back in a ready queue: the local one on the executor's own thread, the
/// remote one (plus an unpark) elsewhere. async-task's schedule function; it captures
/// nothing (the executor is in the task's metadata), so that async-task stores nothing for
/// it and makes no temporary waker around each call.
pub(crate) fn schedule(runnable: TaskRunnable) {
    let running = running_for(runnable.metadata().shared());
    // SAFETY: see `running_for`: we are inside a wake during the batch.
    if let Some(inner) = unsafe { running.as_ref() } {
        inner.push_local(Ready::Task(runnable));
        return;
    }
    if let Some(inner) = local_inner(runnable.metadata().shared()) {
        inner.push_local(Ready::Task(runnable));
        return;
    }
    let shared = runnable.metadata().shared_arc();
    let owner = shared.owner;
    if let Err(RemoteEntry::Task(runnable)) = shared.push(RemoteEntry::Task(runnable.into())) {
        // The executor is closed. A task's future may only be dropped on its own thread:
        // there, now; elsewhere it is kept for that thread to drop when the executor goes
        // (or leaked, if it is gone already).
        if std::thread::current().id() == owner {
            discard(runnable.into_inner());
        } else {
            shared.keep_late(runnable);
        }
    }
}
