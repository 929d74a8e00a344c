use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Gives up exactly one turn: the task goes to the back of the ready queue, behind
/// everything already queued (asyncio's `await asyncio.sleep(0)`).
///
/// # Cancel safety
///
/// Cancel safe: it holds nothing.
///
/// # Examples
///
/// ```
/// use std::{cell::RefCell, rc::Rc};
/// use corio_executor::{LocalExecutor, park, yield_now};
///
/// let (mut parker, unparker) = park::pair();
/// let ex = LocalExecutor::new(unparker);
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// let a = ex.spawn_local(async move {
///     l.borrow_mut().push("a1");
///     yield_now().await;
///     l.borrow_mut().push("a2");
/// });
/// let l = log.clone();
/// ex.spawn_local(async move { l.borrow_mut().push("b") });
/// ex.block_on(a, &mut parker).unwrap();
/// assert_eq!(*log.borrow(), ["a1", "b", "a2"]);
/// ```
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// The future of [`yield_now`].
///
/// # Examples
///
/// See [`yield_now`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            Poll::Ready(())
        } else {
            self.yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}
