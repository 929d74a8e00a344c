//! `sock_sendfile` and `Transport::sendfile` with real files over real 127.0.0.1 sockets:
//! offset and count, the file position after, the fallback (a pipe, TLS), the typed
//! errors, and a slow reader that the sender must wait for without spinning.

mod common;

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::net::{TcpListener, TcpStream};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use corio_net::protocol::{BaseProtocol, Protocol, Transport, create_connection};
use corio_net::{LoopSockExt, SendfileError};

/// A file holding `len` bytes of a pattern no offset mistake survives.
fn pattern(len: usize) -> (File, Vec<u8>) {
    let data: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
    let path = std::env::temp_dir().join(format!(
        "corio-sendfile-{}-{len}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::write(&path, &data).unwrap();
    let file = File::open(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    (file, data)
}

/// A peer that reads to end of file after `delay`, and returns what it read.
fn reader(listener: TcpListener, delay: Duration) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        std::thread::sleep(delay);
        let mut got = Vec::new();
        s.read_to_end(&mut got).unwrap();
        got
    })
}

/// A non-blocking client connected to a fresh reader.
fn connected(delay: Duration) -> (TcpStream, JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let peer = reader(listener, delay);
    let client = TcpStream::connect(addr).unwrap();
    client.set_nonblocking(true).unwrap();
    (client, peer)
}

/// CPU time this thread has used (user + system), from /proc.
fn thread_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
    let after_comm = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after_comm.split_whitespace().collect();
    // Fields 14 and 15 of stat(5), counted after the command name (which ends field 2).
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    Duration::from_millis(ticks * 10) // USER_HZ is 100 on Linux
}

/// Waits on the loop (which must go on running to close the transport) for the peer.
async fn join(peer: JoinHandle<Vec<u8>>) -> Vec<u8> {
    while !peer.is_finished() {
        corio_runtime::sleep(Duration::from_millis(2)).await;
    }
    peer.join().unwrap()
}

fn lp() -> corio_runtime::EventLoop {
    corio_runtime::get_running_loop().unwrap()
}

#[test]
fn sock_sendfile_honours_offset_and_count_and_moves_the_position() {
    let (mut file, data) = pattern(1 << 20);
    corio_runtime::run(async move {
        let (client, peer) = connected(Duration::ZERO);
        let sent = lp()
            .sock_sendfile(&client, &file, 1000, Some(300_000), false)
            .await
            .unwrap();
        assert_eq!(sent, 300_000);
        assert_eq!(file.stream_position().unwrap(), 301_000);
        // count None: to the end of the file.
        let sent = lp()
            .sock_sendfile(&client, &file, 1 << 19, None, false)
            .await
            .unwrap();
        assert_eq!(sent, 1 << 19);
        assert_eq!(file.stream_position().unwrap(), 1 << 20);
        // An offset past the end sends nothing and leaves the position alone.
        file.rewind().unwrap();
        assert_eq!(
            lp().sock_sendfile(&client, &file, 2 << 20, None, false)
                .await
                .unwrap(),
            0
        );
        assert_eq!(file.stream_position().unwrap(), 0);
        drop(client);
        let got = peer.join().unwrap();
        let mut want = data[1000..301_000].to_vec();
        want.extend_from_slice(&data[1 << 19..]);
        assert_eq!(got.len(), want.len());
        assert!(got == want, "the bytes differ");
    })
    .unwrap();
}

#[test]
fn a_pipe_takes_the_fallback_only_when_allowed() {
    corio_runtime::run(async {
        let (pipe_r, mut pipe_w) = std::io::pipe().unwrap();
        pipe_w.write_all(b"0123456789abcdef").unwrap();
        drop(pipe_w);
        let file = File::from(std::os::fd::OwnedFd::from(pipe_r));
        let (client, peer) = connected(Duration::ZERO);
        let err = lp()
            .sock_sendfile(&client, &file, 0, Some(4), false)
            .await
            .unwrap_err();
        assert!(matches!(err, SendfileError::NotAvailable(_)), "{err:?}");
        // The fallback reads; a pipe cannot seek, so the offset must be 0 there.
        let sent = lp()
            .sock_sendfile(&client, &file, 0, Some(10), true)
            .await
            .unwrap();
        assert_eq!(sent, 10);
        let rest = lp()
            .sock_sendfile(&client, &file, 0, None, true)
            .await
            .unwrap();
        assert_eq!(rest, 6);
        drop(client);
        assert_eq!(peer.join().unwrap(), b"0123456789abcdef");
    })
    .unwrap();
}

