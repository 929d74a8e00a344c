use std::cell::Cell;
use std::collections::BTreeMap;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::ptr::NonNull;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Instant;

use pin_project_lite::pin_project;

use crate::context;
use crate::context::{local_inner, with_local_inner};
use crate::error::{Panic, TaskError};
use crate::event::{ExecutorEvent, SlowStep, StepKind};
use crate::remote::Shared;
use crate::task::any::{AnyTask, TaskId};
use crate::task::handles;
use crate::task::raw::meta_of;
use crate::task::shared::SharedInner;

/// Where a task is in its life (the low two bits of [`TaskMeta::flags`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    Pending = 0,
    Finished = 1,
    Cancelled = 2,
    Panicked = 3,
}

const STATE_MASK: u16 = 0b11;
/// Set by `cancel()`; the next poll drops the future instead of polling it.
const CANCEL_REQUESTED: u16 = 0b100;
/// Someone looked at the task's failure (no "exception never retrieved" report then).
const RETRIEVED: u16 = 0b1000;
/// The task has an entry in [`NAMES`].
const NAMED: u16 = 0b1_0000;
/// The task's only handle is async-task's own (a `Task<T>` never cloned): a completing task
/// gives its outcome to async-task, which keeps it for that handle.
const JOINED: u16 = 0b10_0000;
/// The task's future is being polled or dropped (by its step, or by a discard): it is not
/// queued anywhere meanwhile.
const IN_STEP: u16 = 0b100_0000;
/// The task has an entry in [`FAILURES`].
const FAILED: u16 = 0b1000_0000;
/// The registry holds the task's own waker (stored when the task first waits; until then
/// its runnable is queued or running, which keeps it alive and reachable).
const WAKER_REGISTERED: u16 = 0b1_0000_0000;
/// The unique [`Task`](crate::Task) handle gave out the output (by its await or
/// `try_take`). Kept here rather than in the handle, which every spawner keeps: 24 bytes
/// instead of 32 a handle (a million kept handles touched 8 MB less in the spawn row).
const TAKEN: u16 = 0b10_0000_0000;
/// The flags' bits; the high bits of [`TaskMeta::flags`] hold the low bits of the task's
/// handles' slot (see [`handles`]).
const FLAG_BITS: u32 = 11;
const FLAG_MASK: u16 = (1 << FLAG_BITS) - 1;

/// What a task gives async-task when it finishes: its outcome if its only handle is
/// async-task's own, `None` otherwise (the shared handle part got it, or nobody wants it).
pub(crate) type Outcome<T> = Option<Result<T, TaskError>>;

/// The panics of tasks whose future panicked while being dropped by a closing executor,
/// while their only handle was async-task's own (async-task keeps no output for a future it
/// dropped). Keyed as [`NAMES`]; rare.
static FAILURES: Mutex<BTreeMap<usize, Panic>> = Mutex::new(BTreeMap::new());

fn failures() -> std::sync::MutexGuard<'static, BTreeMap<usize, Panic>> {
    FAILURES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The names given with `set_name`, by the address of the task's metadata (unique while the
/// task lives; the entry goes when the metadata is dropped). Names are rare: a table keeps
/// them out of every task. A global lock, since the last reference to a task, and so the
/// drop of its metadata, may be on any thread.
static NAMES: Mutex<BTreeMap<usize, String>> = Mutex::new(BTreeMap::new());

fn names() -> std::sync::MutexGuard<'static, BTreeMap<usize, String>> {
    NAMES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The part of a task that does not depend on its output type. It is async-task's metadata,
