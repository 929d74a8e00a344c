//! The SIGINT catcher with real signals. The catcher installs only on the main thread, so
//! this test has no libtest harness: `main` runs the cases on the main thread, and the cases
//! that end the process run in a child process (this binary, started again).

use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::process::Command;

use corio_signal::InterruptCatcher;
use rustix::process::{Signal, getpid, kill_process};

fn sigint_self() {
    kill_process(getpid(), Signal::INT).unwrap();
}

fn first_sigint_is_counted_and_wakes_the_pipe() {
    assert!(InterruptCatcher::sigint_is_default().unwrap());
    let catcher = InterruptCatcher::install()
        .unwrap()
        .expect("main thread, default SIGINT");
    assert!(!InterruptCatcher::sigint_is_default().unwrap());
    assert_eq!(catcher.count(), 0);
    sigint_self();
    assert_eq!(catcher.count(), 1);
    let mut buf = [0; 8];
    assert_eq!(catcher.reader().read(&mut buf).unwrap(), 1);
    // One catcher at a time: a nested run leaves SIGINT to the first.
    assert!(InterruptCatcher::install().unwrap().is_none());
    drop(catcher);
    assert!(
        InterruptCatcher::sigint_is_default().unwrap(),
        "the default disposition is back"
    );
    // And a new one starts from zero.
    let again = InterruptCatcher::install().unwrap().unwrap();
    assert_eq!(again.count(), 0);
}

fn off_the_main_thread_nothing_is_installed() {
    let got = std::thread::spawn(|| InterruptCatcher::install().unwrap().is_none())
        .join()
        .unwrap();
    assert!(got);
    assert!(InterruptCatcher::sigint_is_default().unwrap());
}

fn child(case: &str) -> std::process::Output {
    Command::new(std::env::current_exe().unwrap())
        .arg(case)
        .output()
        .unwrap()
}

fn second_sigint_ends_the_process_by_sigint() {
    let out = child("double");
    assert_eq!(out.status.signal(), Some(libc_sigint()), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "KeyboardInterrupt\n");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "first caught\n");
}

fn fatal_makes_the_first_sigint_end_the_process() {
    let out = child("fatal");
    assert_eq!(out.status.signal(), Some(libc_sigint()), "{out:?}");
    assert!(out.stdout.is_empty());
}

fn reraise_ends_by_sigint() {
    let out = child("reraise");
    assert_eq!(out.status.signal(), Some(libc_sigint()), "{out:?}");
}

fn libc_sigint() -> i32 {
    Signal::INT.as_raw()
}

fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("double") => {
            let catcher = InterruptCatcher::install().unwrap().unwrap();
            sigint_self();
            println!("first caught");
            assert_eq!(catcher.count(), 1);
            sigint_self();
            unreachable!("the second SIGINT ends the process");
        }
        Some("fatal") => {
            let catcher = InterruptCatcher::install().unwrap().unwrap();
            catcher.set_fatal();
            sigint_self();
            unreachable!("a SIGINT after set_fatal ends the process");
        }
        Some("reraise") => corio_signal::reraise_sigint(),
        _ => {}
    }
    let cases: [(&str, fn()); 5] = [
        (
            "first_sigint_is_counted_and_wakes_the_pipe",
            first_sigint_is_counted_and_wakes_the_pipe,
        ),
        (
            "off_the_main_thread_nothing_is_installed",
            off_the_main_thread_nothing_is_installed,
        ),
        (
            "second_sigint_ends_the_process_by_sigint",
            second_sigint_ends_the_process_by_sigint,
        ),
        (
            "fatal_makes_the_first_sigint_end_the_process",
            fatal_makes_the_first_sigint_end_the_process,
        ),
        ("reraise_ends_by_sigint", reraise_ends_by_sigint),
    ];
    // libtest's command line, as cargo-nextest uses it: `--list` names the cases, a name
    // (with `--exact`) runs that one. Each case stands alone.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        if !args.iter().any(|a| a == "--ignored") {
            for (name, _) in cases {
                println!("{name}: test");
            }
        }
        return;
    }
    if args.iter().any(|a| a == "--ignored") {
        return;
    }
    let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let mut passed = 0;
    for (name, case) in cases {
        if !names.is_empty() && !names.iter().any(|n| n.as_str() == name) {
            continue;
        }
        case();
        println!("test {name} ... ok");
        passed += 1;
    }
    println!("{passed} passed, 0 failed");
}
