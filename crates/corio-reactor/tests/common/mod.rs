//! A tiny executor for the tests: no corio-runtime exists below this crate.
//!
//! `block_on` re-polls the future only after its waker was called, so a
//! missed wake-up shows up as a stall, which the deadline turns into a test
//! failure instead of a hang.

#![allow(dead_code)] // each test file uses a different subset

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use corio_reactor::{PollingBackend, Reactor};

/// How long a test may wait for a wake-up before it is declared lost.
pub(crate) const DEADLINE: Duration = Duration::from_secs(10);

struct Flag(AtomicBool);

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Runs `fut` to completion, driving `reactor` while it is pending.
///
/// # Panics
///
/// If the future is not woken within [`DEADLINE`].
pub(crate) fn block_on<F: Future>(reactor: &Reactor, fut: F) -> F::Output {
    let mut fut = pin!(fut);
    let flag = Arc::new(Flag(AtomicBool::new(true)));
    let waker = Waker::from(Arc::clone(&flag));
    let mut cx = Context::from_waker(&waker);
    let mut deadline = Instant::now() + DEADLINE;
    loop {
        if flag.0.swap(false, Ordering::SeqCst) {
            if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
                return out;
            }
            deadline = Instant::now() + DEADLINE;
            continue;
        }
        let left = deadline
            .checked_duration_since(Instant::now())
            .unwrap_or_else(|| panic!("no wake-up within {DEADLINE:?}: a wake-up was lost"));
        reactor.poll(Some(left)).expect("reactor poll failed");
    }
}

/// Polls every future until all are done; outputs in order.
pub(crate) async fn join_all<F: Future>(futs: Vec<F>) -> Vec<F::Output> {
    let mut futs: Vec<_> = futs.into_iter().map(Box::pin).collect();
    let mut outs: Vec<Option<F::Output>> = futs.iter().map(|_| None).collect();
    std::future::poll_fn(move |cx| {
        let mut pending = false;
        for (fut, out) in futs.iter_mut().zip(outs.iter_mut()) {
            if out.is_none() {
                match fut.as_mut().poll(cx) {
                    Poll::Ready(v) => *out = Some(v),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(outs.iter_mut().map(|o| o.take().unwrap()).collect())
        }
    })
    .await
}

/// One reactor per backend mode, so every readiness test covers both the
/// edge-triggered and the oneshot (re-arm on demand) paths.
pub(crate) fn reactors() -> Vec<(&'static str, Reactor)> {
    vec![
        ("default", Reactor::new().unwrap()),
        // Edge-triggered without hang-up reports (the default elsewhere than Linux).
        (
            "polling",
            Reactor::with_backend(PollingBackend::new().unwrap()),
        ),
        (
            "oneshot",
            Reactor::with_backend(PollingBackend::oneshot().unwrap()),
        ),
    ]
}
