//! Child processes: [`Command`] and [`Stdio`] to start them, [`Process`] to talk to them and
//! wait for them, the pipes, the exit watch and the reaper of abandoned children.

pub(crate) mod child;
mod command;
mod communicate;
mod exit;
mod orphans;
mod pipes;

pub use child::{Output, Process};
pub(crate) use command::RawChild;
pub use command::{Command, Spawn, Stdio, create_subprocess_exec, create_subprocess_shell};
pub use pipes::{ChildStderr, ChildStdin, ChildStdout};
