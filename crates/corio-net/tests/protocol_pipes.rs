//! Pipe transports: `connect_read_pipe` and `connect_write_pipe` over real pipes, a child's
//! stdio, a FIFO and a socket; callback order, flow control, hang-ups, refused descriptors.

use std::cell::RefCell;
use std::io::{self, Read, Write};
use std::process::{Command, Stdio};
use std::rc::Rc;
use std::time::Duration;

use corio_net::protocol::{
    BaseProtocol, EndpointError, PipeError, Protocol, ProtocolLoopExt, Transport, TransportError,
    connect_read_pipe, connect_write_pipe,
};

mod common;
use common::until;

type Log = Rc<RefCell<Vec<String>>>;

/// Records every callback of a read pipe; the data itself in `got`.
#[derive(Default, Debug)]
struct Reader {
    log: Log,
    got: Vec<u8>,
    transport: Option<Transport>,
}

impl BaseProtocol for Reader {
    fn connection_made(&mut self, t: Transport) {
        self.log.borrow_mut().push("made".into());
        self.transport = Some(t);
    }
    fn connection_lost(&mut self, error: Option<io::Error>) {
        self.log
            .borrow_mut()
            .push(format!("lost {:?}", error.map(|e| e.kind())));
    }
}

impl Protocol for Reader {
    fn data_received(&mut self, data: &[u8]) {
        let mut log = self.log.borrow_mut();
        if log.last().map(String::as_str) != Some("data") {
            log.push("data".into());
        }
        self.got.extend_from_slice(data);
    }
    fn eof_received(&mut self) -> bool {
        self.log.borrow_mut().push("eof".into());
        // Asking to stay open changes nothing on a pipe: there is no other direction.
        true
    }
}

/// Records the callbacks of a write pipe.
#[derive(Default, Debug)]
struct Writer {
    log: Log,
    transport: Option<Transport>,
}

impl BaseProtocol for Writer {
    fn connection_made(&mut self, t: Transport) {
        self.log.borrow_mut().push("made".into());
        self.transport = Some(t);
    }
    fn connection_lost(&mut self, error: Option<io::Error>) {
        self.log
            .borrow_mut()
            .push(format!("lost {:?}", error.map(|e| e.kind())));
    }
    fn pause_writing(&mut self) {
        self.log.borrow_mut().push("pause".into());
    }
    fn resume_writing(&mut self) {
        self.log.borrow_mut().push("resume".into());
    }
}

fn lost(log: &Log) -> bool {
    log.borrow().last().is_some_and(|l| l.starts_with("lost"))
}

#[test]
fn read_pipe_callbacks_in_asyncio_order() -> Result<(), Box<dyn std::error::Error>> {
    let (reader, mut writer) = io::pipe()?;
    corio_runtime::run(async move {
        let (t, p) = connect_read_pipe(Reader::default, reader).await?;
        let log = p.borrow().log.clone();
        assert_eq!(*log.borrow(), ["made"]);
        assert!(t.is_pipe() && t.is_reading() && !t.can_write_eof());
        assert!(matches!(t.write(b"x"), Err(TransportError::NotWritable)));
        writer.write_all(b"one ")?;
        until(|| p.borrow().got.len() == 4).await;
        writer.write_all(b"two")?;
        drop(writer);
        until(|| lost(&log)).await;
        assert_eq!(*log.borrow(), ["made", "data", "eof", "lost None"]);
        assert_eq!(p.borrow().got, b"one two");
        assert!(t.is_closing());
        Ok::<(), Box<dyn std::error::Error>>(())
    })??;
    Ok(())
}

#[test]
fn read_pipe_pause_and_resume_reading() -> Result<(), Box<dyn std::error::Error>> {
    let (reader, mut writer) = io::pipe()?;
    corio_runtime::run(async move {
        let (t, p) = connect_read_pipe(Reader::default, reader).await?;
        t.pause_reading();
        assert!(!t.is_reading());
        writer.write_all(b"held back")?;
        // Give the loop many turns: a paused transport delivers nothing.
        for _ in 0..20 {
            corio_runtime::sleep(Duration::from_millis(1)).await;
        }
        assert!(p.borrow().got.is_empty());
        t.resume_reading();
        until(|| p.borrow().got == b"held back").await;
        t.close();
        let log = p.borrow().log.clone();
        until(|| lost(&log)).await;
        // close() ends the transport without eof_received, as asyncio's does.
        assert_eq!(*log.borrow(), ["made", "data", "lost None"]);
        Ok::<(), Box<dyn std::error::Error>>(())
    })??;
    Ok(())
}

