//! `gather!`: a fixed set of awaitables of different types, outputs as a tuple.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::detach;

/// Runs a fixed set of awaitables of different types concurrently and gives their outputs
/// as a tuple, in argument order (asyncio's `gather(a, b, c)`).
///
/// - `gather!(a, b, c)`: each output is a `Result<_, E>` with one error type `E`; gives
///   `Ok((a, b, c))`, or the first `Err` while the other children **keep running** (moved
///   into a task of their own, as asyncio's children are tasks).
/// - `gather!(return_exceptions: a, b, c)`: waits for all and gives every output as it is:
///   `(a_output, b_output, c_output)`.
///
/// Up to 12 awaitables; for more, or for a number known only at run time, use
/// [`gather`](crate::gather()). The awaitables must be `'static` (the survivors of a
/// failure outlive the call).
///
/// # Errors
///
/// The first `Err` a child gives (without `return_exceptions`).
///
/// # Cancel safety
///
/// Dropping the gather drops the children that have not finished: a plain future is
/// dropped, a [`Task`](crate::Task) being awaited is cancelled.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use corio_runtime::{gather, run, sleep, spawn};
///
/// run(async {
///     let number = spawn(async {
///         sleep(Duration::from_millis(20)).await;
///         7
///     });
///     let word = spawn(async { "seven" });
///     assert_eq!(gather!(number, word).await, Ok((7, "seven")));
///
///     let fails = async { Err::<(), _>("boom") };
///     let fine = async { Ok::<_, &str>(1u8) };
///     assert_eq!(gather!(fine, fails).await, Err("boom"));
///
///     let (a, b) = gather!(return_exceptions: async { 1 }, async { Err::<(), _>("no") }).await;
///     assert_eq!((a, b), (1, Err("no")));
/// })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
#[macro_export]
macro_rules! gather {
    (return_exceptions: $($aw:expr),+ $(,)?) => {
        $crate::GatherTupleAll::__new(($($crate::GatherChild::__new($aw),)+))
    };
    ($($aw:expr),+ $(,)?) => {
        $crate::GatherTuple::__new(($($crate::GatherChild::__new($aw),)+))
    };
}

/// One child of [`gather!`]: running (pinned in a box of its own, so that the survivors of
/// a failure can move into a task) or done.
#[doc(hidden)]
pub enum GatherChild<F: Future> {
    /// Not finished.
    Running(Pin<Box<F>>),
    /// Finished; the output waits for the others.
    Done(Option<F::Output>),
}

impl<F: Future> fmt::Debug for GatherChild<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GatherChild::Running(_) => "Running",
            GatherChild::Done(_) => "Done",
        })
    }
}

impl<F: Future> GatherChild<F> {
    #[doc(hidden)]
    pub fn __new(aw: impl std::future::IntoFuture<IntoFuture = F>) -> GatherChild<F> {
        GatherChild::Running(Box::pin(aw.into_future()))
    }

    /// Polls a running child; `true` once it is done.
    fn poll_done(&mut self, cx: &mut Context<'_>) -> bool {
        match self {
            GatherChild::Running(f) => match f.as_mut().poll(cx) {
                Poll::Ready(out) => {
                    *self = GatherChild::Done(Some(out));
                    true
                }
                Poll::Pending => false,
            },
            GatherChild::Done(_) => true,
        }
    }

    fn take(&mut self) -> F::Output {
        match self {
            GatherChild::Done(out) => out.take().expect("taken once"),
            GatherChild::Running(_) => unreachable!("taken only once every child is done"),
        }
    }
}

impl<F: Future + 'static> GatherChild<F> {
    /// Lets a child that has not finished run on, in a task of its own.
    fn detach(&mut self) {
        if let GatherChild::Running(_) = self {
            let GatherChild::Running(f) = std::mem::replace(self, GatherChild::Done(None)) else {
                unreachable!("just checked")
            };
            detach(async move {
                f.await;
            });
        }
    }
}

/// The future of [`gather!`](crate::gather!): `Ok` of every output as a tuple, or the first `Err`.
///
/// # Examples
///
/// ```
/// corio_runtime::run(async {
///     let both = corio_runtime::gather!(async { Ok::<_, ()>(1) }, async { Ok(2) });
///     assert_eq!(both.await, Ok((1, 2)));
/// })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct GatherTuple<C> {
    children: C,
}

/// The future of `gather!(return_exceptions: ...)`: every output as it is, as a tuple.
///
/// # Examples
///
/// ```
/// corio_runtime::run(async {
///     let both = corio_runtime::gather!(return_exceptions: async { 1 }, async { Err::<u8, _>("x") });
///     assert_eq!(both.await, (1, Err("x")));
/// })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct GatherTupleAll<C> {
    children: C,
}

impl<C> GatherTuple<C> {
    #[doc(hidden)]
    pub fn __new(children: C) -> GatherTuple<C> {
        GatherTuple { children }
    }
}

impl<C> GatherTupleAll<C> {
    #[doc(hidden)]
    pub fn __new(children: C) -> GatherTupleAll<C> {
        GatherTupleAll { children }
    }
}