/// so it lives in the task's one allocation, next to the future: a detached task costs that
/// allocation, a registry slot and its place in the ready queue, nothing more.
///
/// Size: 31 bytes, aligned to 1 (packed: the integers are byte arrays, the executor pointer
/// and the id are read by value), so that async-task's header (32 bytes of its own, this,
/// and the 1-byte `propagate_panic` flag of its `std` feature) is 64 bytes, not 80: with a
/// 40-byte future the task fits glibc's 112-byte chunk instead of the 128-byte one, with an
/// 8-byte future the 80-byte chunk instead of the 96-byte one (16 bytes less a task, and
/// fewer pages touched per spawn). For that, step numbers have 48 bits, and the shared
/// handles' part, which only shared tasks have, is found through a slab (see [`handles`]).
///
/// Threads: [`TaskMeta::shared`] may be read from any thread (a wake from another thread
/// schedules through it), and the whole value may be dropped on any thread (the last waker
/// of a finished task may be dropped anywhere), so its drop is thread-safe. Everything else
/// is read and written on the executor's thread only.
#[repr(C, packed)]
pub(crate) struct TaskMeta {
    /// The executor's thread-safe part, where wakes go: an `Arc<Shared>`'s pointer
    /// (`Arc::into_raw`), whose count `drop` gives back. Read by value, never by reference
    /// (the field may be unaligned).
    shared: NonNull<Shared>,
    id: TaskId,
    /// The number of the task's last step (see [`context::TaskStep`]), 48 bits (step
    /// numbers wrap there): an await that was polled in it is the one the task is
    /// suspended in (see [`AwaitMark`](crate::AwaitMark)).
    last_step: Cell<[u8; 6]>,
    /// [`State`] in the low bits, plus [`CANCEL_REQUESTED`], [`RETRIEVED`], [`NAMED`]... in
    /// the low [`FLAG_BITS`]; the low bits of the handles' slot above them. At an even
    /// offset, as the key at a multiple of 4 (async-task puts the metadata at a multiple of
    /// 8), so that neither is split across words.
    flags: Flags,
    /// The task's key in the executor's registry of live tasks.
    registry_key: Cell<[u8; 4]>,
    /// The high 24 bits of the handles' slot (see [`handles`]): 0 for a task that was
    /// never shared.
    slot_high: Cell<[u8; 3]>,
}

/// A `Cell<u16>` of alignment 1, for the packed [`TaskMeta`].
struct Flags(Cell<[u8; 2]>);

impl Flags {
    #[inline]
    fn get(&self) -> u16 {
        u16::from_ne_bytes(self.0.get())
    }

    #[inline]
    fn set(&self, bits: u16) {
        self.0.set(bits.to_ne_bytes());
    }
}

// async-task's header is 32 bytes plus the metadata plus a 1-byte flag, rounded up to 8:
// 64 bytes only while the metadata is at most 31 bytes (see `TaskMeta`). 5 spare bits of
// the flags' 16 plus 24 make the slot's 29.
const _: () = assert!(std::mem::size_of::<TaskMeta>() <= 31);
const _: () = assert!(handles::MAX_SLOT < 1 << (16 - FLAG_BITS + 24));

impl TaskMeta {
    pub(crate) fn new(id: TaskId, shared: Arc<Shared>) -> TaskMeta {
        TaskMeta {
            shared: NonNull::new(Arc::into_raw(shared).cast_mut())
                .expect("an Arc's pointer is not null"),
            id,
            last_step: Cell::new([0; 6]),
            flags: Flags(Cell::new((State::Pending as u16).to_ne_bytes())),
            registry_key: Cell::new(u32::MAX.to_ne_bytes()),
            slot_high: Cell::new([0; 3]),
        }
    }

    /// The executor's thread-safe part.
    #[inline]
    pub(crate) fn shared(&self) -> &Shared {
        let ptr = self.shared;
        // SAFETY: `ptr` came from `Arc::into_raw` in `new`, and that count is given back only
        // by `drop`: the `Shared` outlives `self`, hence the returned borrow.
        unsafe { ptr.as_ref() }
    }

    /// A counted reference to the executor's thread-safe part (for code that outlives the
    /// task's allocation).
    pub(crate) fn shared_arc(&self) -> Arc<Shared> {
        let ptr = self.shared.as_ptr().cast_const();
        // SAFETY: `ptr` came from `Arc::into_raw` and its count is still held by `self` (see
        // `shared`); the new count is the returned `Arc`'s.
        unsafe {
            Arc::increment_strong_count(ptr);
            Arc::from_raw(ptr)
        }
    }

    #[inline]
    pub(crate) fn id(&self) -> TaskId {
        self.id
    }

