//! Subprocesses and signals for corio.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

mod error;
mod signal;

pub use error::{ProcessError, SignalError};
pub use signal::{KeyboardInterrupt, Signal, SignalHandlers, Signals, signals};