#[test]
fn bad_arguments_are_typed_errors() {
    let (file, _) = pattern(100);
    corio_runtime::run(async move {
        let (client, _peer) = connected(Duration::ZERO);
        let err = lp()
            .sock_sendfile(&client, &file, 0, Some(0), true)
            .await
            .unwrap_err();
        assert!(matches!(err, SendfileError::InvalidArgument(_)), "{err:?}");
        let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        udp.set_nonblocking(true).unwrap();
        let err = lp()
            .sock_sendfile(&udp, &file, 0, None, true)
            .await
            .unwrap_err();
        assert!(matches!(err, SendfileError::InvalidArgument(_)), "{err:?}");
        client.set_nonblocking(false).unwrap();
        let err = lp()
            .sock_sendfile(&client, &file, 0, None, true)
            .await
            .unwrap_err();
        assert!(matches!(err, SendfileError::InvalidArgument(_)), "{err:?}");
    })
    .unwrap();
}

/// A 16 MiB file against a peer that reads nothing for 1.5 s: the sender waits on the
/// loop (small socket buffers fill at once) and does not spin meanwhile.
#[test]
fn a_slow_reader_is_waited_for_without_spinning() {
    let (file, data) = pattern(16 << 20);
    corio_runtime::run(async move {
        let (client, peer) = connected(Duration::from_millis(1500));
        corio_net::socket2::SockRef::from(&client)
            .set_send_buffer_size(64 * 1024)
            .unwrap();
        let (wall, cpu) = (Instant::now(), thread_cpu());
        let sent = lp()
            .sock_sendfile(&client, &file, 0, None, false)
            .await
            .unwrap();
        let (wall, cpu) = (wall.elapsed(), thread_cpu() - cpu);
        assert_eq!(sent, 16 << 20);
        assert!(
            wall >= Duration::from_millis(1000),
            "the reader was not slow: {wall:?}"
        );
        // Spinning would burn the whole wait; waiting costs the copies only.
        assert!(cpu < wall / 3, "{cpu:?} of CPU in {wall:?}");
        drop(client);
        let got = peer.join().unwrap();
        assert!(got == data, "the bytes differ");
    })
    .unwrap();
}

#[derive(Default)]
struct Quiet;
impl BaseProtocol for Quiet {}
impl Protocol for Quiet {
    fn data_received(&mut self, _: &[u8]) {}
}

/// A plain transport to a fresh reader.
async fn transport_to_reader(delay: Duration) -> (Transport, JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let peer = reader(listener, delay);
    let (t, _) = create_connection(Quiet::default, addr).await.unwrap();
    (t, peer)
}

#[test]
fn transport_sendfile_keeps_the_order_of_writes() {
    let (mut file, data) = pattern(1 << 20);
    corio_runtime::run(async move {
        let (t, peer) = transport_to_reader(Duration::ZERO).await;
        t.write(b"before:").unwrap();
        let sending = t.sendfile(&file, 10, Some(500_000), false);
        let sent = sending.await.unwrap();
        assert_eq!(sent, 500_000);
        assert_eq!(file.stream_position().unwrap(), 500_010);
        assert!(t.is_reading(), "reading resumes after sendfile");
        t.write(b":after").unwrap();
        t.close();
        let got = join(peer).await;
        let mut want = b"before:".to_vec();
        want.extend_from_slice(&data[10..500_010]);
        want.extend_from_slice(b":after");
        assert!(
            got == want,
            "the bytes differ ({} vs {})",
            got.len(),
            want.len()
        );
        assert!(matches!(
            t.sendfile(&file, 0, None, true).await,
            Err(SendfileError::Closing)
        ));
    })
    .unwrap();
}

