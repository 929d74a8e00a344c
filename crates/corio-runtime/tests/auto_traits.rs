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
    send::<Sleep>();
    sync::<Sleep>();
    unpin::<Sleep>();
    send::<Builder>();
}

#[test]
fn loop_bound_types_are_unpin() {
    unpin::<EventLoop>();
    unpin::<Task<()>>();
    unpin::<SettableFuture<()>>();
    unpin::<TimerHandle>();
}

/// `EventLoop`, `Task` and `SettableFuture` are `!Send`: they live on the loop's thread.
///
/// ```compile_fail
/// fn send<T: Send>() {}
/// send::<corio_runtime::EventLoop>();
/// ```
///
/// ```compile_fail
/// fn send<T: Send>() {}
/// send::<corio_runtime::Task<()>>();
/// ```
#[allow(dead_code)] // documents compile failures only
struct NotSend;