#[test]
fn write_pipe_flow_control_and_close() -> Result<(), Box<dyn std::error::Error>> {
    let (mut reader, writer) = io::pipe()?;
    // A thread drains the pipe slowly enough that the buffer crosses the high mark.
    let drain = std::thread::spawn(move || {
        let mut all = Vec::new();
        reader.read_to_end(&mut all).map(|_| all)
    });
    let payload: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
    let expected = payload.clone();
    corio_runtime::run(async move {
        let (t, p) = corio_runtime::get_running_loop()?
            .connect_write_pipe(Writer::default, writer)
            .await?;
        let log = p.borrow().log.clone();
        assert!(t.is_pipe() && !t.is_reading() && t.can_write_eof());
        t.set_write_buffer_limits(Some(64 * 1024), None)?;
        t.write(&payload)?;
        assert!(t.get_write_buffer_size() > 0);
        t.close();
        assert!(matches!(t.write(b"late"), Err(TransportError::Closing)));
        until(|| lost(&log)).await;
        assert_eq!(*log.borrow(), ["made", "pause", "resume", "lost None"]);
        assert_eq!(t.get_write_buffer_size(), 0);
        Ok::<(), Box<dyn std::error::Error>>(())
    })??;
    assert_eq!(drain.join().unwrap()?, expected);
    Ok(())
}

#[test]
fn write_pipe_reader_gone_with_nothing_queued_is_a_clean_end()
-> Result<(), Box<dyn std::error::Error>> {
    let (reader, writer) = io::pipe()?;
    corio_runtime::run(async move {
        let (_t, p) = connect_write_pipe(Writer::default, writer).await?;
        let log = p.borrow().log.clone();
        // The hang-up watch sees the reader go while the transport is idle.
        drop(reader);
        until(|| lost(&log)).await;
        assert_eq!(*log.borrow(), ["made", "lost None"]);
        Ok::<(), Box<dyn std::error::Error>>(())
    })??;
    Ok(())
}

#[test]
fn write_pipe_reader_gone_with_bytes_queued_is_a_broken_pipe()
-> Result<(), Box<dyn std::error::Error>> {
    let (reader, writer) = io::pipe()?;
    corio_runtime::run(async move {
        let (t, p) = connect_write_pipe(Writer::default, writer).await?;
        let log = p.borrow().log.clone();
        // More than the pipe holds: part of it stays queued.
        t.write(&vec![7u8; 4 << 20])?;
        until(|| log.borrow().iter().any(|l| l == "pause")).await;
        drop(reader);
        until(|| lost(&log)).await;
        assert_eq!(log.borrow().last().unwrap(), "lost Some(BrokenPipe)");
        assert!(matches!(t.write(b"x"), Err(TransportError::Closing)));
        Ok::<(), Box<dyn std::error::Error>>(())
    })??;
    Ok(())
}

#[test]
fn write_eof_then_write_is_refused() -> Result<(), Box<dyn std::error::Error>> {
    let (mut reader, writer) = io::pipe()?;
    corio_runtime::run(async move {
        let (t, p) = connect_write_pipe(Writer::default, writer).await?;
        t.write(b"last words")?;
        t.write_eof();
        assert!(matches!(t.write(b"x"), Err(TransportError::AfterEof)));
        let log = p.borrow().log.clone();
        until(|| lost(&log)).await;
        assert_eq!(*log.borrow(), ["made", "lost None"]);
        Ok::<(), Box<dyn std::error::Error>>(())
    })??;
    let mut got = String::new();
    reader.read_to_string(&mut got)?;
    assert_eq!(got, "last words");
    Ok(())
}

