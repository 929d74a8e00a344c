//! Readiness over an anonymous pipe (`std::io::pipe`), in both backend modes.

mod common;

use std::io::{PipeReader, PipeWriter, Write};
use std::thread;
use std::time::Duration;

use common::{block_on, reactors};
use corio_reactor::Async;

#[test]
fn pipe_read_write() {
    for (mode, reactor) in reactors() {
        let (r, w) = std::io::pipe().unwrap();
        let r: Async<PipeReader> = Async::with_reactor(r, &reactor).unwrap();
        let w: Async<PipeWriter> = Async::with_reactor(w, &reactor).unwrap();
        let got = block_on(&reactor, async {
            w.write(b"through the pipe").await?;
            let mut buf = [0; 32];
            let n = r.read(&mut buf).await?;
            std::io::Result::Ok(buf[..n].to_vec())
        })
        .unwrap();
        assert_eq!(got, b"through the pipe", "{mode}");
    }
}

#[test]
fn pipe_reader_woken_by_writer_thread_then_eof() {
    for (mode, reactor) in reactors() {
        let (r, mut w) = std::io::pipe().unwrap();
        let r = Async::with_reactor(r, &reactor).unwrap();
        let writer = thread::spawn(move || {
            thread::sleep(Duration::from_millis(20));
            w.write_all(b"one").unwrap();
            thread::sleep(Duration::from_millis(20));
            drop(w); // end of stream
        });
        let mut buf = [0; 8];
        let n = block_on(&reactor, r.read(&mut buf)).unwrap();
        assert_eq!(&buf[..n], b"one", "{mode}");
        let n = block_on(&reactor, r.read(&mut buf)).unwrap();
        assert_eq!(n, 0, "{mode}: expected end of stream");
        writer.join().unwrap();
    }
}

#[test]
fn write_to_closed_pipe_is_an_error_not_a_hang() {
    for (mode, reactor) in reactors() {
        let (r, w) = std::io::pipe().unwrap();
        let w = Async::with_reactor(w, &reactor).unwrap();
        drop(r);
        let err = block_on(&reactor, w.write(b"x")).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe, "{mode}");
    }
}
