//! `AsFd` and `AsRawFd` for the socket types, written once: each borrows the descriptor of
//! the std socket its `inner` registration holds. A macro, because a blanket impl of a std
//! trait over a crate trait is not allowed (the orphan rule).

/// Implements `AsFd` and `AsRawFd` for `$ty`, whose field `inner` has `get_ref()` returning
/// the std socket.
macro_rules! impl_fd {
    ($ty:ty) => {
        impl std::os::fd::AsFd for $ty {
            fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
                std::os::fd::AsFd::as_fd(self.inner.get_ref())
            }
        }

        impl std::os::fd::AsRawFd for $ty {
            fn as_raw_fd(&self) -> std::os::fd::RawFd {
                std::os::fd::AsRawFd::as_raw_fd(self.inner.get_ref())
            }
        }
    };
}

pub(crate) use impl_fd;
