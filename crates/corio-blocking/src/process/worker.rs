//! The worker side: what [`init`](super::init) runs instead of returning when this
//! process was started as a worker. Reads requests from its standard input (a socket to
//! the parent), runs registered functions, answers, and exits when the parent closes.

use std::io::{BufReader, BufWriter, Read, Write};
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;

use super::fds::{FdReader, with_received_fds};
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
    // Standard input is our end of the parent's socket pair (see `spawn.rs`). The clone is
    // close-on-exec, and standard input becomes /dev/null (as in Python's children): a
    // program the function starts must not inherit the socket, or the parent would not see
    // it close when this process ends (the end of the stream is how it knows).
    let socket = UnixStream::from(std::io::stdin().as_fd().try_clone_to_owned()?);
    let devnull = std::fs::File::open("/dev/null")?;
    rustix::stdio::dup2_stdin(&devnull)?;
    drop(devnull);
    let mut reader = BufReader::new(FdReader::new(socket.try_clone()?));
    let mut writer = BufWriter::new(socket);
    let find = |name: &str| registry.iter().find(|f| f.name() == name);
    // Set when a reply could not be written because the parent is gone. A `Process`'s
    // child still runs its function (its requests were read, and it lives on its own, as
    // Python's does); a pool worker has nobody to answer and stops.
    let mut parent_gone = false;
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
                parent_gone |= !reply_to(&mut writer, &reply)?;
                if failed {
                    return Ok(1);
                }
            }
            Request::Call {
                function,
                args,
                last,
                daemon,
            } => {
                if parent_gone && !last {
                    return Ok(0);
                }
                if daemon {
                    watch_parent(writer.get_ref())?;
                }
                // The descriptors of the pipes and queues among the arguments came with
                // this frame.
                let fds = reader.get_mut().take_fds();
                let outcome = match find(&function) {
                    None => Err(Failure::Unknown(function)),
                    Some(f) => with_received_fds(fds, || f.call_serialized(&args)),
                };
                let failed = outcome.is_err();
                // Flush what the function printed before the parent learns it is done.
                let _ = std::io::stdout().flush();
                let reply = if last {
                    // A `Process`: the parent drops the result (as Python drops the
                    // target's), so it is not sent: a large one would fill the socket and
                    // block this process's exit until someone read it.
                    Reply::Done(outcome.map(|_| Vec::new()))
                } else {
                    Reply::Done(outcome)
                };
                reply_to(&mut writer, &reply)?;
                if last {
                    // multiprocessing.Process: exit code 1 if the target raised.
                    return Ok(i32::from(failed));
                }
            }
        }
    }
}

/// Writes a reply; `Ok(false)` if the parent is gone (its end of the socket closed).
fn reply_to(writer: &mut BufWriter<UnixStream>, reply: &Reply) -> std::io::Result<bool> {
    match write_frame(writer, reply) {
        Ok(()) => Ok(true),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset
            ) =>
        {
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

/// A daemonic `Process` (Python's `daemon=True`) ends with its parent: Python's parent
/// terminates its daemonic children when it exits. Here the child watches its socket: the
/// parent sends nothing after the call, so the end of the stream means the parent's last
/// handle on it went, which happens when the parent process ends, however it ends (even
/// killed). The child then sends itself SIGTERM, as Python's parent would have.
fn watch_parent(socket: &UnixStream) -> std::io::Result<()> {
    let mut socket = socket.try_clone()?;
    std::thread::Builder::new()
        .name("corio-daemon-watch".into())
        .spawn(move || {
            let mut byte = [0u8; 64];
            loop {
                match socket.read(&mut byte) {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
            let _ = std::io::stdout().flush();
            let _ = rustix::process::kill_process(
                rustix::process::getpid(),
                rustix::process::Signal::TERM,
            );
        })?;
    Ok(())
}