#[test]
fn a_childs_stdin_and_stdout() -> Result<(), Box<dyn std::error::Error>> {
    let mut child = Command::new("tr")
        .args(["a-z", "A-Z"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    corio_runtime::run(async move {
        let (w, wp) = connect_write_pipe(Writer::default, stdin).await?;
        let (_r, rp) = connect_read_pipe(Reader::default, stdout).await?;
        w.write(b"shout this")?;
        w.write_eof();
        let (wlog, rlog) = (wp.borrow().log.clone(), rp.borrow().log.clone());
        until(|| lost(&wlog) && lost(&rlog)).await;
        assert_eq!(rp.borrow().got, b"SHOUT THIS");
        assert_eq!(*rlog.borrow(), ["made", "data", "eof", "lost None"]);
        Ok::<(), Box<dyn std::error::Error>>(())
    })??;
    assert!(child.wait()?.success());
    Ok(())
}

#[test]
fn a_fifo_both_ends() -> Result<(), Box<dyn std::error::Error>> {
    use std::os::unix::fs::OpenOptionsExt;
    let path = std::env::temp_dir().join(format!("corio-test-fifo-{}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    assert!(Command::new("mkfifo").arg(&path).status()?.success());
    // The read end opens at once with O_NONBLOCK; the write end then finds a reader.
    let read_end = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(&path)?;
    let write_end = std::fs::OpenOptions::new().write(true).open(&path)?;
    std::fs::remove_file(&path)?;
    corio_runtime::run(async move {
        let (_r, rp) = connect_read_pipe(Reader::default, read_end).await?;
        let (w, wp) = connect_write_pipe(Writer::default, write_end).await?;
        w.write(b"named pipe")?;
        w.close();
        let (wlog, rlog) = (wp.borrow().log.clone(), rp.borrow().log.clone());
        until(|| lost(&wlog) && lost(&rlog)).await;
        assert_eq!(rp.borrow().got, b"named pipe");
        assert_eq!(*wlog.borrow(), ["made", "lost None"]);
        Ok::<(), Box<dyn std::error::Error>>(())
    })??;
    Ok(())
}

#[test]
fn a_socket_is_accepted_as_a_pipe() -> Result<(), Box<dyn std::error::Error>> {
    let (a, mut b) = std::os::unix::net::UnixStream::pair()?;
    corio_runtime::run(async move {
        let (w, wp) = connect_write_pipe(Writer::default, a).await?;
        w.write(b"over a socket")?;
        w.close();
        let log = wp.borrow().log.clone();
        until(|| lost(&log)).await;
        assert_eq!(*log.borrow(), ["made", "lost None"]);
        Ok::<(), Box<dyn std::error::Error>>(())
    })??;
    let mut got = String::new();
    b.read_to_string(&mut got)?;
    assert_eq!(got, "over a socket");
    Ok(())
}

#[test]
fn a_regular_file_or_directory_is_refused() -> Result<(), Box<dyn std::error::Error>> {
    let file = std::fs::File::open(env!("CARGO_MANIFEST_PATH"))?;
    let dir = std::fs::File::open(env!("CARGO_MANIFEST_DIR"))?;
    let wfile = std::fs::File::open(env!("CARGO_MANIFEST_PATH"))?;
    corio_runtime::run(async move {
        let err = connect_read_pipe(Reader::default, file).await.unwrap_err();
        assert!(matches!(
            err,
            EndpointError::Pipe(PipeError::NotAPipe {
                kind: "regular file"
            })
        ));
        let err = connect_read_pipe(Reader::default, dir).await.unwrap_err();
        assert!(matches!(
            err,
            EndpointError::Pipe(PipeError::NotAPipe { kind: "directory" })
        ));
        let err = connect_write_pipe(Writer::default, wfile)
            .await
            .unwrap_err();
        assert!(matches!(
            err,
            EndpointError::Pipe(PipeError::NotAPipe { .. })
        ));
    })?;
    Ok(())
}

#[test]
fn outside_a_loop_is_a_typed_error() -> Result<(), Box<dyn std::error::Error>> {
    let (reader, _writer) = io::pipe()?;
    let err =
        futures_lite::future::block_on(connect_read_pipe(Reader::default, reader)).unwrap_err();
    // No reactor: the registration fails, typed.
    assert!(matches!(err, EndpointError::Pipe(PipeError::Register(_))));
    Ok(())
}
