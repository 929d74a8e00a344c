use std::cell::{Cell, RefCell, RefMut};
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};
use std::time::Instant;

use pin_project_lite::pin_project;

use crate::callback::CallbackCell;
use crate::error::{TaskError, panic_message};
use crate::executor::{ExecutorEvent, Inner, Ready, SlowStep, StepKind};
use crate::task::any::{AnyTask, CurrentGuard, TaskId};
use crate::task::handle::Task;

/// Where a task is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    Pending,
    Finished,
    Cancelled,
    Panicked,
}

/// What a finished task left behind.
pub(crate) enum Output<T> {
    None,
    Value(T),
    /// A handle took the value by awaiting it.
    Taken,
    /// Cancelled or panicked; boxed, since failures are rare and the slot is in every task.
    Failed(Box<TaskError>),
}

pub(crate) type DoneCallback<T> = Box<dyn FnOnce(&Task<T>)>;

/// What most tasks never use, allocated on first use so that a task stays small.
pub(crate) struct Extras<T> {
    pub(crate) name: Option<String>,
    pub(crate) callbacks: Vec<(u64, DoneCallback<T>)>,
    pub(crate) next_callback: u64,
    /// Waiters beyond the first (which has its own slot in the core).
    pub(crate) waiters: Vec<Waker>,
}

impl<T> Default for Extras<T> {
    fn default() -> Self {
        Extras {
            name: None,
            callbacks: Vec::new(),
            next_callback: 0,
            waiters: Vec::new(),
        }
    }
}

/// The state a task's handles share with its running future.
pub(crate) struct TaskCore<T> {
    pub(crate) id: TaskId,
    pub(crate) state: Cell<State>,
    /// Set by `cancel()`; the next poll drops the future instead of polling it.
    pub(crate) cancel_requested: Cell<bool>,
    /// Whether anyone looked at a failure (for the "exception never retrieved" report).
    pub(crate) retrieved: Cell<bool>,
    /// The task's key in the executor's registry of live tasks.
    pub(crate) registry_key: Cell<u32>,
    /// The task's own waker, to schedule it when cancelled. Stored when the task first
    /// waits (a task queued to run needs none: its next poll sees the flag); taken at
    /// completion, which breaks the cycle core -> waker -> raw task -> future -> core.
    pub(crate) waker: Cell<Option<Waker>>,
    /// The first handle awaiting this task (the usual case needs no allocation).
    pub(crate) first_waiter: Cell<Option<Waker>>,
    pub(crate) extras: RefCell<Option<Box<Extras<T>>>>,
    pub(crate) output: RefCell<Output<T>>,
    pub(crate) executor: Weak<Inner>,
}

impl<T> TaskCore<T> {
    pub(crate) fn is_done(&self) -> bool {
        self.state.get() != State::Pending
    }

    /// Asks the task to stop at its next await point; `false` once it is done.
    pub(crate) fn request_cancel(&self) -> bool {
        if self.is_done() {
            return false;
        }
        self.cancel_requested.set(true);
        if let Some(w) = self.waker.take() {
            w.wake_by_ref();
            self.waker.set(Some(w));
        }
        true
    }

    /// The extras, made on first use.
    pub(crate) fn extras_mut(&self) -> RefMut<'_, Extras<T>> {
        RefMut::map(self.extras.borrow_mut(), |e| {
            &mut **e.get_or_insert_default()
        })
    }

    pub(crate) fn name(&self) -> Option<String> {
        self.extras.borrow().as_ref().and_then(|e| e.name.clone())
    }

    /// Keeps the waker the task last waited with, for `cancel()`.
    fn remember_waker(&self, waker: &Waker) {
        match self.waker.take() {
            Some(w) if w.will_wake(waker) => self.waker.set(Some(w)),
            _ => self.waker.set(Some(waker.clone())),
        }
    }
}

impl<T: 'static> TaskCore<T> {
    pub(crate) fn new(id: TaskId, executor: Weak<Inner>) -> Self {
        TaskCore {
            id,
            state: Cell::new(State::Pending),
            cancel_requested: Cell::new(false),
            retrieved: Cell::new(false),
            registry_key: Cell::new(u32::MAX),
            waker: Cell::new(None),
            first_waiter: Cell::new(None),
            extras: RefCell::new(None),
            output: RefCell::new(Output::None),
            executor,
        }
    }

    fn complete(self: &Rc<Self>, out: Result<T, TaskError>) {
        let (state, output) = match out {
            Ok(v) => (State::Finished, Output::Value(v)),
            Err(TaskError::Cancelled) => (
                State::Cancelled,
                Output::Failed(Box::new(TaskError::Cancelled)),
            ),
            Err(e) => (State::Panicked, Output::Failed(Box::new(e))),
        };
        self.state.set(state);
        *self.output.borrow_mut() = output;
        drop(self.waker.take());
        if let Some(w) = self.first_waiter.take() {
            w.wake();
        }
        let (waiters, callbacks) = match self.extras.borrow_mut().as_mut() {
            Some(e) => (
                std::mem::take(&mut e.waiters),
                std::mem::take(&mut e.callbacks),
            ),
            None => (Vec::new(), Vec::new()),
        };
        for w in waiters {
            w.wake();
        }
        let Some(inner) = self.executor.upgrade() else {
            return;
        };
        inner.unregister_task(self.registry_key.get() as usize);
        if !callbacks.is_empty() {
            // asyncio: done-callbacks always go through call_soon, in registration order.
            let task = Task::from_core(self.clone());
            for (_, cb) in callbacks {
                let task = task.clone();
                inner.push_local(Ready::Callback(CallbackCell::new_dyn(move || cb(&task))));
            }
        }
    }
}