#[test]
fn transport_sendfile_waits_for_a_slow_reader_without_spinning() {
    let (file, data) = pattern(16 << 20);
    corio_runtime::run(async move {
        let (t, peer) = transport_to_reader(Duration::from_millis(1500)).await;
        let (wall, cpu) = (Instant::now(), thread_cpu());
        let sent = t.sendfile(&file, 0, None, false).await.unwrap();
        let (wall, cpu) = (wall.elapsed(), thread_cpu() - cpu);
        assert_eq!(sent, 16 << 20);
        assert!(
            wall >= Duration::from_millis(1000),
            "the reader was not slow: {wall:?}"
        );
        assert!(cpu < wall / 3, "{cpu:?} of CPU in {wall:?}");
        t.close();
        assert!(join(peer).await == data, "the bytes differ");
    })
    .unwrap();
}

#[cfg(feature = "tls")]
#[test]
fn a_tls_transport_needs_the_fallback() {
    use corio_net::protocol::{create_tls_connection, create_tls_server};
    use std::{cell::RefCell, rc::Rc};

    struct Collect(Rc<RefCell<Vec<u8>>>);
    impl BaseProtocol for Collect {}
    impl Protocol for Collect {
        fn data_received(&mut self, d: &[u8]) {
            self.0.borrow_mut().extend_from_slice(d);
        }
    }

    let (mut file, data) = pattern(100_000);
    let (server_config, client_config) = common::tls_configs();
    corio_runtime::run(async move {
        let got = Rc::new(RefCell::new(Vec::new()));
        let g = got.clone();
        let server = create_tls_server(move || Collect(g.clone()), "127.0.0.1:0", server_config)
            .await
            .unwrap();
        let addr = server.local_addr().unwrap();
        let (t, _) = create_tls_connection(Quiet::default, addr, client_config, "localhost")
            .await
            .unwrap();
        let err = t.sendfile(&file, 0, None, false).await.unwrap_err();
        assert!(matches!(err, SendfileError::NotAvailable(_)), "{err:?}");
        let sent = t.sendfile(&file, 5, Some(90_000), true).await.unwrap();
        assert_eq!(sent, 90_000);
        assert_eq!(file.stream_position().unwrap(), 90_005);
        let deadline = Instant::now() + Duration::from_secs(20);
        while got.borrow().len() < 90_000 && Instant::now() < deadline {
            corio_runtime::sleep(Duration::from_millis(2)).await;
        }
        assert!(*got.borrow() == data[5..90_005], "the bytes differ");
    })
    .unwrap();
}

#[test]
fn a_write_made_during_sendfile_follows_the_file() {
    let (file, data) = pattern(16 << 20);
    corio_runtime::run(async move {
        let (t, peer) = transport_to_reader(Duration::from_millis(1000)).await;
        let writer = t.clone();
        let done = std::rc::Rc::new(std::cell::Cell::new(false));
        let d = done.clone();
        let during = corio_runtime::spawn(async move {
            corio_runtime::sleep(Duration::from_millis(50)).await;
            writer.write(b":during").unwrap();
            corio_runtime::sleep(Duration::from_millis(20)).await;
            // Still held back while the file is being sent.
            (d.get(), writer.get_write_buffer_size())
        });
        let second = t.clone();
        let busy = corio_runtime::spawn(async move {
            let (other, _) = pattern(10);
            matches!(
                second.sendfile(&other, 0, None, true).await,
                Err(SendfileError::Busy)
            )
        });
        let sent = t.sendfile(&file, 0, None, false).await.unwrap();
        done.set(true);
        assert!(
            busy.await.unwrap(),
            "a second sendfile meanwhile is refused"
        );
        assert_eq!(sent, 16 << 20);
        assert_eq!(
            during.await.unwrap(),
            (false, 7),
            "the write waited in the buffer"
        );
        t.close();
        let got = join(peer).await;
        let mut want = data.clone();
        want.extend_from_slice(b":during");
        assert!(
            got == want,
            "the bytes differ ({} vs {})",
            got.len(),
            want.len()
        );
    })
    .unwrap();
}

