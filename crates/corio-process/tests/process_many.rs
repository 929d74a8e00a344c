//! 1,000 short children run and reaped, with no zombie and no file descriptor left behind —
//! once with pidfds and once on the SIGCHLD path (`CORIO_PROCESS_NO_PIDFD`, in a child process
//! of the test, as the choice is made once per process). Alone in its binary, so that other
//! tests' children and pipes do not blur the counts.

use std::os::unix::process::ExitStatusExt;
use std::process::Command as StdCommand;

use corio_process::{Command, Stdio};
use corio_runtime::{run, try_spawn};

const CHILDREN: usize = 1000;
/// How many run at once.
const BATCH: usize = 50;

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// Our children that are zombies (ended, not reaped).
fn zombies() -> Vec<u32> {
    let me = std::process::id();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        let Some(close) = stat.rfind(')') else {
            continue;
        };
        let mut fields = stat[close + 2..].split(' ');
        let state = fields.next();
        let ppid: Option<u32> = fields.next().and_then(|p| p.parse().ok());
        if state == Some("Z") && ppid == Some(me) {
            found.push(entry.file_name().to_string_lossy().parse().unwrap_or(0));
        }
    }
    found
}

fn run_many() {
    // Warm up what is made once per process (the SIGCHLD registration's globals, the
    // reactor's descriptors live only while the loop does).
    let fds_before = open_fds();
    let total = run(async {
        let mut total = 0;
        for _ in 0..CHILDREN / BATCH {
            let mut batch = Vec::new();
            for i in 0..BATCH {
                batch.push(
                    try_spawn(async move {
                        // Half with a piped stdout, so pipes are counted too.
                        let mut cmd = Command::new("true");
                        if i % 2 == 0 {
                            cmd.stdout(Stdio::piped());
                        }
                        let mut child = cmd.spawn().unwrap();
                        child.communicate(None).await.unwrap().returncode
                    })
                    .unwrap(),
                );
            }
            for task in batch {
                assert_eq!(task.await.unwrap(), 0);
                total += 1;
            }
        }
        total
    })
    .unwrap();
    assert_eq!(total, CHILDREN);
    assert_eq!(zombies(), Vec::<u32>::new(), "zombies left");
    // The SIGCHLD path keeps one self-pipe write end registered with signal-hook until its
    // delayed release; allow nothing else.
    let fds_after = open_fds();
    assert!(
        fds_after <= fds_before + 1,
        "descriptors leaked: {fds_before} before, {fds_after} after"
    );
}

#[test]
#[ignore = "run in a child process by a_thousand_children_on_the_sigchld_path"]
fn child_a_thousand_children_sigchld() {
    assert_eq!(std::env::var("CORIO_PROCESS_NO_PIDFD").as_deref(), Ok("1"));
    run_many();
}

/// One test, so that the two runs do not overlap (each counts the process's descriptors and
/// zombie children).
#[test]
fn a_thousand_children_with_pidfds_then_on_the_sigchld_path() {
    run_many();
    let out = StdCommand::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "child_a_thousand_children_sigchld",
            "--nocapture",
        ])
        .env("CORIO_PROCESS_NO_PIDFD", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{:?} {}{}",
        out.status.signal(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 passed"));
}
