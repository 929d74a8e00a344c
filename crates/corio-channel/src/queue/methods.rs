//! The methods the three queue types share, written once.
//!
//! The three types differ only by their constructor (and its `T: Ord` for
//! the priority queue); everything else delegates to [`Core`](super::core).
//! A macro stamps the delegation and its docs onto each type, with the type's
//! own name in every example, so each type's page documents and tests its own
//! methods. The logic itself is not in the macro: it is in `core.rs` and
//! `future.rs`.

macro_rules! shared_methods {
    ($Name:ident) => {
        impl<T> $Name<T> {
            /// The most items the queue holds; 0 if unbounded.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use corio_channel::", stringify!($Name), ";")]
            ///
            #[doc = concat!("let q = ", stringify!($Name), "::<i32>::new(3);")]
            /// assert_eq!(q.maxsize(), 3);
            /// ```
            pub fn maxsize(&self) -> usize {
                self.core.maxsize()
            }

            /// The number of items in the queue.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use corio_channel::", stringify!($Name), ";")]
            ///
            #[doc = concat!("let q = ", stringify!($Name), "::new(0);")]
            /// q.put_nowait(1).unwrap();
            /// assert_eq!(q.qsize(), 1);
            /// ```
            pub fn qsize(&self) -> usize {
                self.core.qsize()
            }

            /// Whether the queue holds no item.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use corio_channel::", stringify!($Name), ";")]
            ///
            #[doc = concat!("let q = ", stringify!($Name), "::new(0);")]
            /// assert!(q.empty());
            /// q.put_nowait(1).unwrap();
            /// assert!(!q.empty());
            /// ```
            pub fn empty(&self) -> bool {
                self.core.qsize() == 0
            }

            /// Whether the queue holds `maxsize` items (never, if unbounded).
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use corio_channel::", stringify!($Name), ";")]
            ///
            #[doc = concat!("let q = ", stringify!($Name), "::new(1);")]
            /// assert!(!q.full());
            /// q.put_nowait(1).unwrap();
            /// assert!(q.full());
            /// ```
            pub fn full(&self) -> bool {
                self.core.full()
            }

            /// Puts an item, waiting while the queue is full.
            ///
            /// Each item put counts as one unfinished task until
            #[doc = concat!("[`task_done`](", stringify!($Name), "::task_done) marks it done.")]
            ///
            /// # Errors
            ///
            /// [`PutError`](crate::queue::PutError), which gives the item back,
            /// if the queue is shut down before or while waiting.
            ///
            /// # Cancel safety
            ///
            /// If the future is dropped before it completes, the item was not
            /// put (it is dropped with the future).
            ///
            /// # Examples
            ///
            /// ```
            /// # futures_lite::future::block_on(async {
            #[doc = concat!("use corio_channel::", stringify!($Name), ";")]
            ///
            #[doc = concat!("let q = ", stringify!($Name), "::new(1);")]
            /// q.put(1).await.unwrap();
            /// assert!(q.full());
            /// # });
            /// ```
            pub fn put(&self, item: T) -> $crate::queue::Put<'_, T> {
                $crate::queue::Put::new(&self.core, item)
            }

            /// Puts an item if there is room, without waiting.
            ///
            /// # Errors
            ///
            /// [`PutNowaitError::Full`](crate::queue::PutNowaitError::Full) if
            /// the queue is full,
            /// [`PutNowaitError::ShutDown`](crate::queue::PutNowaitError::ShutDown)
            /// if it is shut down; both give the item back.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use corio_channel::", stringify!($Name), ";")]
            ///
            #[doc = concat!("let q = ", stringify!($Name), "::new(1);")]
            /// q.put_nowait(1).unwrap();
            /// assert_eq!(q.put_nowait(2).unwrap_err().into_inner(), 2);
            /// ```
            pub fn put_nowait(&self, item: T) -> Result<(), $crate::queue::PutNowaitError<T>> {
                self.core.put_nowait(item)
            }

            /// Takes an item, waiting while the queue is empty.
            ///
            /// Waiting getters are served first come, first served; a getter
            /// that is cancelled after being woken passes its turn on.
            ///
            /// # Errors
            ///
            /// [`ShutDown`](crate::queue::ShutDown) if the queue is shut down
            /// and empty (a shut-down queue still hands out what it holds).
            ///
            /// # Cancel safety
            ///
            /// Cancel safe: no item is ever lost by dropping the future.
            ///
            /// # Examples
            ///
            /// ```
            /// # futures_lite::future::block_on(async {
            #[doc = concat!("use corio_channel::", stringify!($Name), ";")]
            ///
            #[doc = concat!("let q = ", stringify!($Name), "::new(0);")]
            /// q.put_nowait("job").unwrap();
            /// assert_eq!(q.get().await, Ok("job"));
            /// # });
            /// ```
            pub fn get(&self) -> $crate::queue::Get<'_, T> {
                $crate::queue::Get::new(&self.core)
            }

            /// Takes an item if there is one, without waiting.
            ///
            /// # Errors
            ///
            /// [`GetNowaitError::Empty`](crate::queue::GetNowaitError::Empty)
            /// if the queue is empty,
            /// [`GetNowaitError::ShutDown`](crate::queue::GetNowaitError::ShutDown)
            /// if it is also shut down.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use corio_channel::", stringify!($Name), ";")]
            ///
            #[doc = concat!("let q = ", stringify!($Name), "::new(0);")]
            /// assert!(q.get_nowait().unwrap_err().is_empty());
            /// q.put_nowait(5).unwrap();
            /// assert_eq!(q.get_nowait(), Ok(5));
            /// ```
            pub fn get_nowait(&self) -> Result<T, $crate::queue::GetNowaitError> {
                self.core.get_nowait()
            }

            /// Marks one item taken from the queue as done.
            ///
            #[doc = concat!("[`join`](", stringify!($Name), "::join) returns once every item put has been marked done.")]
            ///
            /// # Errors
            ///
            /// [`TaskDoneError`](crate::queue::TaskDoneError) if called more
            /// times than items were put.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use corio_channel::", stringify!($Name), ";")]
            ///
            #[doc = concat!("let q = ", stringify!($Name), "::new(0);")]
            /// q.put_nowait(1).unwrap();
            /// q.get_nowait().unwrap();
            /// assert!(q.task_done().is_ok());
            /// assert!(q.task_done().is_err()); // one item, one task_done
            /// ```
            pub fn task_done(&self) -> Result<(), $crate::queue::TaskDoneError> {
                self.core.task_done()
            }

            /// Waits until every item put has been marked done with
            #[doc = concat!("[`task_done`](", stringify!($Name), "::task_done); returns at once if none is unfinished.")]
            ///
            /// The future owns a handle on the queue (it does not borrow it), so it can
            /// be spawned as a task of its own, as asyncio's `create_task(q.join())`.
            ///
            /// # Cancel safety
            ///
            /// Cancel safe.
            ///
            /// # Examples
            ///
            /// ```
            /// # futures_lite::future::block_on(async {
            /// use futures_lite::future;
            #[doc = concat!("use corio_channel::", stringify!($Name), ";")]
            ///
            #[doc = concat!("let q = ", stringify!($Name), "::new(0);")]
            /// q.put_nowait(1).unwrap();
            /// let worker = async {
            ///     q.get().await.unwrap();
            ///     q.task_done().unwrap();
            /// };
            /// future::zip(q.join(), worker).await;
            /// # });
            /// ```
            pub fn join(&self) -> $crate::queue::Join<T> {
                $crate::queue::Join::new(self.core.clone())
            }

            /// Shuts the queue down (asyncio 3.13's `shutdown`).
            ///
            /// Later puts, and puts already waiting, fail at once with a
            /// shut-down error. Gets go on until the queue is empty, then
            /// fail. With `immediate`, the items still queued are removed at
            /// once and each is counted as done, so `join` returns once the
            /// items already taken are marked done; they are returned (in the
            /// order `get` would have handed them out) rather than dropped
            /// behind the caller's back. Without `immediate` the returned
            /// vector is empty. Shutting down twice is harmless.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use corio_channel::", stringify!($Name), ";")]
            ///
            #[doc = concat!("let q = ", stringify!($Name), "::new(0);")]
            /// q.put_nowait(1).unwrap();
            /// assert!(q.shutdown(false).is_empty());
            /// assert!(q.put_nowait(2).unwrap_err().is_shut_down());
            /// assert_eq!(q.get_nowait(), Ok(1)); // still drained
            /// assert!(q.get_nowait().unwrap_err().is_shut_down());
            /// ```
            pub fn shutdown(&self, immediate: bool) -> Vec<T> {
                self.core.shutdown(immediate)
            }

            /// Whether [`shutdown`](Self::shutdown) was called.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use corio_channel::", stringify!($Name), ";")]
            ///
            #[doc = concat!("let q = ", stringify!($Name), "::<i32>::new(0);")]
            /// assert!(!q.is_shut_down());
            /// q.shutdown(true);
            /// assert!(q.is_shut_down());
            /// ```
            pub fn is_shut_down(&self) -> bool {
                self.core.is_shut_down()
            }

            /// The number of items put and not yet marked done.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use corio_channel::", stringify!($Name), ";")]
            ///
            #[doc = concat!("let q = ", stringify!($Name), "::new(0);")]
            /// q.put_nowait(1).unwrap();
            /// q.get_nowait().unwrap();
            /// assert_eq!(q.unfinished_tasks(), 1); // taken, not yet done
            /// q.task_done().unwrap();
            /// assert_eq!(q.unfinished_tasks(), 0);
            /// ```
            pub fn unfinished_tasks(&self) -> usize {
                self.core.unfinished()
            }
        }

        impl<T> Clone for $Name<T> {
            /// Another handle to the same queue.
            fn clone(&self) -> Self {
                Self {
                    core: self.core.clone(),
                }
            }
        }

        impl<T> std::fmt::Debug for $Name<T> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($Name))
                    .field("qsize", &self.core.qsize())
                    .field("maxsize", &self.core.maxsize())
                    .field("unfinished_tasks", &self.core.unfinished())
                    .field("shut_down", &self.core.is_shut_down())
                    .finish()
            }
        }
    };
}

pub(super) use shared_methods;
