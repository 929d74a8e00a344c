//! Errors shared by several channel families.

use thiserror::Error;

/// A bounded channel was asked for a capacity of 0.
///
/// [`mpmc::bounded`](crate::mpmc::bounded) and
/// [`broadcast::channel`](crate::broadcast::channel) need room for at least
/// one value; an unbounded mpmc channel is [`mpmc::unbounded`](crate::mpmc::unbounded).
///
/// # Examples
///
/// ```
/// use corio_channel::{ZeroCapacityError, mpmc};
///
/// assert_eq!(mpmc::bounded::<i32>(0).unwrap_err(), ZeroCapacityError);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
#[error("channel capacity must be at least 1")]
pub struct ZeroCapacityError;
