//! The protocol between a parent and its worker processes: length-prefixed postcard
//! frames over the socket that is the worker's standard input.
//!
//! postcard rather than JSON or bincode: it is compact (varints, no field names), fast,
//! has a documented stable wire format (1.0), and pulls in no other dependency; the
//! arguments and results it carries are whatever serde types the user's functions take,
//! so a self-describing format would buy nothing the two sides (the same binary) need.

use std::io::{self, Read, Write};
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{FutureError, Panic};

/// The environment variable that tells [`init`](super::init) it runs in a worker.
pub(crate) const WORKER_ENV: &str = "CORIO_BLOCKING_WORKER";

/// Frames larger than this are refused (a corrupt length must not allocate gigabytes).
const MAX_FRAME: usize = 1 << 30;

/// Parent to worker.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum Request {
    /// The first message: run this initializer (a registered function and its argument),
    /// then answer [`Reply::Ready`].
    Hello {
        initializer: Option<(String, Vec<u8>)>,
    },
    /// Run a registered function on a serialised argument and answer [`Reply::Done`].
    /// With `last`, exit afterwards (status 1 if the function failed), as a
    /// `multiprocessing.Process` does; its result is then not sent back. With `daemon`,
    /// end (by SIGTERM) when the parent closes its end of the socket (it died).
    Call {
        function: String,
        args: Vec<u8>,
        last: bool,
        daemon: bool,
    },
}

/// Worker to parent.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum Reply {
    /// Started, initializer run.
    Ready,
    /// The initializer failed; the worker exits.
    InitFailed(Failure),
    /// A call's serialised result, or how it failed.
    Done(Result<Vec<u8>, Failure>),
}

/// How a call failed in the worker. Only text crosses the boundary.
// Public in a private module: it appears in the sealed `CallSerialized` trait.
#[allow(unreachable_pub)]
#[derive(Debug, Clone, Serialize, Deserialize, thiserror::Error)]
pub enum Failure {
    /// The function panicked, with this message.
    #[error("{0}")]
    Panicked(String),
    /// The argument did not deserialise in the worker.
    #[error("cannot deserialise the argument in the worker: {0}")]
    Arguments(String),
    /// The result did not serialise in the worker.
    #[error("cannot serialise the result in the worker: {0}")]
    Result(String),
    /// No function of that name was given to `process::init` in the worker.
    #[error("function `{0}` is not registered in the worker process")]
    Unknown(String),
}

impl From<Failure> for FutureError {
    fn from(failure: Failure) -> FutureError {
        match failure {
            Failure::Panicked(message) => FutureError::Panicked(Panic::from_message(&message)),
            other => FutureError::Failed(Arc::new(other)),
        }
    }
}

/// Writes one frame: the payload's length (u32, little-endian), then the payload.
pub(crate) fn write_frame(w: &mut impl Write, msg: &impl Serialize) -> io::Result<()> {
    w.write_all(&encode_frame(msg)?)?;
    w.flush()
}

/// One frame's bytes.
pub(crate) fn encode_frame(msg: &impl Serialize) -> io::Result<Vec<u8>> {
    let payload = postcard::to_stdvec(msg).map_err(io::Error::other)?;
    let len = u32::try_from(payload.len())
        .ok()
        .filter(|&n| n as usize <= MAX_FRAME)
        .ok_or_else(|| io::Error::other("message too large"))?;
    let mut frame = Vec::with_capacity(4 + payload.len());
    frame.extend_from_slice(&len.to_le_bytes());
    frame.extend_from_slice(&payload);
    Ok(frame)
}

/// Reads one frame; `Ok(None)` on end of stream before a frame starts (the peer closed).
pub(crate) fn read_frame<T: DeserializeOwned>(r: &mut impl Read) -> io::Result<Option<T>> {
    let mut len = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        match r.read(&mut len[got..]) {
            Ok(0) if got == 0 => return Ok(None),
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let len = u32::from_le_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "frame too large",
        ));
    }
    let mut payload = vec![0u8; len];
    r.read_exact(&mut payload)?;
    postcard::from_bytes(&payload)
        .map(Some)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}
