//! Subprocesses and signals for corio.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

mod error;
mod process;
mod protocol;
mod signal;

pub use error::{ProcessError, SignalError};
pub use process::{
    ChildStderr, ChildStdin, ChildStdout, Command, Output, Process, Spawn, Stdio,
    create_subprocess_exec, create_subprocess_shell,
};
pub use protocol::{SubprocessLoopExt, SubprocessProtocol, SubprocessTransport};
pub use signal::{KeyboardInterrupt, Signal, SignalHandlers, Signals, signals};