impl<T> Drop for TaskCore<T> {
    fn drop(&mut self) {
        if let Output::Failed(failure) = &*self.output.borrow()
            && let TaskError::Panicked(message) = &**failure
            && !self.retrieved.get()
            && let Some(inner) = self.executor.upgrade()
        {
            let name = self.name().unwrap_or_else(|| self.id.default_name());
            inner.report(ExecutorEvent::UnretrievedPanic {
                task: &name,
                message,
            });
        }
    }
}

pin_project! {
    /// The future async-task runs: the user's future plus the bookkeeping around each step.
    pub(crate) struct TaskFuture<F>
    where
        F: Future,
        F: 'static,
        F::Output: 'static,
    {
        pub(crate) core: Rc<TaskCore<F::Output>>,
        #[pin]
        pub(crate) future: Option<F>,
    }

    impl<F> PinnedDrop for TaskFuture<F>
    where
        F: Future,
        F: 'static,
        F::Output: 'static,
    {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if this.future.is_some() {
                // Dropped before it finished (the executor closed): destructors run now, and
                // the handles see a cancelled task rather than waiting forever.
                let _current = CurrentGuard::set(AnyTask::from_core(this.core.clone()));
                let outcome = match drop_future(this.future) {
                    None => Err(TaskError::Cancelled),
                    Some(message) => Err(TaskError::Panicked(message)),
                };
                if !this.core.is_done() {
                    this.core.complete(outcome);
                }
            }
        }
    }
}

impl<F> Future for TaskFuture<F>
where
    F: Future + 'static,
    F::Output: 'static,
{
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut this = self.project();
        if this.core.cancel_requested.get() {
            // Stopped at the await point instead of being polled again. A task cancelled
            // before its first step never runs its body. Its destructors run now, as the
            // current task; one that panics turns the cancellation into that panic.
            let _current = CurrentGuard::set(AnyTask::from_core(this.core.clone()));
            let outcome = match drop_future(this.future) {
                None => Err(TaskError::Cancelled),
                Some(message) => Err(TaskError::Panicked(message)),
            };
            this.core.complete(outcome);
            return Poll::Ready(());
        }
        let Some(future) = this.future.as_mut().as_pin_mut() else {
            return Poll::Ready(());
        };
        let core: &Rc<TaskCore<F::Output>> = this.core;
        let _current = CurrentGuard::set(AnyTask::from_core(core.clone()));
        let slow = crate::executor::slow_step_threshold();
        let started = slow.map(|_| Instant::now());
        let polled = catch_unwind(AssertUnwindSafe(|| future.poll(cx)));
        let elapsed = started.map(|s| s.elapsed());
        let result = match polled {
            Ok(Poll::Pending) => {
                core.remember_waker(cx.waker());
                if core.cancel_requested.get() {
                    // Cancelled during its own step: stop at this await point.
                    cx.waker().wake_by_ref();
                }
                Poll::Pending
            }
            Ok(Poll::Ready(v)) => {
                let outcome = match drop_future(this.future) {
                    None => Ok(v),
                    Some(message) => Err(TaskError::Panicked(message)),
                };
                core.complete(outcome);
                Poll::Ready(())
            }
            Err(payload) => {
                let message = panic_message(&*payload);
                // A second panic while unwinding the future's drop is ignored: the first
                // one is the task's failure.
                let _ = drop_future(this.future);
                core.complete(Err(TaskError::Panicked(message)));
                Poll::Ready(())
            }
        };
        // Reported after the step, so the report shows the state the step left (asyncio
        // prints "<Task finished ...> took 0.207 seconds").
        if let (Some(threshold), Some(elapsed)) = (slow, elapsed)
            && elapsed > threshold
            && let Some(inner) = core.executor.upgrade()
        {
            inner.report(ExecutorEvent::SlowStep(&SlowStep {
                kind: StepKind::Task(AnyTask::from_core(core.clone())),
                elapsed,
            }));
        }
        result
    }
}

/// Drops the task's future in place, catching a panic from its destructors (a task's
/// cleanup must not take the executor down). Returns the panic's message, if any.
fn drop_future<F>(future: Pin<&mut Option<F>>) -> Option<String> {
    let mut future = future;
    catch_unwind(AssertUnwindSafe(|| future.set(None)))
        .err()
        .map(|payload| panic_message(&*payload))
}