    #[inline]
    pub(crate) fn last_step(&self) -> u64 {
        let [a, b, c, d, e, f] = self.last_step.get();
        u64::from_le_bytes([a, b, c, d, e, f, 0, 0])
    }

    #[inline]
    /// Keeps the low 48 bits of `step` (see [`context::MAX_STEP`]).
    fn set_last_step(&self, step: u64) {
        let [a, b, c, d, e, f, ..] = step.to_le_bytes();
        self.last_step.set([a, b, c, d, e, f]);
    }

    #[inline]
    pub(crate) fn registry_key(&self) -> u32 {
        u32::from_ne_bytes(self.registry_key.get())
    }

    #[inline]
    pub(crate) fn set_registry_key(&self, key: u32) {
        self.registry_key.set(key.to_ne_bytes());
    }

    /// The task's slot in [`handles`], 0 if none.
    fn slot(&self) -> u32 {
        let [a, b, c] = self.slot_high.get();
        let high = u32::from_le_bytes([a, b, c, 0]);
        (high << (16 - FLAG_BITS)) | u32::from(self.flags.get() >> FLAG_BITS)
    }

    fn set_slot(&self, slot: u32) {
        debug_assert!(slot <= handles::MAX_SLOT);
        let low = u16::try_from(slot & ((1 << (16 - FLAG_BITS)) - 1)).unwrap_or(0);
        self.flags
            .set((self.flags.get() & FLAG_MASK) | (low << FLAG_BITS));
        let [a, b, c, _] = (slot >> (16 - FLAG_BITS)).to_le_bytes();
        self.slot_high.set([a, b, c]);
    }

    /// Records the shared handles' part of the task; on the executor's thread.
    pub(crate) fn set_handle(&self, ptr: NonNull<()>) {
        debug_assert_eq!(self.slot(), 0, "a task was shared twice");
        self.set_slot(handles::insert(ptr));
    }

    /// Forgets the shared handles' part of the task, if it has one.
    pub(crate) fn clear_handle(&self) {
        let slot = self.slot();
        if slot != 0 {
            self.set_slot(0);
            handles::remove(slot);
        }
    }

    #[inline]
    fn handle(&self) -> Option<NonNull<()>> {
        // Most tasks were never shared: two loads and no slot arithmetic for them.
        if self.flags.get() >> FLAG_BITS == 0 && self.slot_high.get() == [0; 3] {
            return None;
        }
        handles::get(self.slot())
    }

    fn addr(&self) -> usize {
        std::ptr::from_ref(self).addr()
    }

    pub(crate) fn state(&self) -> State {
        match self.flags.get() & STATE_MASK {
            0 => State::Pending,
            1 => State::Finished,
            2 => State::Cancelled,
            _ => State::Panicked,
        }
    }

    fn set_state(&self, state: State) {
        self.flags
            .set((self.flags.get() & !STATE_MASK) | state as u16);
    }

    pub(crate) fn is_done(&self) -> bool {
        self.flags.get() & STATE_MASK != State::Pending as u16
    }

    pub(crate) fn cancel_requested(&self) -> bool {
        self.flags.get() & CANCEL_REQUESTED != 0
    }

    pub(crate) fn retrieved(&self) -> bool {
        self.flags.get() & RETRIEVED != 0
    }

    pub(crate) fn mark_retrieved(&self) {
        self.flags.set(self.flags.get() | RETRIEVED);
    }

    fn has(&self, flag: u16) -> bool {
        self.flags.get() & flag != 0
    }

    fn set(&self, flag: u16, on: bool) {
        let flags = self.flags.get();
        self.flags
            .set(if on { flags | flag } else { flags & !flag });
    }

    /// Whether the task's future is being polled or dropped right now (on this thread, up
    /// the stack).
    pub(crate) fn in_step(&self) -> bool {
        self.has(IN_STEP)
    }

    pub(crate) fn joined(&self) -> bool {
        self.has(JOINED)
    }

    pub(crate) fn set_joined(&self, on: bool) {
        self.set(JOINED, on);
    }

    /// Whether the unique handle gave out the output.
    pub(crate) fn taken(&self) -> bool {
        self.has(TAKEN)
    }

