//! Real I/O readiness: a task reads a socket another task writes.

use std::error::Error;
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::time::Duration;

use corio::reactor::Async;
use corio::{sleep, spawn};

use super::section;

pub(crate) fn run() -> Result<(), Box<dyn Error>> {
    section("I/O: Async<UnixStream>");
    corio::run(async {
        let (a, b) = UnixStream::pair().expect("socket pair");
        let reader = Async::new(a).expect("registered");
        let writer = Async::new(b).expect("registered");
        let echo = spawn(async move {
            let mut buf = [0u8; 32];
            let n = reader
                .read_with(|s| (&*s).read(&mut buf))
                .await
                .expect("read");
            String::from_utf8_lossy(&buf[..n]).into_owned()
        });
        sleep(Duration::from_millis(10)).await;
        writer
            .write_with(|s| (&*s).write(b"hello through the reactor"))
            .await
            .expect("write");
        println!(
            "  the reader woke up with {:?}",
            echo.await.expect("read task")
        );
    })?;
    Ok(())
}
