//! async-task's own handle of a corio task, and what it holds for the task's handles.

use std::future::Future;
use std::mem::ManuallyDrop;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use crate::context::local_inner;
use crate::error::TaskError;
use crate::event::ExecutorEvent;
use crate::task::core::{Outcome, TaskMeta};

/// async-task's own handle of a task: keeps the task's allocation (and its metadata) alive,
/// and holds the outcome async-task keeps for a unique [`Task`](crate::Task). Detached when
/// dropped (dropping async-task's handle would cancel the task).
pub(crate) struct Join<T>(ManuallyDrop<async_task::FallibleTask<Outcome<T>, TaskMeta>>);

impl<T> Join<T> {
    pub(crate) fn new(task: async_task::Task<Outcome<T>, TaskMeta>) -> Join<T> {
        Join(ManuallyDrop::new(task.fallible()))
    }

    /// What async-task holds for the task; registers `cx`'s waker in async-task's awaiter
    /// slot while it has nothing yet (the task has not finished, or is finishing right now).
    pub(crate) fn fetch(
        &mut self,
        meta: &TaskMeta,
        cx: &mut Context<'_>,
    ) -> Option<Result<T, TaskError>> {
        match Pin::new(&mut *self.0).poll(cx) {
            Poll::Pending => None,
            Poll::Ready(Some(Some(outcome))) => Some(outcome),
            // async-task has no outcome: a closing executor dropped the future (the
            // metadata knows how it ended), or the outcome went to a shared handle part.
            Poll::Ready(Some(None) | None) => Some(Err(meta
                .failure_without_output()
                .unwrap_or(TaskError::Cancelled))),
        }
    }

    /// [`Join::fetch`] without registering a waker: `None` until async-task has the outcome.
    /// A task is done (its state set) before async-task stores its outcome: the step that
    /// finished it still runs the slow-step hook (user code) before it returns the outcome.
    /// Polling in between would put the no-op waker in async-task's awaiter slot, in place
    /// of the waker of whoever awaits this handle, who would then never be woken.
    pub(crate) fn fetch_now(&mut self, meta: &TaskMeta) -> Option<Result<T, TaskError>> {
        if !self.0.is_finished() {
            return None;
        }
        self.fetch(meta, &mut Context::from_waker(Waker::noop()))
    }
}

impl<T> Drop for Join<T> {
    fn drop(&mut self) {
        // SAFETY: taken once, here, and the field is not used again.
        let task = unsafe { ManuallyDrop::take(&mut self.0) };
        task.detach();
    }
}

/// Reports a panic nobody looked at and nobody can look at any more.
pub(crate) fn report_unretrieved(meta: &TaskMeta, message: &str) {
    if let Some(inner) = local_inner(meta.shared()) {
        inner.report(ExecutorEvent::UnretrievedPanic {
            task: &meta.name(),
            message,
        });
    }
}

/// The message to report for a panicked task whose outcome async-task does not hold yet
/// (the last handle went in a hook of the step that panicked): the outcome then goes to a
/// task nobody can ask, so it is reported now, with what the metadata knows.
pub(crate) fn panic_in_flight(meta: &TaskMeta) -> Option<String> {
    match meta.failure_without_output() {
        Some(TaskError::Panicked(panic)) if !meta.retrieved() => Some(panic.message().to_owned()),
        _ => None,
    }
}