    pub(crate) fn mark_taken(&self) {
        self.set(TAKEN, true);
    }

    /// What the task failed with, when async-task holds no outcome for it: a closing
    /// executor dropped its future.
    pub(crate) fn failure_without_output(&self) -> Option<TaskError> {
        match self.state() {
            State::Cancelled => Some(TaskError::Cancelled),
            State::Panicked => {
                let panic = if self.has(FAILED) {
                    failures().get(&self.addr()).cloned()
                } else {
                    None
                };
                Some(TaskError::Panicked(panic.unwrap_or_else(|| {
                    Panic::new(Box::new("the task panicked while it was dropped"))
                })))
            }
            State::Pending | State::Finished => None,
        }
    }

    fn remember_failure(&self, panic: Panic) {
        let old = failures().insert(self.addr(), panic);
        self.set(FAILED, true);
        drop(old);
    }

    /// The state's name, for `Debug`.
    pub(crate) fn state_name(&self) -> &'static str {
        match self.state() {
            State::Pending if self.cancel_requested() => "cancelling",
            State::Pending => "pending",
            State::Finished => "finished",
            State::Cancelled => "cancelled",
            State::Panicked => "panicked",
        }
    }

    pub(crate) fn mark_cancel_requested(&self) {
        self.flags.set(self.flags.get() | CANCEL_REQUESTED);
    }

    /// Asks the task to stop at its next await point; `false` once it is done. The task is
    /// woken through its registry entry (every unfinished task has one): its next poll sees
    /// the flag (a task that is queued already, or running, is not queued twice).
    pub(crate) fn request_cancel(&self) -> bool {
        if self.is_done() {
            return false;
        }
        self.mark_cancel_requested();
        let key = self.registry_key();
        with_local_inner(self.shared(), |inner| inner.wake_task(key, self));
        true
    }

    /// The name given with `set_name`, or `Task-N`.
    pub(crate) fn name(&self) -> String {
        if self.flags.get() & NAMED != 0
            && let Some(name) = names().get(&self.addr())
        {
            return name.clone();
        }
        self.id().default_name()
    }

    pub(crate) fn set_name(&self, name: String) {
        let old = names().insert(self.addr(), name);
        self.flags.set(self.flags.get() | NAMED);
        drop(old);
    }

    /// Records the outcome and tells everyone: a shared handle part gets the output and its
    /// waiters and done-callbacks are queued in registration order, the registry forgets
    /// the task. On the executor's thread, from the task's own poll or the drop of its
    /// future. Gives back the outcome if the only handle is async-task's own (a unique
    /// [`Task`](crate::Task)), for async-task to keep.
    fn complete<T: 'static>(&self, out: Result<T, TaskError>) -> Outcome<T> {
        let state = match &out {
            Ok(_) => State::Finished,
            Err(TaskError::Cancelled) => State::Cancelled,
            Err(_) => State::Panicked,
        };
        self.set_state(state);
        let shared = self.handle().map(|ptr| {
            let ptr = ptr.cast::<SharedInner<T>>().as_ptr().cast_const();
            // SAFETY: the handle is recorded only while the `Rc<SharedInner<T>>` it points into
            // is alive (its drop clears it first), with this task's output type `T` (set by
            // `Task::share`, whose `Task<F::Output>` it is). We are on the executor's thread,
            // where that Rc lives. Taking a strong count of our own keeps it alive while the
            // wakers below run code that may drop the last handle.
            unsafe {
                Rc::increment_strong_count(ptr);
                Rc::from_raw(ptr)
            }
        });
        // The registry forgets the task before any user code runs below (a hook, a waker):
        // if that code panics, the unwinding may free the task, and the registry must not
        // be left pointing at it.
        let key = self.registry_key();
        with_local_inner(self.shared(), |inner| inner.unregister_task(key, self));
        if let Some(shared) = shared {
            SharedInner::finish(&shared, out);
            return None;
        }
        if self.joined() {
            return Some(out);
        }
        // Nobody can ever look at this outcome: report a panic now (asyncio reports an
        // exception never retrieved when the task is collected).
        if let Err(TaskError::Panicked(panic)) = &out {
            with_local_inner(self.shared(), |inner| {
                inner.report(ExecutorEvent::UnretrievedPanic {
                    task: &self.name(),
                    message: panic.message(),
                });
            });
        }
        drop(out);
        None
    }
}

