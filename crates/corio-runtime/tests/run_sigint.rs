//! Ctrl+C in `run`, with real SIGINTs. The handler is installed only on the main thread, so
//! this test has no libtest harness: `main` runs the cases on the main thread, and each case
//! that sends SIGINT runs in a child process (this binary again), so that a mistake kills the
//! child, not the test runner.

use std::cell::Cell;
use std::os::unix::process::ExitStatusExt;
use std::process::Command;
use std::rc::Rc;
use std::time::Duration;

use corio_runtime::{LoopError, get_running_loop, run, sleep, try_spawn};

const SIGINT: i32 = 2;

fn sigint_self() {
    // std has no kill(); `kill` the command is everywhere a shell is.
    let pid = std::process::id().to_string();
    let status = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(status.success());
}

struct OnDrop(&'static str, Rc<Cell<u32>>);
impl Drop for OnDrop {
    fn drop(&mut self) {
        self.1.set(self.1.get() + 1);
        println!("cleanup {}", self.0);
    }
}

/// First SIGINT: the main future is cancelled (its destructor runs), the other tasks are
/// cancelled, `run` returns Interrupted, SIGINT's default is back.
fn child_first() {
    let cleaned = Rc::new(Cell::new(0));
    let c = cleaned.clone();
    let out = run(async move {
        let _main_guard = OnDrop("main", c.clone());
        let c2 = c.clone();
        let _other = try_spawn(async move {
            let _g = OnDrop("other", c2);
            sleep(Duration::from_secs(3600)).await;
        })
        .unwrap();
        get_running_loop()
            .unwrap()
            .call_later(0.05, sigint_self)
            .unwrap();
        sleep(Duration::from_secs(3600)).await;
        println!("not reached");
    });
    assert!(matches!(out, Err(LoopError::Interrupted)), "{out:?}");
    assert_eq!(cleaned.get(), 2);
    // The default disposition is back: a SIGINT now ends the process as usual.
    println!("interrupted");
    sigint_self();
    std::thread::sleep(Duration::from_secs(5));
    println!("not reached either");
}

/// A second SIGINT while the main task is being cancelled ends the process at once.
fn child_second() {
    struct SigintOnDrop;
    impl Drop for SigintOnDrop {
        fn drop(&mut self) {
            println!("cancelling");
            sigint_self();
            std::thread::sleep(Duration::from_secs(5));
            println!("not reached");
        }
    }
    let _ = run(async {
        let _g = SigintOnDrop;
        get_running_loop()
            .unwrap()
            .call_later(0.05, sigint_self)
            .unwrap();
        sleep(Duration::from_secs(3600)).await;
    });
    println!("not reached");
}

/// A future that finishes normally is unaffected, and the handler is gone afterwards.
fn child_untouched() {
    assert_eq!(run(async { 7 }).unwrap(), 7);
    println!("ok");
    sigint_self();
    std::thread::sleep(Duration::from_secs(5));
}

fn child(case: &str) -> (Option<i32>, String, String) {
    let out = Command::new(std::env::current_exe().unwrap())
        .arg(case)
        .output()
        .unwrap();
    (
        out.status.signal(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("first") => return child_first(),
        Some("second") => return child_second(),
        Some("untouched") => return child_untouched(),
        _ => {}
    }
    // libtest's `--list`, as cargo-nextest asks: the cases share this process's SIGINT state
    // in order, so they are listed (and run) as one.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        if !args.iter().any(|a| a == "--ignored") {
            println!("sigint_in_run: test");
        }
        return;
    }
    if args.iter().any(|a| a == "--ignored") {
        return;
    }
    let mut passed = 0;
    let (sig, out, err) = child("first");
    assert_eq!(sig, Some(SIGINT), "{out}{err}");
    assert_eq!(out, "cleanup main\ncleanup other\ninterrupted\n", "{err}");
    println!("test first_sigint_cancels_the_main_task_and_its_cleanup_runs ... ok");
    passed += 1;

    let (sig, out, err) = child("second");
    assert_eq!(sig, Some(SIGINT), "{out}{err}");
    assert_eq!(out, "cancelling\n");
    assert_eq!(err, "KeyboardInterrupt\n");
    println!("test second_sigint_ends_the_process_at_once ... ok");
    passed += 1;

    let (sig, out, _) = child("untouched");
    assert_eq!(sig, Some(SIGINT));
    assert_eq!(out, "ok\n");
    println!("test a_run_without_sigint_restores_the_default ... ok");
    passed += 1;

    // Off the main thread, run leaves SIGINT alone (as asyncio.Runner does).
    std::thread::spawn(|| run(async { 1 }).unwrap())
        .join()
        .unwrap();
    println!("test off_the_main_thread_run_installs_nothing ... ok");
    passed += 1;
    println!("{passed} passed, 0 failed");
}
