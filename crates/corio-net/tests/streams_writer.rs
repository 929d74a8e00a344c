//! StreamWriter over streams that are not sockets: buffering streams, failing streams,
//! and without a running loop.

mod common;

use std::cell::RefCell;
use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use common::run;
use corio_net::StreamWriter;
use futures_io::AsyncWrite;

/// Takes every write into a buffer of its own (as TLS does) and moves it to `out` on
/// flush; a flush with something staged is `Pending` once first (waking itself).
struct Staging {
    staged: Vec<u8>,
    out: Rc<RefCell<Vec<u8>>>,
    flush_ready: bool,
}

impl AsyncWrite for Staging {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().staged.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.flush_ready && !this.staged.is_empty() {
            this.flush_ready = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        this.flush_ready = false;
        this.out.borrow_mut().append(&mut this.staged);
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

#[test]
fn a_stream_that_buffers_is_flushed_without_drain() {
    let out = Rc::new(RefCell::new(Vec::new()));
    let o = out.clone();
    run(async move {
        let writer = StreamWriter::new(Staging {
            staged: Vec::new(),
            out: o.clone(),
            flush_ready: false,
        });
        writer.write(b"held by the stream").unwrap();
        // Nobody awaits anything of the writer: the flusher task flushes the stream.
        corio_runtime::sleep(Duration::from_millis(5)).await;
        assert_eq!(*o.borrow(), b"held by the stream");
        writer.write(b"; more").unwrap();
        writer.drain().await.unwrap();
        writer.close();
        writer.wait_closed().await.unwrap();
    });
    assert_eq!(*out.borrow(), b"held by the stream; more");
}

/// Fails every write.
struct Broken;

impl AsyncWrite for Broken {
    fn poll_write(self: Pin<&mut Self>, _: &mut Context<'_>, _: &[u8]) -> Poll<io::Result<usize>> {
        Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[test]
fn a_failed_stream_is_reported_by_drain_and_wait_closed() {
    run(async {
        let writer = StreamWriter::new(Broken);
        writer.write(b"lost").unwrap(); // write never fails for a connection error
        assert!(writer.is_closing());
        assert_eq!(
            writer.drain().await.unwrap_err().kind(),
            io::ErrorKind::BrokenPipe
        );
        writer.write(b"dropped silently").unwrap();
        assert_eq!(writer.get_write_buffer_size(), 0);
        assert_eq!(
            writer.wait_closed().await.unwrap_err().kind(),
            io::ErrorKind::BrokenPipe
        );
    });
}

#[test]
fn without_a_running_loop_drain_and_wait_closed_send_it_themselves() {
    // futures-lite's block_on: no corio loop, so no flusher task.
    let out = Rc::new(RefCell::new(Vec::new()));
    let writer = StreamWriter::new(Staging {
        staged: Vec::new(),
        out: out.clone(),
        flush_ready: false,
    });
    writer.write(b"abc").unwrap();
    futures_lite::future::block_on(writer.drain()).unwrap();
    assert_eq!(*out.borrow(), b"abc");
    writer.write(b"def").unwrap();
    writer.close();
    futures_lite::future::block_on(writer.wait_closed()).unwrap();
    assert_eq!(*out.borrow(), b"abcdef");
}

#[test]
fn water_marks_follow_asyncio_rules() {
    let writer = StreamWriter::new(futures_lite::io::sink());
    writer.set_write_buffer_limits(None, Some(100)).unwrap();
    assert_eq!(writer.get_write_buffer_limits(), (400, 100));
    writer.set_write_buffer_limits(Some(0), None).unwrap();
    assert_eq!(writer.get_write_buffer_limits(), (0, 0));
    assert!(writer.set_write_buffer_limits(Some(10), Some(11)).is_err());
    writer.set_write_buffer_limits(None, None).unwrap();
    assert_eq!(writer.get_write_buffer_limits(), (65536, 16384));
}