impl Drop for TaskMeta {
    fn drop(&mut self) {
        let shared = self.shared.as_ptr().cast_const();
        // SAFETY: the count taken by `Arc::into_raw` in `new`, given back once, here; the
        // borrows `shared()` gave out ended with the borrow of `self`.
        drop(unsafe { Arc::from_raw(shared) });
        if self.flags.get() & NAMED != 0 {
            let name = names().remove(&self.addr());
            drop(name);
        }
        if self.has(FAILED) {
            let message = failures().remove(&self.addr());
            drop(message);
        }
    }
}

pin_project! {
    /// The future async-task runs: the user's future plus the bookkeeping around each step.
    /// It finds its task's metadata through its own waker: the one async-task polls it with,
    /// or the current task's while it is dropped (see [`context::TaskStep`]).
    pub(crate) struct TaskFuture<F>
    where
        F: Future,
        F: 'static,
        F::Output: 'static,
    {
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
                // Dropped before it finished (the executor closed): destructors run now (as
                // the current task: `discard` sets it), and the handles see a cancelled task
                // rather than waiting forever.
                context::with_current_meta(|meta| {
                    let meta = meta.expect(
                        "a corio task's future was dropped outside the executor",
                    );
                    let _in_step = InStep::enter(meta);
                    let outcome = match drop_cancelled(this.future, meta) {
                        None => Err(TaskError::Cancelled),
                        Some(panic) => Err(TaskError::Panicked(panic)),
                    };
                    if !meta.is_done()
                        && let Some(Err(TaskError::Panicked(panic))) =
                            meta.complete::<F::Output>(outcome)
                    {
                        // async-task keeps no output for a dropped future: kept aside for
                        // the only handle.
                        meta.remember_failure(panic);
                    }
                });
            }
        }
    }
}

impl<F> Future for TaskFuture<F>
where
    F: Future + 'static,
    F::Output: 'static,
{
    type Output = Outcome<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        // SAFETY: async-task polls a task's future with the task's own waker, made by
        // `Runnable<TaskMeta>` (its data pointer is the task's allocation); the layout was
        // measured when the first task was spawned (`check_layout`). The metadata lives as
        // long as the allocation, which outlives this poll.
        let meta = unsafe { meta_of(cx.waker()) };
        let (_step, step) = context::TaskStep::poll(cx.waker());
        let _in_step = InStep::enter(meta);
        if meta.cancel_requested() {
            // Stopped at the await point instead of being polled again. A task cancelled
            // before its first step never runs its body. Its destructors run now, as the
            // current task; one that panics turns the cancellation into that panic.
            let outcome = match drop_cancelled(this.future, meta) {
                None => Err(TaskError::Cancelled),
                Some(panic) => Err(TaskError::Panicked(panic)),
            };
            return Poll::Ready(meta.complete::<F::Output>(outcome));
        }
        let Some(future) = this.future.as_mut().as_pin_mut() else {
            return Poll::Ready(None);
        };
        let slow = context::slow_step_threshold();
        let started = slow.map(|_| Instant::now());
        meta.set_last_step(step);
        let polled = catch_unwind(AssertUnwindSafe(|| future.poll(cx)));
        let elapsed = started.map(|s| s.elapsed());
        let result = match polled {
            Ok(Poll::Pending) => {
                if !meta.has(WAKER_REGISTERED) {
                    // First wait: from now on nothing else may hold the task, so the
                    // registry keeps a reference (tasks that end in their first step, the
                    // common case, never pay for it).
                    meta.set(WAKER_REGISTERED, true);
                    let key = meta.registry_key();
                    with_local_inner(meta.shared(), |inner| {
                        inner.set_task_waker(key, meta, cx.waker());
                    });
                }
                if meta.cancel_requested() {
                    // Cancelled during this step (or the executor closed): stop at this
                    // await point, from the queue.
                    cx.waker().wake_by_ref();
                }
                Poll::Pending
            }
            Ok(Poll::Ready(v)) => {
                let outcome = match drop_future(this.future) {
                    Some(panic) => Err(TaskError::Panicked(panic)),
                    // Cancelled during the step in which it returned: `cancel()` said yes, so
                    // the task ends cancelled and its value is dropped (asyncio's
                    // `_must_cancel` when the coroutine stops).
                    None if meta.cancel_requested() => {
                        drop(v);
                        Err(TaskError::Cancelled)
                    }
                    None => Ok(v),
                };
                Poll::Ready(meta.complete(outcome))
            }
            Err(payload) => {
                let panic = Panic::new(payload);
                // A second panic while unwinding the future's drop is ignored: the first
                // one is the task's failure.
                let _ = drop_future(this.future);
                Poll::Ready(meta.complete::<F::Output>(Err(TaskError::Panicked(panic))))
            }
        };
        // Reported after the step, so the report shows the state the step left (asyncio
        // prints "<Task finished ...> took 0.207 seconds").
        if let (Some(threshold), Some(elapsed)) = (slow, elapsed)
            && elapsed > threshold
            && let Some(inner) = local_inner(meta.shared())
        {
            inner.report(ExecutorEvent::SlowStep(&SlowStep {
                kind: StepKind::Task(AnyTask::from_waker(cx.waker().clone())),
                elapsed,
            }));
        }
        result
    }
}

