//! futures-io `AsyncRead`/`AsyncWrite` for the stream sockets, on `T` and on `&T`.
//!
//! Every operation goes through `Async::poll_read_stream`/`poll_write_stream`: a hot socket
//! costs its read and one atomic load (no re-arm). For TCP, a read that returns less than
//! its buffer shows the kernel buffer drained, and the next read waits for the reactor's
//! event without the syscall that would return `WouldBlock` (one syscall per request saved
//! on a request/response connection); likewise a short write shows the send buffer full.
//! Unix stream sockets do not get that: their reads also stop short at a message that
//! carries descriptors or another writer's credentials, with more data queued behind it.

/// Linux's `IOV_MAX`: a vectored read or write moves at most this many slices (std passes
/// no more), so only these count towards "asked for" when judging a short operation.
const IOV_MAX: usize = 1024;

/// The bytes a vectored operation on `lens` can move in one call.
pub(crate) fn vectored_len(lens: impl Iterator<Item = usize>) -> usize {
    lens.take(IOV_MAX).sum()
}

/// Implements futures-io's `AsyncRead` and `AsyncWrite` for `$ty` and `&$ty`, where
/// `$ty` has a field `inner: Arc<Async<$std>>` and `&$std: Read + Write`.
///
/// `impl_stream_io!(T, short_ops)` (TCP) trusts a short read or write to show the kernel
/// buffer drained or full; `impl_stream_io!(T)` does not (it passes 0 as the length asked,
/// which no result is short of).
macro_rules! impl_stream_io {
    ($ty:ty) => {
        $crate::io_impls::impl_stream_io!($ty, false);
    };
    ($ty:ty, short_ops) => {
        $crate::io_impls::impl_stream_io!($ty, true);
    };
    ($ty:ty, $short:literal) => {
        impl futures_io::AsyncRead for $ty {
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &mut [u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                futures_io::AsyncRead::poll_read(std::pin::Pin::new(&mut &*self), cx, buf)
            }

            fn poll_read_vectored(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                bufs: &mut [std::io::IoSliceMut<'_>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                futures_io::AsyncRead::poll_read_vectored(std::pin::Pin::new(&mut &*self), cx, bufs)
            }
        }

        impl futures_io::AsyncRead for &$ty {
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &mut [u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                let len = if $short { buf.len() } else { 0 };
                self.inner
                    .poll_read_stream(cx, len, |mut io| std::io::Read::read(&mut io, buf))
            }

            fn poll_read_vectored(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                bufs: &mut [std::io::IoSliceMut<'_>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                let len = if $short {
                    $crate::io_impls::vectored_len(bufs.iter().map(|b| b.len()))
                } else {
                    0
                };
                self.inner.poll_read_stream(cx, len, |mut io| {
                    std::io::Read::read_vectored(&mut io, bufs)
                })
            }
        }

        impl futures_io::AsyncWrite for $ty {
            fn poll_write(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                futures_io::AsyncWrite::poll_write(std::pin::Pin::new(&mut &*self), cx, buf)
            }

            fn poll_write_vectored(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                bufs: &[std::io::IoSlice<'_>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                futures_io::AsyncWrite::poll_write_vectored(
                    std::pin::Pin::new(&mut &*self),
                    cx,
                    bufs,
                )
            }

            fn poll_flush(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                futures_io::AsyncWrite::poll_flush(std::pin::Pin::new(&mut &*self), cx)
            }

            fn poll_close(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                futures_io::AsyncWrite::poll_close(std::pin::Pin::new(&mut &*self), cx)
            }
        }

        impl futures_io::AsyncWrite for &$ty {
            fn poll_write(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                let len = if $short { buf.len() } else { 0 };
                self.inner
                    .poll_write_stream(cx, len, |mut io| std::io::Write::write(&mut io, buf))
            }

            fn poll_write_vectored(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                bufs: &[std::io::IoSlice<'_>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                let len = if $short {
                    $crate::io_impls::vectored_len(bufs.iter().map(|b| b.len()))
                } else {
                    0
                };
                self.inner.poll_write_stream(cx, len, |mut io| {
                    std::io::Write::write_vectored(&mut io, bufs)
                })
            }

            fn poll_flush(
                self: std::pin::Pin<&mut Self>,
                _cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                // Sockets have no user-space buffer to flush.
                std::task::Poll::Ready(Ok(()))
            }

            /// Shuts the write half down (sends FIN); the descriptor closes on drop.
            fn poll_close(
                self: std::pin::Pin<&mut Self>,
                _cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                std::task::Poll::Ready(
                    match self.inner.get_ref().shutdown(std::net::Shutdown::Write) {
                        // Already shut down or reset by the peer: the half is closed.
                        Err(e) if e.kind() == std::io::ErrorKind::NotConnected => Ok(()),
                        other => other,
                    },
                )
            }
        }
    };
}

pub(crate) use impl_stream_io;
