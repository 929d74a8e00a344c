//! Which public types are `Send`, `Sync` and `Unpin` (model: tokio's
//! `tests/async_send_sync.rs`). A change here is an API change.

use corio_blocking::*;

fn all3<T: Send + Sync + Unpin>() {}
fn send_unpin<T: Send + Unpin>() {}

#[test]
fn handles_are_send_sync_unpin() {
    all3::<ConcurrentFuture<String>>();
    all3::<ThreadPool>();
    all3::<ThreadPoolExecutor>();
    all3::<FutureError>();
    all3::<Panic>();
    all3::<SubmitError>();
    send_unpin::<Unblock<String>>();
    send_unpin::<MapResults<String>>();
    send_unpin::<AsCompleted<String>>();
}

#[cfg(unix)]
#[test]
fn process_types_are_send_sync() {
    use corio_blocking::process::*;
    all3::<ProcessPoolExecutor>();
    all3::<SharedValue<i32>>();
    all3::<ProcessFn<u8, String>>();
    all3::<ProcessError>();
    all3::<SharedValueError>();
    send_unpin::<Process>();
}
