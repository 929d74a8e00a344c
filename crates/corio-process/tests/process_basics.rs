//! Child processes: stdio choices, environment, directory, process group, return codes,
//! signals, `communicate` with large outputs, a child that closes stdin early, and a dropped
//! `Process` whose child is still reaped.

use std::time::{Duration, Instant};

use corio_process::{
    Command, ProcessError, Signal, Stdio, create_subprocess_exec, create_subprocess_shell,
};
use corio_runtime::run;
use futures_lite::AsyncReadExt;

fn block<T>(f: impl std::future::Future<Output = Result<T, ProcessError>> + 'static) -> T
where
    T: 'static,
{
    run(f).unwrap().unwrap()
}

#[test]
fn a_killed_child_has_returncode_minus_9() {
    block(async {
        let mut child = Command::new("sleep").arg("60").spawn()?;
        assert_eq!(child.returncode(), None);
        child.kill()?;
        assert_eq!(child.wait().await?, -9);
        assert_eq!(child.returncode(), Some(-9));
        // Reaped: no signal can reach a recycled pid.
        assert!(matches!(child.kill(), Err(ProcessError::Exited)));
        Ok(())
    });
}

#[test]
fn terminate_and_other_signals_give_negative_codes() {
    block(async {
        let mut child = Command::new("sleep").arg("60").spawn()?;
        child.terminate()?;
        assert_eq!(child.wait().await?, -15);
        let mut child = Command::new("sleep").arg("60").spawn()?;
        child.send_signal(Signal::HUP)?;
        assert_eq!(child.wait().await?, -1);
        Ok(())
    });
}

#[test]
fn any_signal_number_reaches_the_child() {
    block(async {
        // A real-time signal by number, as asyncio's send_signal(sig) takes it.
        let rt3 = Signal::from_raw(Signal::rtmin().as_raw() + 3).unwrap();
        assert_eq!(rt3, Signal::rt(3).unwrap());
        assert_eq!(rt3.to_string(), "SIGRTMIN+3");
        let mut child = Command::new("sleep").arg("60").spawn()?;
        // Numbers that are no signal here are refused before anything is sent.
        for bad in [0, -1, 32, 65] {
            assert!(matches!(
                child.send_signal(bad),
                Err(ProcessError::InvalidSignal(n)) if n == bad
            ));
        }
        assert_eq!(child.try_wait()?, None, "still running");
        // By its number, as asyncio's send_signal(sig) takes it.
        child.send_signal(rt3.as_raw())?;
        assert_eq!(child.wait().await?, -rt3.as_raw());
        assert!(matches!(child.send_signal(rt3), Err(ProcessError::Exited)));

        // os.kill with SIGRTMAX, and a named signal given by number.
        let mut child = Command::new("sleep").arg("60").spawn()?;
        corio_process::kill(child.pid(), Signal::rtmax()).unwrap();
        assert!(matches!(
            corio_process::kill(child.pid(), 33),
            Err(corio_process::SignalError::Invalid(33))
        ));
        assert_eq!(child.wait().await?, -Signal::rtmax().as_raw());
        let mut child = Command::new("sleep").arg("60").spawn()?;
        child.send_signal(Signal::from_raw(10).unwrap())?;
        assert_eq!(child.wait().await?, -10);
        Ok(())
    });
    assert!(Signal::rt(-1).is_err());
    assert!(Signal::rt(Signal::rtmax().as_raw() - Signal::rtmin().as_raw() + 1).is_err());
}

#[test]
fn exit_codes_come_back() {
    block(async {
        let mut child = create_subprocess_shell("exit 42").await?;
        assert_eq!(child.wait().await?, 42);
        assert_eq!(child.try_wait()?, Some(42));
        Ok(())
    });
}

#[test]
fn communicate_with_10_mb_on_stdout_and_stderr_at_once() {
    const SIZE: usize = 10 * 1024 * 1024;
    block(async {
        let input: Vec<u8> = (0..SIZE).map(|i| (i % 251) as u8).collect();
        // tee copies its input to stdout and to stderr as it reads: all three pipes are busy
        // at once, each far larger than a pipe's buffer.
        let mut child = Command::new("tee")
            .arg("/dev/stderr")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let out = child.communicate(Some(&input)).await?;
        assert_eq!(out.returncode, 0);
        assert_eq!(out.stdout.len(), SIZE);
        assert_eq!(out.stderr.len(), SIZE);
        assert!(out.stdout == input && out.stderr == input);
        assert_eq!(child.returncode(), Some(0));
        Ok(())
    });
}

#[test]
fn communicate_with_a_child_that_closes_stdin_early() {
    block(async {
        let input = vec![b'x'; 4 * 1024 * 1024];
        // head reads 10 bytes and exits: the rest of the input meets a closed pipe.
        let mut child = Command::new("head")
            .args(["-c", "10"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let out = child.communicate(Some(&input)).await?;
        assert_eq!(out.returncode, 0);
        assert_eq!(out.stdout, b"xxxxxxxxxx");

        // A child that never reads its stdin at all.
        let mut child = Command::new("true").stdin(Stdio::piped()).spawn()?;
        assert_eq!(child.communicate(Some(&input)).await?.returncode, 0);

        // Writing to a stdin the child closed is a BrokenPipe error, not a signal.
        let mut child = create_subprocess_shell("exec 0<&-; sleep 0.05")
            .stdin(Stdio::piped())
            .await?;
        let stdin = child.stdin.take().unwrap();
        child.wait().await?;
        stdin.write(&input).unwrap();
        let err = stdin.drain().await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe);
        Ok(())
    });
}

#[test]
fn communicate_input_needs_a_piped_stdin() {
    block(async {
        let mut child = Command::new("true").spawn()?;
        assert!(matches!(
            child.communicate(Some(b"x")).await,
            Err(ProcessError::NotPiped("stdin"))
        ));
        child.wait().await?;
        Ok(())
    });
}

#[test]
fn stderr_to_stdout_devnull_and_inherit() {
    block(async {
        let mut child = create_subprocess_shell("echo out; echo err >&2")
            .stdout(Stdio::piped())
            .stderr(Stdio::stdout())
            .await?;
        let out = child.communicate(None).await?;
        assert_eq!(out.stdout, b"out\nerr\n");
        assert!(out.stderr.is_empty());

        let mut child = Command::new("cat")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()?;
        assert_eq!(child.communicate(None).await?.stdout, b"");

        let mut child = create_subprocess_shell("echo gone; echo gone >&2")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .await?;
        let out = child.communicate(None).await?;
        assert!(out.stdout.is_empty() && out.stderr.is_empty());

        let err = Command::new("true")
            .stdout(Stdio::stdout())
            .spawn()
            .unwrap_err();
        assert!(matches!(err, ProcessError::Io(e) if e.kind() == std::io::ErrorKind::InvalidInput));
        Ok(())
    });
}

#[test]
fn environment_directory_and_process_group() {
    block(async {
        let mut child = create_subprocess_exec("sh", ["-c", "echo \"$GREETING\"; pwd"])
            .env("GREETING", "bonjour")
            .current_dir("/tmp")
            .stdout(Stdio::piped())
            .await?;
        let out = child.communicate(None).await?;
        assert_eq!(String::from_utf8(out.stdout).unwrap(), "bonjour\n/tmp\n");

        let mut child = Command::new("/usr/bin/env")
            .env_clear()
            .env("ONLY", "1")
            .stdout(Stdio::piped())
            .spawn()?;
        assert_eq!(child.communicate(None).await?.stdout, b"ONLY=1\n");

        let mut child = Command::new("sleep").arg("60").process_group(0).spawn()?;
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", child.pid()))?;
        let after_name = &stat[stat.rfind(')').unwrap() + 2..];
        let pgrp: u32 = after_name.split(' ').nth(2).unwrap().parse().unwrap();
        assert_eq!(pgrp, child.pid(), "a group of its own");
        child.kill()?;
        child.wait().await?;
        Ok(())
    });
}

#[test]
fn pipes_are_asyncio_streams() {
    block(async {
        let mut child = Command::new("cat")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let stdin = child.stdin.take().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        for round in 0..3 {
            stdin.write(b"line\n").unwrap();
            stdin.drain().await?;
            assert_eq!(stdout.readline().await.unwrap(), b"line\n", "round {round}");
        }
        stdin.write(b"ping!").unwrap();
        stdin.drain().await?;
        assert_eq!(stdout.readexactly(5).await.unwrap(), b"ping!");
        stdin.close();
        stdin.wait_closed().await?;
        assert!(stdout.read_to_eof().await?.is_empty());
        assert!(stdout.at_eof());
        assert_eq!(child.wait().await?, 0);

        // The raw pipe under a reader is a futures-io AsyncRead.
        let mut child = create_subprocess_shell("printf raw")
            .stdout(Stdio::piped())
            .await?;
        let (mut raw, buffered) = child.stdout.take().unwrap().into_parts();
        assert!(buffered.is_empty());
        let mut text = String::new();
        raw.read_to_string(&mut text).await?;
        assert_eq!(text, "raw");
        child.wait().await?;
        Ok(())
    });
}

#[test]
fn spawn_errors_are_typed() {
    block(async {
        let err = Command::new("/definitely/not/here").spawn().unwrap_err();
        assert!(matches!(err, ProcessError::Io(ref e) if e.kind() == std::io::ErrorKind::NotFound));
        let not_executable =
            std::env::temp_dir().join(format!("corio-noexec-{}", std::process::id()));
        std::fs::write(&not_executable, "#!/bin/sh\n")?;
        let err = Command::new(&not_executable).spawn().unwrap_err();
        std::fs::remove_file(&not_executable)?;
        assert!(
            matches!(err, ProcessError::Io(ref e) if e.kind() == std::io::ErrorKind::PermissionDenied)
        );
        Ok(())
    });
    assert!(matches!(
        Command::new("true").spawn(),
        Err(ProcessError::NoRunningLoop)
    ));
}

#[test]
fn a_dropped_process_does_not_block_and_its_child_is_still_reaped() {
    let pid = block(async {
        let child = Command::new("sleep").arg("60").spawn()?;
        let pid = child.pid();
        drop(child); // returns at once: the child runs on
        Ok(pid)
    });
    let stat = format!("/proc/{pid}/stat");
    assert!(std::fs::metadata(&stat).is_ok(), "the child still runs");
    let raw = rustix::process::Pid::from_raw(pid as i32).unwrap();
    rustix::process::kill_process(raw, rustix::process::Signal::KILL).unwrap();
    // The reaper thread reaps it: its /proc entry goes (a zombie would keep it).
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::fs::metadata(&stat).is_ok() {
        assert!(Instant::now() < deadline, "child {pid} was not reaped");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn kill_on_drop_kills_the_child() {
    let pid = block(async {
        let child = Command::new("sleep").arg("60").kill_on_drop(true).spawn()?;
        Ok(child.pid())
    });
    let stat = format!("/proc/{pid}/stat");
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::fs::metadata(&stat).is_ok() {
        assert!(
            Instant::now() < deadline,
            "child {pid} was not killed and reaped"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}
