//! Real I/O readiness through the loop's reactor.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::time::Duration;

use corio_reactor::Async;
use corio_runtime::{EventLoop, sleep, spawn};

#[test]
fn a_task_wakes_on_socket_readiness() {
    let lp = EventLoop::new().unwrap();
    let got = lp
        .run_until_complete(async {
            let (a, b) = UnixStream::pair().unwrap();
            let reader = Async::new(a).unwrap();
            let writer = Async::new(b).unwrap();
            let echo = spawn(async move {
                let mut buf = [0u8; 5];
                let mut got = Vec::new();
                while got.len() < 10 {
                    let n = reader.read_with(|s| (&*s).read(&mut buf)).await.unwrap();
                    got.extend_from_slice(&buf[..n]);
                }
                got
            });
            sleep(Duration::from_millis(5)).await;
            writer.write_with(|s| (&*s).write(b"hello")).await.unwrap();
            sleep(Duration::from_millis(5)).await;
            writer.write_with(|s| (&*s).write(b"world")).await.unwrap();
            echo.await.unwrap()
        })
        .unwrap();
    assert_eq!(got, b"helloworld");
}

#[test]
fn io_is_seen_while_callbacks_keep_the_loop_busy() {
    // A task that keeps yielding must not starve I/O: the loop checks the reactor every
    // few dozen iterations even when never idle.
    let lp = EventLoop::new().unwrap();
    let spins = lp
        .run_until_complete(async {
            let (a, b) = UnixStream::pair().unwrap();
            let reader = Async::new(a).unwrap();
            let read = spawn(async move {
                let mut buf = [0u8; 1];
                reader.read_with(|s| (&*s).read(&mut buf)).await.unwrap()
            })
            .share();
            let r = read.clone();
            let spinner = spawn(async move {
                let mut spins = 0u64;
                while !r.done() {
                    spins += 1;
                    corio_runtime::yield_now().await;
                }
                spins
            });
            (&b).write_all(b"x").unwrap();
            spinner.await.unwrap()
        })
        .unwrap();
    assert!(spins < 1000, "I/O seen after {spins} busy iterations");
}
