//! The ready queue's entries, and how a woken task step reaches a ready queue: async-task's
//! schedule function, and the drop of a step that will not run.

use std::mem::ManuallyDrop;
use std::num::NonZero;
use std::ptr::NonNull;
use std::task::Waker;

use async_task::Runnable;

use crate::callback::CallbackRc;
use crate::context::{TaskStep, local_inner, running_for};
use crate::remote::RemoteEntry;
use crate::task::core::TaskMeta;
use crate::task::raw::TaskRunnable;

/// One entry of the ready queue, in one word (every queued task pays it, so a million
/// queued tasks take 8 MB less than with a two-variant enum of a runnable and an
/// `Rc<dyn _>`): a task step, as async-task's runnable pointer, or a callback, as its thin
/// pointer ([`CallbackRc::into_thin`]) with the low bit set. Both allocations are at least
/// 8-aligned (they begin with a word), so the low bit is free.
pub(crate) struct Ready(NonNull<()>);

/// The tag of a callback's pointer.
const CALLBACK: usize = 1;

/// What a [`Ready`] holds, taken out of it.
pub(crate) enum Step {
    Task(TaskRunnable),
    Callback(CallbackRc),
}

impl Ready {
    #[inline]
    pub(crate) fn task(runnable: TaskRunnable) -> Ready {
        let ptr = runnable.into_raw();
        debug_assert_eq!(
            ptr.addr().get() & CALLBACK,
            0,
            "a misaligned task allocation"
        );
        Ready(ptr)
    }

    #[inline]
    pub(crate) fn callback(callback: CallbackRc) -> Ready {
        let ptr = callback.into_thin();
        debug_assert_eq!(ptr.addr().get() & CALLBACK, 0, "a misaligned callback");
        Ready(ptr.map_addr(|a| a | CALLBACK))
    }

    #[inline]
    fn is_callback(&self) -> bool {
        self.0.addr().get() & CALLBACK != 0
    }

    /// The task step or callback, taken out.
    #[inline]
    pub(crate) fn take(self) -> Step {
        let this = ManuallyDrop::new(self);
        if this.is_callback() {
            let ptr = this.0.map_addr(|a| {
                NonZero::new(a.get() & !CALLBACK).unwrap_or_else(|| unreachable!("tagged null"))
            });
            // SAFETY: a tagged pointer is a callback's `into_thin` (see `Ready::callback`),
            // untagged here; `this` is never dropped, so it is given back once.
            Step::Callback(unsafe { CallbackRc::from_thin(ptr) })
        } else {
            // SAFETY: an untagged pointer is a runnable's `into_raw` (see `Ready::task`);
            // `this` is never dropped, so it is turned back into a runnable once.
            Step::Task(unsafe { Runnable::from_raw(this.0) })
        }
    }

    /// Runs `f` on the queued task step, if this is one, without taking it out.
    fn with_task<R>(&self, f: impl FnOnce(&TaskRunnable) -> R) -> Option<R> {
        if self.is_callback() {
            return None;
        }
        // SAFETY: an untagged pointer is a runnable's `into_raw`. The runnable made here is
        // a view: it is neither run nor dropped (`ManuallyDrop`), so the entry still owns
        // the task step, and `f` only reads through it.
        let runnable = ManuallyDrop::new(unsafe { Runnable::<TaskMeta>::from_raw(self.0) });
        Some(f(&runnable))
    }

    /// The metadata of the queued task step's task, if this is a task step.
    pub(crate) fn task_meta(&self) -> Option<*const TaskMeta> {
        self.with_task(|r| std::ptr::from_ref(r.metadata()))
    }

    /// The own waker of the queued task step's task, if this is a task step.
    pub(crate) fn task_waker(&self) -> Option<Waker> {
        self.with_task(Runnable::waker)
    }
}

impl Drop for Ready {
    fn drop(&mut self) {
        // `take` forgets the copy it is given, so what `self` held is given back once.
        drop(Ready(self.0).take());
    }
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
    match entry.take() {
        Step::Task(r) => discard(r),
        Step::Callback(cb) => drop(cb),
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
        inner.push_local(Ready::task(runnable));
        return;
    }
    if let Some(inner) = local_inner(runnable.metadata().shared()) {
        inner.push_local(Ready::task(runnable));
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

const _: () = assert!(std::mem::size_of::<Ready>() == 8);

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::rc::Rc;

    use crate::callback::CallbackCell;
    use crate::{LocalExecutor, park};

    use super::*;

    /// Callbacks and task steps go in and out of one-word entries intact: taken, viewed, or
    /// dropped while queued.
    #[test]
    fn entries_give_back_what_they_hold() {
        let (_parker, unparker) = park::pair();
        let ex = LocalExecutor::new(unparker);
        let ran = Rc::new(Cell::new(0));
        let r = ran.clone();
        let entry = Ready::callback(CallbackCell::new_dyn(move || r.set(r.get() + 1)));
        assert!(entry.task_meta().is_none() && entry.task_waker().is_none());
        match entry.take() {
            Step::Callback(cb) => assert_eq!(cb.run(), None),
            Step::Task(_) => panic!("a callback came back as a task step"),
        }
        assert_eq!(ran.get(), 1);
        // Dropped while queued: the callback's captures go with it.
        let r = ran.clone();
        drop(Ready::callback(CallbackCell::new_dyn(move || {
            r.set(r.get() + 1)
        })));
        assert_eq!(Rc::strong_count(&ran), 1);
        // A task: the executor's queue holds its first step in such an entry.
        let mut task = ex.spawn_local(async { 7 });
        let tasks = ex.tasks();
        assert_eq!(tasks.len(), 1);
        assert_eq!(tasks[0].id(), task.id());
        assert_eq!(ex.run_batch(), 1);
        assert_eq!(task.try_take(), Some(Ok(7)));
    }
}
