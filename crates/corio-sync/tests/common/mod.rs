//! Helpers shared by the integration tests (not loom).
#![allow(dead_code)] // each test file uses a different subset

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

/// A waker that counts how often it was woken.
#[derive(Default)]
pub(crate) struct CountWaker(AtomicUsize);

impl Wake for CountWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

impl CountWaker {
    pub(crate) fn new() -> (Arc<CountWaker>, Waker) {
        let counter = Arc::new(CountWaker::default());
        let waker = Waker::from(counter.clone());
        (counter, waker)
    }

    pub(crate) fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// Polls `fut` once with `waker`.
pub(crate) fn poll_with<F: Future + ?Sized>(fut: Pin<&mut F>, waker: &Waker) -> Poll<F::Output> {
    fut.poll(&mut Context::from_waker(waker))
}

/// Polls an `Unpin` future once with a no-op waker.
pub(crate) fn poll<F: Future + Unpin + ?Sized>(fut: &mut F) -> Poll<F::Output> {
    Pin::new(fut).poll(&mut Context::from_waker(Waker::noop()))
}

/// A log that tasks of one thread append to.
#[derive(Clone, Default)]
pub(crate) struct Log(Rc<RefCell<Vec<String>>>);

impl Log {
    pub(crate) fn push(&self, line: impl Into<String>) {
        self.0.borrow_mut().push(line.into());
    }

    pub(crate) fn lines(&self) -> Vec<String> {
        self.0.borrow().clone()
    }
}

/// Runs `main` on a single-thread `async_executor::LocalExecutor`, the
/// executor passed in so that `main` can spawn.
pub(crate) fn run_local<T>(
    main: impl AsyncFnOnce(Rc<async_executor::LocalExecutor<'static>>) -> T,
) -> T {
    let ex = Rc::new(async_executor::LocalExecutor::new());
    futures_lite::future::block_on(ex.run(main(ex.clone())))
}

/// Yields `n` times: a deterministic stand-in for a short sleep under a
/// single-thread FIFO executor.
pub(crate) async fn yields(n: usize) {
    for _ in 0..n {
        futures_lite::future::yield_now().await;
    }
}

/// Python's spelling of a bool, for comparing with golden outputs.
pub(crate) fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}
