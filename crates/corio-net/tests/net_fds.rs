//! 10,000 connections opened and closed leave no descriptor behind.
//!
//! One test per file: it counts `/proc/self/fd`, which other tests running in parallel
//! threads of the same process would disturb.

mod common;

use common::{open_fds, run};
use corio_net::{
    StreamReader, StreamWriter, TcpListener, TcpStream, open_connection, start_server,
};

#[test]
fn ten_thousand_connections_leave_no_fd_behind() {
    let before = open_fds();
    run(async {
        // Through asyncio's streams and a server...
        let server = start_server(
            |mut reader: StreamReader, writer: StreamWriter| async move {
                let line = reader.readline().await?;
                writer.write(&line).unwrap();
                writer.close();
                writer.wait_closed().await
            },
            "127.0.0.1:0",
        )
        .await
        .unwrap();
        let addr = server.sockets()[0].as_inet().unwrap();
        for i in 0..5_000 {
            let (mut reader, writer) = open_connection(addr).await.unwrap();
            writer.write(b"x\n").unwrap();
            assert_eq!(reader.readline().await.unwrap(), b"x\n", "connection {i}");
            // Half of them closed politely, half just dropped.
            if i % 2 == 0 {
                writer.close();
                writer.wait_closed().await.unwrap();
            }
        }
        while server.active_connections() > 0 {
            corio_runtime::sleep(std::time::Duration::from_millis(1)).await;
        }
        server.close();
        server.wait_closed().await;
        drop(server);

        // ...and through the raw socket types.
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        for _ in 0..5_000 {
            let client = TcpStream::connect(addr).await.unwrap();
            let (conn, _) = listener.accept().await.unwrap();
            let extra = conn.clone();
            drop((client, conn, extra));
        }
    });
    let after = open_fds();
    assert!(
        after <= before,
        "descriptors before: {before}, after: {after}"
    );
}
