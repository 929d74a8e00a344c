//! Memory per idle connection: a server task per accepted connection, each waiting for a
//! read that never comes; peak RSS of a fresh child process, per connection.

use std::cell::Cell;
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, ExitCode};
use std::sync::mpsc;

use futures_lite::AsyncReadExt;

use crate::measure::{Case, Contender, Metric, Repeat, Sample, Unit};
use crate::memory::peak_rss;

/// The hidden first argument that makes this binary an idle-connection memory child.
pub(crate) const IDLE_CHILD_FLAG: &str = "--idle-conn-child";

/// Connections held open; with the client's ends that is 2 descriptors each, well under
/// the usual 20,000 (the child raises its soft limit to the hard one first).
const CONNECTIONS: usize = 5_000;

thread_local! {
    static WAITING: Cell<usize> = const { Cell::new(0) };
}

fn waiting_one() {
    WAITING.with(|w| w.set(w.get() + 1));
}

fn waiting() -> usize {
    WAITING.with(Cell::get)
}

pub(super) fn case() -> Case {
    Case {
        metrics: vec![Metric {
            id: "mem_idle_conn",
            title: "memory: 5k idle server connections",
            unit: Unit::BytesPerTask,
        }],
        corio: Contender {
            label: "corio-net",
            bench: || vec![Sample::plain(measure("corio"))],
        },
        tokio: Some(Contender {
            label: "tokio::net",
            bench: || vec![Sample::plain(measure("tokio"))],
        }),
        smol: Some(Contender {
            label: "async-io",
            bench: || vec![Sample::plain(measure("smol"))],
        }),
        repeat: Repeat::Memory,
        note: "In a fresh child process per runtime: a listener on the runtime's thread accepts 5,000 connections made by a plain std thread and spawns a task per connection that awaits a read into a 64-byte buffer (it never gets data). Peak RSS (VmHWM) once all 5,000 wait, minus VmHWM once the runtime and listener exist, divided by 5,000: the task, the registered socket and the runtime's per-source state (kernel socket buffers are not in RSS). The client ends are std sockets held in a Vec (4 bytes each).",
    }
}

fn measure(runtime: &str) -> f64 {
    let exe = std::env::current_exe().expect("path of the running binary");
    let out = Command::new(exe)
        .args([IDLE_CHILD_FLAG, runtime])
        .output()
        .expect("start the idle-connection child");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "idle-connection child {runtime} failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("idle-connection child printed {stdout:?}, not a number"))
}

/// Connects `CONNECTIONS` times from a std thread; the sockets are kept until exit.
fn clients(addr: SocketAddr) {
    std::thread::spawn(move || {
        let held: Vec<TcpStream> = (0..CONNECTIONS)
            .map(|_| TcpStream::connect(addr).expect("connect"))
            .collect();
        // Keep the client ends open until the process exits.
        std::mem::forget(held);
    });
}

fn raise_fd_limit() {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid rlimit for getrlimit to fill and setrlimit to read.
    #[allow(unsafe_code)]
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 {
            lim.rlim_cur = lim.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
    }
}

/// The child's `main`.
pub(crate) fn idle_child_main(args: &[String]) -> ExitCode {
    raise_fd_limit();
    let bytes = match args.first().map(String::as_str) {
        Some("corio") => corio(),
        Some("tokio") => tokio(),
        Some("smol") => smol(),
        _ => {
            eprintln!("usage: corio-benches {IDLE_CHILD_FLAG} corio|tokio|smol");
            return ExitCode::from(2);
        }
    };
    println!("{bytes}");
    std::process::exit(0)
}

fn per_connection(before: u64) -> f64 {
    assert_eq!(waiting(), CONNECTIONS);
    (peak_rss() - before) as f64 / CONNECTIONS as f64
}

fn corio() -> f64 {
    let lp = corio_runtime::EventLoop::new().expect("corio event loop");
    let (tx, rx) = mpsc::channel();
    let bytes = lp
        .run_until_complete(async move {
            let listener = corio_net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(peak_rss()).unwrap();
            clients(listener.local_addr().unwrap());
            for _ in 0..CONNECTIONS {
                let (s, _) = listener.accept().await.unwrap();
                drop(corio_runtime::try_spawn(async move {
                    waiting_one();
                    let mut buf = [0u8; 64];
                    let _ = s.read(&mut buf).await;
                }));
            }
            while waiting() < CONNECTIONS {
                corio_runtime::yield_now().await;
            }
            per_connection(rx.recv().unwrap())
        })
        .expect("run the idle-connection case");
    std::mem::forget(lp);
    bytes
}

fn tokio() -> f64 {
    use tokio::io::AsyncReadExt;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let bytes = rt.block_on(tokio::task::LocalSet::new().run_until(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let before = peak_rss();
        clients(listener.local_addr().unwrap());
        for _ in 0..CONNECTIONS {
            let (mut s, _) = listener.accept().await.unwrap();
            drop(tokio::task::spawn_local(async move {
                waiting_one();
                let mut buf = [0u8; 64];
                let _ = s.read(&mut buf).await;
            }));
        }
        while waiting() < CONNECTIONS {
            tokio::task::yield_now().await;
        }
        per_connection(before)
    }));
    std::mem::forget(rt);
    bytes
}

fn smol() -> f64 {
    let ex = async_executor::LocalExecutor::new();
    let bytes = async_io::block_on(ex.run(async {
        let listener = async_io::Async::<std::net::TcpListener>::bind(([127, 0, 0, 1], 0)).unwrap();
        let before = peak_rss();
        clients(listener.get_ref().local_addr().unwrap());
        for _ in 0..CONNECTIONS {
            let (mut s, _) = listener.accept().await.unwrap();
            ex.spawn(async move {
                waiting_one();
                let mut buf = [0u8; 64];
                let _ = s.read(&mut buf).await;
            })
            .detach();
        }
        while waiting() < CONNECTIONS {
            futures_lite::future::yield_now().await;
        }
        per_connection(before)
    }));
    std::mem::forget(ex);
    bytes
}
