//! Seed s1-67: an asyncio echo server (`start_server`; each connection echoes one line),
//! run under uvloop; the program connects to itself with `open_connection`, sends a line,
//! prints the echo as Python prints bytes, and stops the server.
//!
//! Rust differences: uvloop's faster loop -> corio's own loop (there is no other to
//! install); `start_server(connected, port=9000)` -> `corio::net::start_server(connected,
//! "127.0.0.1:0")`, on a free port of the loopback only, which the client then reads from
//! `server.sockets()` (a fixed port could be taken while the ports run in parallel);
//! `create_task(server.serve_forever())` -> a task over an `Rc` of the server; `bytes`'
//! repr is written out by `py_bytes`.

use std::error::Error;
use std::rc::Rc;

use corio::net::{StreamReader, StreamWriter, open_connection, start_server};

async fn connected(mut reader: StreamReader, writer: StreamWriter) -> Result<(), Box<dyn Error>> {
    let line = reader.readline().await?;
    writer.write(&line)?;
    writer.drain().await?;
    writer.close();
    writer.wait_closed().await?;
    Ok(())
}

/// Python's `repr` of a `bytes` value: `b'...'` with `\n`, `\t`, `\\`, `\'` and `\xNN`
/// escapes.
fn py_bytes(data: &[u8]) -> String {
    let mut out = String::from("b'");
    for &b in data {
        match b {
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b'\\' => out.push_str("\\\\"),
            b'\'' => out.push_str("\\'"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('\'');
    out
}

async fn main_task() -> Result<(), Box<dyn Error>> {
    let server = Rc::new(start_server(connected, "127.0.0.1:0").await?);
    let addr = server.sockets()[0]
        .as_inet()
        .ok_or("the server has no IP address")?;
    let serving = corio::try_spawn({
        let server = server.clone();
        async move { server.serve_forever().await }
    })?;
    let (mut reader, writer) = open_connection(addr).await?;
    writer.write(b"hello uvloop\n")?;
    writer.drain().await?;
    println!("{}", py_bytes(&reader.readline().await?));
    writer.close();
    writer.wait_closed().await?;
    serving.cancel();
    match serving.await {
        Ok(served) => served?,
        Err(cancelled) if cancelled.is_cancelled() => {}
        Err(other) => return Err(other.into()),
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    corio::run(main_task())?
}
