//! The methods [`Sender`](super::Sender) and [`Receiver`](super::Receiver)
//! share, written once.
//!
//! Both handles look at the same channel state; only sending, receiving and
//! closing differ. A macro stamps the delegation and its docs onto each type,
//! with the handle's own variable (`tx` or `rx`) in every example, so that
//! each type's page documents and tests its own methods, as the queues'
//! `shared_methods!` does. The logic is not in the macro: it is in
//! `channel.rs` (`Channel`, and `End` for the counting).

macro_rules! handle_methods {
    ($Name:ident, $what:literal, $this:literal) => {
        impl<T> $Name<T> {
            /// Whether the channel is closed.
            ///
            /// # Examples
            ///
            /// ```
            /// use corio_channel::mpmc;
            ///
            /// let (tx, rx) = mpmc::unbounded::<i32>();
            #[doc = concat!("assert!(!", $this, ".is_closed());")]
            /// tx.close();
            #[doc = concat!("assert!(", $this, ".is_closed());")]
            /// ```
            pub fn is_closed(&self) -> bool {
                self.end.is_closed()
            }

            /// The number of values in the channel.
            ///
            /// # Examples
            ///
            /// ```
            /// use corio_channel::mpmc;
            ///
            /// let (tx, rx) = mpmc::unbounded();
            /// tx.try_send(()).unwrap();
            #[doc = concat!("assert_eq!(", $this, ".len(), 1);")]
            /// ```
            pub fn len(&self) -> usize {
                self.end.len()
            }

            /// Whether the channel holds no value.
            ///
            /// # Examples
            ///
            /// ```
            /// use corio_channel::mpmc;
            ///
            /// let (tx, rx) = mpmc::unbounded::<i32>();
            #[doc = concat!("assert!(", $this, ".is_empty());")]
            /// tx.try_send(1).unwrap();
            #[doc = concat!("assert!(!", $this, ".is_empty());")]
            /// ```
            pub fn is_empty(&self) -> bool {
                self.end.is_empty()
            }

            /// Whether the channel is full (never, if unbounded).
            ///
            /// # Examples
            ///
            /// ```
            /// use corio_channel::mpmc;
            ///
            /// let (tx, rx) = mpmc::bounded(1).unwrap();
            /// tx.try_send(()).unwrap();
            #[doc = concat!("assert!(", $this, ".is_full());")]
            /// ```
            pub fn is_full(&self) -> bool {
                self.end.is_full()
            }

            /// The channel's capacity; `None` if unbounded.
            ///
            /// # Examples
            ///
            /// ```
            /// use corio_channel::mpmc;
            ///
            /// let (tx, rx) = mpmc::bounded::<i32>(8).unwrap();
            #[doc = concat!("assert_eq!(", $this, ".capacity(), Some(8));")]
            /// let (tx, rx) = mpmc::unbounded::<i32>();
            #[doc = concat!("assert_eq!(", $this, ".capacity(), None);")]
            /// ```
            pub fn capacity(&self) -> Option<usize> {
                self.end.capacity()
            }

            /// The number of live senders.
            ///
            /// # Examples
            ///
            /// ```
            /// use corio_channel::mpmc;
            ///
            /// let (tx, rx) = mpmc::unbounded::<i32>();
            /// let tx2 = tx.clone();
            #[doc = concat!("assert_eq!(", $this, ".sender_count(), 2);")]
            /// drop(tx2);
            #[doc = concat!("assert_eq!(", $this, ".sender_count(), 1);")]
            /// ```
            pub fn sender_count(&self) -> usize {
                self.end.sender_count()
            }

            /// The number of live receivers.
            ///
            /// # Examples
            ///
            /// ```
            /// use corio_channel::mpmc;
            ///
            /// let (tx, rx) = mpmc::unbounded::<i32>();
            /// let rx2 = rx.clone();
            #[doc = concat!("assert_eq!(", $this, ".receiver_count(), 2);")]
            /// drop(rx2);
            #[doc = concat!("assert_eq!(", $this, ".receiver_count(), 1);")]
            /// ```
            pub fn receiver_count(&self) -> usize {
                self.end.receiver_count()
            }
        }

        impl<T> Clone for $Name<T> {
            #[doc = concat!("Another ", $what, " on the same channel.")]
            fn clone(&self) -> Self {
                Self {
                    end: self.end.clone(),
                }
            }
        }

        impl<T> fmt::Debug for $Name<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($Name))
                    .field("len", &self.len())
                    .field("capacity", &self.capacity())
                    .field("closed", &self.is_closed())
                    .finish()
            }
        }
    };
}

pub(super) use handle_methods;