// The children are pinned in boxes of their own; the tuple itself is never pinned.
impl<C> Unpin for GatherTuple<C> {}
impl<C> Unpin for GatherTupleAll<C> {}

impl<C: TryGatherChildren> Future for GatherTuple<C> {
    type Output = Result<C::Oks, C::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.get_mut().children.try_poll_all(cx)
    }
}

impl<C: GatherChildren> Future for GatherTupleAll<C> {
    type Output = C::Outputs;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if this.children.poll_all(cx) {
            Poll::Ready(this.children.take_all())
        } else {
            Poll::Pending
        }
    }
}

impl<C> fmt::Debug for GatherTuple<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GatherTuple").finish_non_exhaustive()
    }
}

impl<C> fmt::Debug for GatherTupleAll<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GatherTupleAll").finish_non_exhaustive()
    }
}

/// What a tuple of children gives: implemented for tuples of 1 to 12 [`GatherChild`]ren.
#[doc(hidden)]
pub trait GatherChildren {
    /// The outputs as they are.
    type Outputs;
    /// Polls every running child; `true` once all are done.
    fn poll_all(&mut self, cx: &mut Context<'_>) -> bool;
    /// Takes every output (all done).
    fn take_all(&mut self) -> Self::Outputs;
}

/// Children whose outputs are `Result<_, E>`: the fail-fast form.
#[doc(hidden)]
pub trait TryGatherChildren {
    /// `Ok` of each output.
    type Oks;
    /// The common error type.
    type Error;
    /// Polls every running child; `Ready(Err)` on the first failure (the others detached),
    /// `Ready(Ok)` once all succeeded.
    fn try_poll_all(&mut self, cx: &mut Context<'_>) -> Poll<Result<Self::Oks, Self::Error>>;
    /// Lets every child that has not finished run on in a task of its own.
    fn detach_all(&mut self);
}

macro_rules! tuple_impls {
    ($( ($($F:ident $T:ident $i:tt),+) )+) => { $(
        impl<$($F: Future),+> GatherChildren for ($(GatherChild<$F>,)+) {
            type Outputs = ($($F::Output,)+);

            fn poll_all(&mut self, cx: &mut Context<'_>) -> bool {
                let mut all = true;
                $( all &= self.$i.poll_done(cx); )+
                all
            }

            fn take_all(&mut self) -> Self::Outputs {
                ($(self.$i.take(),)+)
            }
        }

        impl<E, $($F, $T),+> TryGatherChildren for ($(GatherChild<$F>,)+)
        where
            $($F: Future<Output = Result<$T, E>> + 'static,)+
        {
            type Oks = ($($T,)+);
            type Error = E;

            fn try_poll_all(&mut self, cx: &mut Context<'_>) -> Poll<Result<Self::Oks, E>> {
                let mut all = true;
                $(
                    if self.$i.poll_done(cx) {
                        if let GatherChild::Done(Some(Err(_))) = &self.$i {
                            let Err(e) = self.$i.take() else { unreachable!("just checked") };
                            self.detach_all();
                            return Poll::Ready(Err(e));
                        }
                    } else {
                        all = false;
                    }
                )+
                if !all {
                    return Poll::Pending;
                }
                Poll::Ready(Ok(($(
                    match self.$i.take() {
                        Ok(v) => v,
                        Err(_) => unreachable!("failures return early"),
                    },
                )+)))
            }

            fn detach_all(&mut self) {
                $( self.$i.detach(); )+
            }
        }
    )+ };
}

tuple_impls! {
    (A TA 0)
    (A TA 0, B TB 1)
    (A TA 0, B TB 1, C TC 2)
    (A TA 0, B TB 1, C TC 2, D TD 3)
    (A TA 0, B TB 1, C TC 2, D TD 3, F5 T5 4)
    (A TA 0, B TB 1, C TC 2, D TD 3, F5 T5 4, F6 T6 5)
    (A TA 0, B TB 1, C TC 2, D TD 3, F5 T5 4, F6 T6 5, F7 T7 6)
    (A TA 0, B TB 1, C TC 2, D TD 3, F5 T5 4, F6 T6 5, F7 T7 6, F8 T8 7)
    (A TA 0, B TB 1, C TC 2, D TD 3, F5 T5 4, F6 T6 5, F7 T7 6, F8 T8 7, F9 T9 8)
    (A TA 0, B TB 1, C TC 2, D TD 3, F5 T5 4, F6 T6 5, F7 T7 6, F8 T8 7, F9 T9 8, F10 T10 9)
    (A TA 0, B TB 1, C TC 2, D TD 3, F5 T5 4, F6 T6 5, F7 T7 6, F8 T8 7, F9 T9 8, F10 T10 9, F11 T11 10)
    (A TA 0, B TB 1, C TC 2, D TD 3, F5 T5 4, F6 T6 5, F7 T7 6, F8 T8 7, F9 T9 8, F10 T10 9, F11 T11 10, F12 T12 11)
}
