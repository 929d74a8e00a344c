//! Which public types are Send / Sync / Unpin.

use corio_runtime::*;

fn send<T: Send>() {}
fn sync<T: Sync>() {}
fn unpin<T: Unpin>() {}

#[test]
fn thread_safe_handles_are_send_and_sync() {
    send::<LoopHandle>();
    sync::<LoopHandle>();
    send::<ThreadsafeHandle>();
    sync::<ThreadsafeHandle>();
    send::<LoopError>();
    sync::<LoopError>();
    send::<FutureError>();
    send::<TaskError>();
    sync::<TaskError>();
    send::<Panic>();
    sync::<Panic>();
    send::<AwaitMark>();
    sync::<AwaitMark>();
    send::<Sleep>();
    sync::<Sleep>();
    unpin::<Sleep>();
    send::<Builder>();
}

#[test]
fn loop_bound_types_are_unpin() {
    unpin::<EventLoop>();
    unpin::<Task<()>>();
    unpin::<SharedTask<()>>();
    unpin::<CancelOnDrop<()>>();
    unpin::<SettableFuture<()>>();
    unpin::<TimerHandle>();
}

// That `EventLoop` and `Task` are `!Send` is checked by compile_fail doctests on
// `EventLoop` (rustdoc does not compile doc comments of integration tests).

#[test]
fn combinator_types() {
    // A timeout scope can be rescheduled from any thread.
    send::<TimeoutHandle>();
    sync::<TimeoutHandle>();
    send::<Elapsed>();
    sync::<Elapsed>();
    send::<WaitEmpty>();
    sync::<WaitEmpty>();
    send::<ReturnWhen>();
    send::<GroupSpawnError>();
    send::<TaskGroupError<String>>();
    sync::<TaskGroupError<String>>();
    // The combinators' futures are Unpin whatever their children are.
    type Fut = std::future::Pending<Result<(), ()>>;
    unpin::<Gather<Fut>>();
    unpin::<GatherAll<Fut>>();
    unpin::<AsCompleted<Fut>>();
    unpin::<Shield<SharedTask<()>>>();
    unpin::<TaskGroup<()>>();
}
