//! `block_on` for loom models, parking on loom's `Notify` so loom sees every
//! sleep and wakeup (loom's own `block_on` needs its `futures` feature).

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use loom::sync::Notify;

struct NotifyWaker(Notify);

impl Wake for NotifyWaker {
    fn wake(self: Arc<Self>) {
        self.0.notify();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.notify();
    }
}

/// Polls `future` to completion on the current loom thread.
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    let notify = Arc::new(NotifyWaker(Notify::new()));
    let waker = Waker::from(notify.clone());
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        // Returns at once if a wakeup came since the last wait.
        notify.0.wait();
    }
}
