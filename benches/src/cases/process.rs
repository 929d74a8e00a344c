//! Child processes: spawning and reaping 1,000 `true` children, and 100 MB through `cat`.

use corio_process::{Command, Stdio};
use futures_lite::{AsyncReadExt, AsyncWriteExt};

use crate::measure::{Case, Contender, Metric, Repeat, Sample, Unit};
use crate::rt;

const CHILDREN: usize = 1_000;
const PIPE_BYTES: usize = 100 * 1024 * 1024;
const CHUNK: usize = 64 * 1024;

pub(crate) fn cases() -> Vec<Case> {
    vec![
        Case {
            metrics: vec![Metric {
                id: "spawn_wait",
                title: "spawn and wait for 1,000 `true` children",
                unit: Unit::Wall,
            }],
            corio: Contender {
                label: "corio-process Command::spawn + wait",
                bench: spawn_corio,
            },
            tokio: Some(Contender {
                label: "tokio::process::Command::spawn + wait",
                bench: spawn_tokio,
            }),
            smol: Some(Contender {
                label: "async-process Command::spawn + status",
                bench: spawn_smol,
            }),
            repeat: Repeat::Timed,
            note: "Spawns 1,000 `/bin/true` children one after the other (stdio to /dev/null), keeping them all, then waits for each in spawn order and checks that every one exited 0. Wall time: fork/exec dominates and is the same syscall for all three; what differs is how the exit is noticed (corio: a pidfd per child in its reactor; tokio: SIGCHLD through its signal driver, then `try_wait` on every child it watches; async-process: a SIGCHLD-driven reaper thread) and reaped.",
        },
        Case {
            metrics: vec![Metric {
                id: "pipe_cat",
                title: "100 MB through `cat` (stdin to stdout)",
                unit: Unit::Wall,
            }],
            corio: Contender {
                label: "corio-process StreamWriter / raw ChildStdout",
                bench: cat_corio,
            },
            tokio: Some(Contender {
                label: "tokio::process ChildStdin / ChildStdout",
                bench: cat_tokio,
            }),
            smol: Some(Contender {
                label: "async-process ChildStdin / ChildStdout",
                bench: cat_smol,
            }),
            repeat: Repeat::Timed,
            note: "Starts `cat` with stdin and stdout piped; one task writes 100 MB in 64 KiB chunks and closes stdin, while the main task reads stdout in 64 KiB reads until EOF and counts the bytes, then waits for `cat`. corio writes through its asyncio `StreamWriter` (`write` + `drain`) and reads the raw `ChildStdout` (from `StreamReader::into_parts`, a futures-io `AsyncRead`) into a 64 KiB buffer; tokio and async-process through their pipes' `write_all` / `read`. Reading through corio-net's `StreamReader::read(65536)` instead took 239 ms on this machine (vs 58 ms raw): its buffer starts at 8 KiB and each fill reads into it, so a bulk read costs about eight syscalls per 64 KiB.",
        },
    ]
}

fn spawn_corio() -> Vec<Sample> {
    let (ok, timing) = rt::corio(async {
        let mut children = Vec::with_capacity(CHILDREN);
        for _ in 0..CHILDREN {
            children.push(
                Command::new("true")
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap(),
            );
        }
        let mut ok = 0;
        for mut child in children {
            ok += usize::from(child.wait().await.unwrap() == 0);
        }
        ok
    });
    assert_eq!(ok, CHILDREN);
    vec![Sample::plain(timing.wall)]
}

fn spawn_tokio() -> Vec<Sample> {
    let (ok, timing) = rt::tokio_io(async {
        let mut children = Vec::with_capacity(CHILDREN);
        for _ in 0..CHILDREN {
            children.push(
                tokio::process::Command::new("true")
                    .stdin(std::process::Stdio::null())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .spawn()
                    .unwrap(),
            );
        }
        let mut ok = 0;
        for mut child in children {
            ok += usize::from(child.wait().await.unwrap().success());
        }
        ok
    });
    assert_eq!(ok, CHILDREN);
    vec![Sample::plain(timing.wall)]
}

fn spawn_smol() -> Vec<Sample> {
    let (ok, timing) = rt::smol_io(|_ex| async {
        let mut children = Vec::with_capacity(CHILDREN);
        for _ in 0..CHILDREN {
            children.push(
                async_process::Command::new("true")
                    .stdin(async_process::Stdio::null())
                    .stdout(async_process::Stdio::null())
                    .stderr(async_process::Stdio::null())
                    .spawn()
                    .unwrap(),
            );
        }
        let mut ok = 0;
        for mut child in children {
            ok += usize::from(child.status().await.unwrap().success());
        }
        ok
    });
    assert_eq!(ok, CHILDREN);
    vec![Sample::plain(timing.wall)]
}

fn cat_corio() -> Vec<Sample> {
    let (n, timing) = rt::corio(async {
        let mut child = Command::new("cat")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let writer = corio_runtime::try_spawn(async move {
            let chunk = vec![7u8; CHUNK];
            for _ in 0..PIPE_BYTES / CHUNK {
                stdin.write(&chunk).unwrap();
                stdin.drain().await.unwrap();
            }
            stdin.close();
            stdin.wait_closed().await.unwrap();
        })
        .unwrap();
        let (mut stdout, _) = child.stdout.take().unwrap().into_parts();
        let mut buf = vec![0u8; CHUNK];
        let mut n = 0;
        loop {
            let got = stdout.read(&mut buf).await.unwrap();
            if got == 0 {
                break;
            }
            n += got;
        }
        writer.await.unwrap();
        assert_eq!(child.wait().await.unwrap(), 0);
        n
    });
    assert_eq!(n, PIPE_BYTES);
    vec![Sample::plain(timing.wall)]
}

fn cat_tokio() -> Vec<Sample> {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let (n, timing) = rt::tokio_io(async {
        let mut child = tokio::process::Command::new("cat")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let writer = tokio::spawn(async move {
            let chunk = vec![7u8; CHUNK];
            for _ in 0..PIPE_BYTES / CHUNK {
                stdin.write_all(&chunk).await.unwrap();
            }
            stdin.shutdown().await.unwrap();
        });
        let mut stdout = child.stdout.take().unwrap();
        let mut buf = vec![0u8; CHUNK];
        let mut n = 0;
        loop {
            let got = stdout.read(&mut buf).await.unwrap();
            if got == 0 {
                break;
            }
            n += got;
        }
        writer.await.unwrap();
        assert!(child.wait().await.unwrap().success());
        n
    });
    assert_eq!(n, PIPE_BYTES);
    vec![Sample::plain(timing.wall)]
}

fn cat_smol() -> Vec<Sample> {
    let (n, timing) = rt::smol_io(|ex| async move {
        let mut child = async_process::Command::new("cat")
            .stdin(async_process::Stdio::piped())
            .stdout(async_process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let writer = ex.spawn(async move {
            let chunk = vec![7u8; CHUNK];
            for _ in 0..PIPE_BYTES / CHUNK {
                stdin.write_all(&chunk).await.unwrap();
            }
            stdin.close().await.unwrap();
        });
        let mut stdout = child.stdout.take().unwrap();
        let mut buf = vec![0u8; CHUNK];
        let mut n = 0;
        loop {
            let got = stdout.read(&mut buf).await.unwrap();
            if got == 0 {
                break;
            }
            n += got;
        }
        writer.await;
        assert!(child.status().await.unwrap().success());
        n
    });
    assert_eq!(n, PIPE_BYTES);
    vec![Sample::plain(timing.wall)]
}
