//! asyncio's TCP echo server and client, with streams, then a rough rate: how many
//! 64-byte line round trips per second one connection makes through
//! `StreamWriter::write` / `StreamReader::readline` (both ends on this loop and thread).
//!
//! ```sh
//! cargo run --release -p corio-net --example echo [ROUND_TRIPS]
//! ```
//!
//! The benchmarks against tokio and smol live in `benches/` (`cargo xtask bench`).

use std::time::Instant;

use corio_net::{StreamReader, StreamWriter, open_connection, start_server};

async fn handle_echo(mut reader: StreamReader, writer: StreamWriter) -> std::io::Result<()> {
    loop {
        let line = reader.readline().await?;
        if line.is_empty() {
            break;
        }
        writer.write(&line).expect("open");
        writer.drain().await?;
    }
    writer.close();
    writer.wait_closed().await
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let round_trips: u32 = std::env::args()
        .nth(1)
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(100_000);
    corio_runtime::run(async move {
        let server = start_server(handle_echo, "127.0.0.1:0").await?;
        let addr = server.sockets()[0].as_inet().expect("a TCP server");
        println!("Serving on {addr}");

        let (mut reader, writer) = open_connection(addr).await?;
        let message = format!("{:63}\n", "Hello World!");
        writer.write(message.as_bytes()).expect("open");
        let echoed = reader.readline().await?;
        println!(
            "Received: {:?}",
            String::from_utf8_lossy(&echoed).trim_end()
        );

        let start = Instant::now();
        for _ in 0..round_trips {
            writer.write(message.as_bytes()).expect("open");
            writer.drain().await?;
            let line = reader.readline().await?;
            assert_eq!(line.len(), 64);
        }
        let elapsed = start.elapsed();
        println!(
            "{round_trips} round trips of 64 B in {elapsed:?}: {:.0} per second, {:.2} µs each",
            f64::from(round_trips) / elapsed.as_secs_f64(),
            elapsed.as_secs_f64() * 1e6 / f64::from(round_trips)
        );
        writer.close();
        writer.wait_closed().await?;
        server.close();
        server.wait_closed().await;
        Ok::<(), Box<dyn std::error::Error>>(())
    })?
    .map_err(|e| e.to_string())?;
    Ok(())
}
