//! Which public types are `Send`, `Sync` and `Unpin`. Children and signal streams are owned by
//! one loop's thread but may be built or moved before it runs; the stream objects and the
//! transport share `Rc`s with their loop and stay on its thread.

use corio_process::{
    ChildStderr, ChildStdin, ChildStdout, Command, KeyboardInterrupt, Output, Process,
    ProcessError, Signal, SignalError, Signals, Spawn, Stdio, SubprocessTransport,
};

fn send<T: Send>() {}
fn sync<T: Sync>() {}
fn unpin<T: Unpin>() {}

#[test]
fn the_plain_types_are_send_and_sync() {
    send::<Command>();
    sync::<Command>();
    send::<Stdio>();
    sync::<Stdio>();
    send::<Signal>();
    sync::<Signal>();
    send::<Output>();
    sync::<Output>();
    send::<ProcessError>();
    sync::<ProcessError>();
    send::<SignalError>();
    sync::<SignalError>();
}

#[test]
fn pipes_and_signal_streams_are_send_and_unpin() {
    send::<ChildStdin>();
    send::<ChildStdout>();
    send::<ChildStderr>();
    sync::<ChildStdout>();
    unpin::<ChildStdin>();
    unpin::<ChildStdout>();
    send::<Signals>();
    unpin::<Signals>();
    send::<Spawn>();
    unpin::<Spawn>();
}

#[test]
fn loop_bound_types_are_unpin() {
    unpin::<Process>();
    unpin::<SubprocessTransport>();
    unpin::<KeyboardInterrupt>();
}
