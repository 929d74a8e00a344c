//! An echo server (`start_server`) and a client (`open_connection`) on 127.0.0.1.

use std::error::Error;

use super::section;

#[cfg(feature = "net")]
pub(crate) fn run() -> Result<(), Box<dyn Error>> {
    use corio::{StreamReader, StreamWriter, open_connection, start_server};

    section("networking: start_server, open_connection");
    corio::run(async {
        // Each connection runs this callback as a task: echo lines until end-of-file.
        async fn echo(
            mut reader: StreamReader,
            writer: StreamWriter,
        ) -> Result<(), Box<dyn Error>> {
            loop {
                let line = reader.readline().await?;
                if line.is_empty() {
                    break; // the client closed its side
                }
                writer.write(&line)?;
                writer.drain().await?;
            }
            writer.close();
            writer.wait_closed().await?;
            Ok(())
        }
        let server = start_server(
            |reader, writer| async move { echo(reader, writer).await.map_err(|e| e.to_string()) },
            "127.0.0.1:0",
        )
        .await?;
        let addr = server.sockets()[0].as_inet().expect("a TCP address");
        println!("  serving on 127.0.0.1, a port the OS chose (asyncio: port=0)");

        let (mut reader, writer) = open_connection(addr).await?;
        for msg in ["hello\n", "asyncio-style streams\n"] {
            writer.write(msg.as_bytes())?;
            writer.drain().await?;
            let echoed = reader.readline().await?;
            println!(
                "  sent {msg:?}, read back {:?}",
                String::from_utf8_lossy(&echoed)
            );
        }
        // Half-close: the server reads end-of-file, ends its callback and closes its side.
        writer.write_eof()?;
        let last = reader.readline().await?;
        println!(
            "  after write_eof(), readline() -> {:?} (asyncio: b'', end-of-file)",
            String::from_utf8_lossy(&last)
        );
        writer.close();
        writer.wait_closed().await?;
        server.close();
        server.wait_closed().await;
        println!("  server closed; sockets() = {:?}", server.sockets());
        Ok::<(), Box<dyn Error>>(())
    })??;
    Ok(())
}

#[cfg(not(feature = "net"))]
pub(crate) fn run() -> Result<(), Box<dyn Error>> {
    section("networking: start_server, open_connection");
    println!("  (needs the `net` feature: cargo run --example tour --features full)");
    Ok(())
}