#[test]
fn tcp_stream_sendfile_waits_for_a_slow_reader_without_spinning() {
    let (mut file, data) = pattern(16 << 20);
    corio_runtime::run(async move {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let peer = reader(listener, Duration::from_millis(1500));
        let stream = corio_net::TcpStream::connect(addr).await.unwrap();
        let (wall, cpu) = (Instant::now(), thread_cpu());
        let sent = stream.sendfile(&file, 100, None, false).await.unwrap();
        let (wall, cpu) = (wall.elapsed(), thread_cpu() - cpu);
        assert_eq!(sent, (16 << 20) - 100);
        assert_eq!(file.stream_position().unwrap(), 16 << 20);
        assert!(
            wall >= Duration::from_millis(1000),
            "the reader was not slow: {wall:?}"
        );
        assert!(cpu < wall / 3, "{cpu:?} of CPU in {wall:?}");
        drop(stream);
        assert!(join(peer).await == data[100..], "the bytes differ");
    })
    .unwrap();
}

#[test]
fn unix_stream_sendfile_falls_back_for_a_pipe() {
    corio_runtime::run(async {
        let (pipe_r, mut pipe_w) = std::io::pipe().unwrap();
        pipe_w.write_all(b"through a pipe").unwrap();
        drop(pipe_w);
        let file = File::from(std::os::fd::OwnedFd::from(pipe_r));
        let (a, mut b) = std::os::unix::net::UnixStream::pair().unwrap();
        let a = corio_net::UnixStream::from_std(a).unwrap();
        assert!(matches!(
            a.sendfile(&file, 0, None, false).await,
            Err(SendfileError::NotAvailable(_))
        ));
        assert_eq!(a.sendfile(&file, 0, None, true).await.unwrap(), 14);
        drop(a);
        let mut got = String::new();
        b.read_to_string(&mut got).unwrap();
        assert_eq!(got, "through a pipe");
    })
    .unwrap();
}

/// The TLS fallback against a peer that reads nothing for 1.5 s: the copy waits at the
/// transport's low-water mark without the two tasks waking each other in a loop.
#[cfg(feature = "tls")]
#[test]
fn the_tls_fallback_waits_for_a_slow_reader_without_spinning() {
    use corio_net::protocol::create_tls_connection;
    use corio_net::tls::rustls;

    let (file, data) = pattern(16 << 20);
    let (server_config, client_config) = common::tls_configs();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    // A blocking rustls server on a thread: handshake, then a pause, then read it all.
    let peer = std::thread::spawn(move || {
        let (mut sock, _) = listener.accept().unwrap();
        let mut conn = rustls::ServerConnection::new(server_config).unwrap();
        while conn.is_handshaking() {
            conn.complete_io(&mut sock).unwrap();
        }
        std::thread::sleep(Duration::from_millis(1500));
        // Exactly the file: the client closes only once this thread is done.
        let mut got = vec![0; 16 << 20];
        rustls::Stream::new(&mut conn, &mut sock)
            .read_exact(&mut got)
            .unwrap();
        got
    });
    corio_runtime::run(async move {
        let (t, _) = create_tls_connection(Quiet::default, addr, client_config, "localhost")
            .await
            .unwrap();
        let (wall, cpu) = (Instant::now(), thread_cpu());
        let sent = t.sendfile(&file, 0, None, true).await.unwrap();
        let (wall, cpu) = (wall.elapsed(), thread_cpu() - cpu);
        assert_eq!(sent, 16 << 20);
        assert!(
            wall >= Duration::from_millis(1000),
            "the reader was not slow: {wall:?}"
        );
        // Encrypting 16 MiB costs some CPU (about 40 ms here); tasks waking each other
        // while the socket is full cost most of the wait (750 ms of 1.7 s, measured).
        assert!(cpu < wall / 4, "{cpu:?} of CPU in {wall:?}");
        assert!(join(peer).await == data, "the bytes differ");
        t.close();
    })
    .unwrap();
}
