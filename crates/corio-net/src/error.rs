//! The errors of the stream API: [`ReadError`], [`IncompleteReadError`],
//! [`LimitOverrunError`] and [`WriteError`].

use std::fmt;
use std::io;

/// End-of-file came before the read could finish (asyncio's `IncompleteReadError`).
/// The bytes read so far are not lost: they are in [`partial`](IncompleteReadError::partial).
///
/// # Examples
///
/// ```
/// use corio_net::{ReadError, StreamReader};
///
/// # corio_runtime::run(async {
/// let mut reader = StreamReader::new(&b"abc"[..]);
/// match reader.readexactly(5).await {
///     Err(ReadError::Incomplete(e)) => {
///         assert_eq!(e.partial, b"abc");
///         assert_eq!(e.expected, Some(5));
///     }
///     other => panic!("{other:?}"),
/// }
/// # })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} bytes read on a total of {} expected bytes", partial.len(), match expected { Some(n) => n.to_string(), None => "undefined".into() })]
pub struct IncompleteReadError {
    /// The bytes read before end-of-file.
    pub partial: Vec<u8>,
    /// How many bytes were wanted (`None` for `readuntil`, which wanted a separator).
    pub expected: Option<usize>,
}

impl fmt::Debug for IncompleteReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IncompleteReadError")
            .field("partial", &String::from_utf8_lossy(&self.partial))
            .field("expected", &self.expected)
            .finish()
    }
}

/// The separator was not found within the reader's limit (asyncio's
/// `LimitOverrunError`). The data stays in the buffer; `consumed` says how many bytes
/// would have to be consumed to go on.
///
/// # Examples
///
/// ```
/// use corio_net::{ReadError, StreamReader};
///
/// # corio_runtime::run(async {
/// let mut reader = StreamReader::with_limit(&b"abcdef\n"[..], 4);
/// match reader.readuntil(b"\n").await {
///     Err(ReadError::LimitOverrun(e)) => assert_eq!(e.consumed, 6),
///     other => panic!("{other:?}"),
/// }
/// # })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct LimitOverrunError {
    /// asyncio's message: whether the separator was found.
    pub message: &'static str,
    /// The number of bytes to consume (asyncio's `consumed`).
    pub consumed: usize,
}

/// How a [`StreamReader`](crate::StreamReader) read failed.
///
/// It converts into an [`io::Error`] (kind `UnexpectedEof` for an incomplete read,
/// `InvalidData` for a limit overrun), so `?` works in functions returning
/// `io::Result`.
///
/// # Examples
///
/// ```
/// use corio_net::{ReadError, StreamReader};
///
/// # corio_runtime::run(async {
/// let mut reader = StreamReader::new(&b"no newline"[..]);
/// let err = reader.readuntil(b"\n").await.unwrap_err();
/// assert!(matches!(err, ReadError::Incomplete(_)));
/// let io: std::io::Error = err.into();
/// assert_eq!(io.kind(), std::io::ErrorKind::UnexpectedEof);
/// # })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// End-of-file before the read finished.
    #[error(transparent)]
    Incomplete(#[from] IncompleteReadError),
    /// The separator was not found within the limit.
    #[error(transparent)]
    LimitOverrun(#[from] LimitOverrunError),
    /// The underlying stream failed (e.g. `ConnectionReset`).
    #[error(transparent)]
    Io(#[from] io::Error),
    /// `readuntil` was given an empty separator (asyncio's `ValueError`).
    #[error("separator should be at least one byte")]
    EmptySeparator,
}

impl ReadError {
    /// The partial bytes of an incomplete read.
    ///
    /// # Examples
    ///
    /// ```
    /// # corio_runtime::run(async {
    /// let mut reader = corio_net::StreamReader::new(&b"ab"[..]);
    /// let err = reader.readexactly(3).await.unwrap_err();
    /// assert_eq!(err.partial(), Some(&b"ab"[..]));
    /// # })?;
    /// # Ok::<(), corio_runtime::LoopError>(())
    /// ```
    #[must_use]
    pub fn partial(&self) -> Option<&[u8]> {
        match self {
            ReadError::Incomplete(e) => Some(&e.partial),
            _ => None,
        }
    }
}

impl From<ReadError> for io::Error {
    fn from(err: ReadError) -> io::Error {
        match err {
            ReadError::Io(e) => e,
            ReadError::Incomplete(e) => io::Error::new(io::ErrorKind::UnexpectedEof, e),
            ReadError::LimitOverrun(e) => io::Error::new(io::ErrorKind::InvalidData, e),
            other @ ReadError::EmptySeparator => io::Error::new(io::ErrorKind::InvalidInput, other),
        }
    }
}

/// Why a [`StreamWriter::write`](crate::StreamWriter::write) was refused.
///
/// # Examples
///
/// ```
/// use corio_net::{StreamWriter, WriteError};
///
/// # corio_runtime::run(async {
/// let writer = StreamWriter::new(futures_lite::io::sink());
/// writer.close();
/// assert_eq!(writer.write(b"late"), Err(WriteError::Closing));
/// # })?;
/// # Ok::<(), corio_runtime::LoopError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// `write_eof` was called: the write half is (being) shut down.
    #[error("cannot write after write_eof()")]
    EofWritten,
    /// `close` was called.
    #[error("cannot write to a closing stream")]
    Closing,
    /// `write_eof` on a stream that cannot half-close (TLS; asyncio's
    /// `NotImplementedError`).
    #[error("this stream cannot write an end-of-file and keep reading")]
    EofUnsupported,
}