/// Marks a task's future as being polled or dropped, for the length of that call (see
/// [`TaskMeta::in_step`]); restores the previous mark, so that it nests.
struct InStep<'a> {
    meta: &'a TaskMeta,
    previous: bool,
}

impl<'a> InStep<'a> {
    fn enter(meta: &'a TaskMeta) -> InStep<'a> {
        let previous = meta.has(IN_STEP);
        meta.set(IN_STEP, true);
        InStep { meta, previous }
    }
}

impl Drop for InStep<'_> {
    fn drop(&mut self) {
        self.meta.set(IN_STEP, self.previous);
    }
}

/// Drops the task's future in place, catching a panic from its destructors (a task's
/// cleanup must not take the executor down). Returns the panic, if any.
fn drop_future<F>(future: Pin<&mut Option<F>>) -> Option<Panic> {
    let mut future = future;
    catch_unwind(AssertUnwindSafe(|| future.set(None)))
        .err()
        .map(Panic::new)
}

/// [`drop_future`] for a task that is cancelled (or closed) while suspended: the awaits it
/// was suspended in see that the drop abandons them (see [`AwaitMark`](crate::AwaitMark)).
fn drop_cancelled<F>(future: Pin<&mut Option<F>>, meta: &TaskMeta) -> Option<Panic> {
    let _cancelling = context::enter_cancel_drop(meta.last_step());
    drop_future(future)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{LocalExecutor, park};

    /// The handles' slot shares its word with the flags: neither may disturb the other.
    #[test]
    fn the_slot_and_the_flags_keep_apart() {
        let (_parker, unparker) = park::pair();
        let ex = LocalExecutor::new(unparker);
        let task = ex.spawn_local(std::future::pending::<()>());
        let meta = task.meta();
        for slot in [1, 31, 32, 0x12_3456, handles::MAX_SLOT] {
            meta.set_slot(slot);
            assert_eq!(meta.slot(), slot);
            meta.mark_retrieved();
            meta.set(TAKEN, true);
            meta.set_state(State::Panicked);
            assert_eq!(meta.slot(), slot);
            assert!(meta.retrieved() && meta.taken() && meta.state() == State::Panicked);
            meta.set_slot(0);
            assert!(meta.retrieved() && meta.taken() && meta.state() == State::Panicked);
            meta.flags.set(State::Pending as u16);
            assert_eq!(meta.slot(), 0);
        }
        assert!(meta.id().as_u64() > 0);
        meta.set_last_step(context::MAX_STEP);
        assert_eq!(meta.last_step(), context::MAX_STEP);
        meta.set_last_step(context::MAX_STEP + 5);
        assert_eq!(meta.last_step(), 4);
        drop(task);
        ex.close();
    }
}
