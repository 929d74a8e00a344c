//! The worker side: what [`init`](super::init) runs instead of returning when this
//! process was started as a worker. Reads requests from its standard input (a socket to
//! the parent), runs registered functions, answers, and exits when the parent closes.

use std::io::{BufReader, BufWriter, Write};
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;

use super::function::AnyProcessFn;
use super::wire::{Failure, Reply, Request, read_frame, write_frame};

/// Serves the parent until it closes the socket; never returns.
pub(crate) fn serve(registry: &[&'static dyn AnyProcessFn]) -> ! {
    let code = match run(registry) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("corio-blocking worker {}: {error}", std::process::id());
            2
        }
    };
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    std::process::exit(code)
}

fn run(registry: &[&'static dyn AnyProcessFn]) -> std::io::Result<i32> {
    // Standard input is our end of the parent's socket pair (see `spawn.rs`).
    let socket = UnixStream::from(std::io::stdin().as_fd().try_clone_to_owned()?);
    let mut reader = BufReader::new(socket.try_clone()?);
    let mut writer = BufWriter::new(socket);
    let find = |name: &str| registry.iter().find(|f| f.name() == name);
    loop {
        let Some(request) = read_frame::<Request>(&mut reader)? else {
            // The parent closed: the pool shut down (or the parent died).
            return Ok(0);
        };
        match request {
            Request::Hello { initializer } => {
                let reply = match initializer {
                    None => Reply::Ready,
                    Some((name, args)) => match find(&name) {
                        None => Reply::InitFailed(Failure::Unknown(name)),
                        Some(f) => match f.call_serialized(&args) {
                            Ok(_) => Reply::Ready,
                            Err(failure) => Reply::InitFailed(failure),
                        },
                    },
                };
                let failed = matches!(reply, Reply::InitFailed(_));
                write_frame(&mut writer, &reply)?;
                if failed {
                    return Ok(1);
                }
            }
            Request::Call {
                function,
                args,
                last,
            } => {
                let outcome = match find(&function) {
                    None => Err(Failure::Unknown(function)),
                    Some(f) => f.call_serialized(&args),
                };
                let failed = outcome.is_err();
                // Flush what the function printed before the parent learns it is done.
                let _ = std::io::stdout().flush();
                write_frame(&mut writer, &Reply::Done(outcome))?;
                if last {
                    // multiprocessing.Process: exit code 1 if the target raised.
                    return Ok(i32::from(failed));
                }
            }
        }
    }
}
