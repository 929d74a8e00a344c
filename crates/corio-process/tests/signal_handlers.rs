//! `add_signal_handler` / `remove_signal_handler`, the `Signals` stream and the
//! `KeyboardInterrupt` guard, with real signals sent to this process. Each test uses its own
//! signal (a signal reaches every registration in the process); the test whose signal ends the
//! process runs in a child process.

use std::cell::{Cell, RefCell};
use std::os::unix::process::ExitStatusExt;
use std::process::Command;
use std::rc::Rc;
use std::time::Duration;

use corio_process::{KeyboardInterrupt, Signal, SignalError, SignalHandlers, signals};
use corio_runtime::{EventLoop, LoopError, run, sleep};

fn raise(signal: Signal) {
    corio_process::kill(std::process::id(), signal).unwrap();
}

#[test]
fn a_handler_is_added_fired_on_the_loop_in_order_and_removed() {
    let lp = EventLoop::new().unwrap();
    let log = Rc::new(RefCell::new(Vec::new()));
    let main_thread = std::thread::current().id();
    let (l, stopper) = (log.clone(), lp.clone());
    lp.add_signal_handler(Signal::USR1, move || {
        assert_eq!(std::thread::current().id(), main_thread);
        l.borrow_mut().push("signal");
        stopper.stop();
    })
    .unwrap();
    // The signal is raised by a callback: the handler's callback does not run inside the OS
    // handler, nor before what the loop had queued; it comes once the loop has read the pipe.
    let l = log.clone();
    lp.call_soon(move || {
        raise(Signal::USR1);
        l.borrow_mut().push("raised");
    })
    .unwrap();
    let l = log.clone();
    lp.call_soon(move || l.borrow_mut().push("queued after"))
        .unwrap();
    lp.run_forever().unwrap();
    assert_eq!(*log.borrow(), ["raised", "queued after", "signal"]);

    // A signal that arrives while the loop is not running waits in the pipe.
    raise(Signal::USR1);
    lp.run_forever().unwrap();
    assert_eq!(log.borrow().len(), 4);

    // Fired again while the loop runs.
    lp.call_later(0.01, || raise(Signal::USR1)).unwrap();
    lp.run_forever().unwrap();
    assert_eq!(log.borrow().len(), 5);

    assert!(lp.remove_signal_handler(Signal::USR1));
    assert!(!lp.remove_signal_handler(Signal::USR1));
    lp.close().unwrap();
}

#[test]
fn adding_again_replaces_the_callback() {
    let lp = EventLoop::new().unwrap();
    let which = Rc::new(Cell::new(""));
    let (w, s) = (which.clone(), lp.clone());
    lp.add_signal_handler(Signal::WINCH, move || {
        w.set("first");
        s.stop();
    })
    .unwrap();
    let (w, s) = (which.clone(), lp.clone());
    lp.add_signal_handler(Signal::WINCH, move || {
        w.set("second");
        s.stop();
    })
    .unwrap();
    lp.call_later(0.01, || raise(Signal::WINCH)).unwrap();
    lp.run_forever().unwrap();
    assert_eq!(which.get(), "second");
    assert!(lp.remove_signal_handler(Signal::WINCH));
}

#[test]
fn signals_that_cannot_be_handled_are_typed_errors() {
    let lp = EventLoop::new().unwrap();
    for sig in [
        Signal::KILL,
        Signal::STOP,
        Signal::SEGV,
        Signal::ILL,
        Signal::FPE,
    ] {
        assert!(matches!(
            lp.add_signal_handler(sig, || {}),
            Err(SignalError::Forbidden(s)) if s == sig
        ));
        assert!(matches!(signals([sig]), Err(SignalError::Forbidden(_))));
    }
    // 32 and 33: real-time numbers glibc keeps for itself (below SIGRTMIN).
    for raw in [0, -3, 32, 33, 65, 1000] {
        assert!(matches!(Signal::from_raw(raw), Err(SignalError::Invalid(r)) if r == raw));
    }
    lp.close().unwrap();
    assert!(matches!(
        lp.add_signal_handler(Signal::USR2, || {}),
        Err(SignalError::Closed)
    ));
}

#[test]
fn two_loops_on_two_threads_each_get_the_signal() {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        let lp = EventLoop::new().unwrap();
        let s = lp.clone();
        lp.add_signal_handler(Signal::USR2, move || s.stop())
            .unwrap();
        let tx = ready_tx.clone();
        // Ready once the pipe is armed (the first dispatch ran).
        lp.call_soon(move || tx.send(()).unwrap()).unwrap();
        lp.run_forever().unwrap();
        lp.remove_signal_handler(Signal::USR2)
    });
    let lp = EventLoop::new().unwrap();
    let got = Rc::new(Cell::new(false));
    let (g, s) = (got.clone(), lp.clone());
    lp.add_signal_handler(Signal::USR2, move || {
        g.set(true);
        s.stop();
    })
    .unwrap();
    ready_rx.recv().unwrap();
    lp.call_later(0.01, || raise(Signal::USR2)).unwrap();
    lp.run_forever().unwrap();
    assert!(got.get());
    assert!(thread.join().unwrap());
    assert!(lp.remove_signal_handler(Signal::USR2));
}

#[test]
fn a_signal_stream_yields_deliveries() {
    let got = run(async {
        let mut sigs = signals([Signal::HUP, Signal::ALRM]).unwrap();
        raise(Signal::ALRM);
        let first = sigs.recv().await.unwrap();
        corio_runtime::get_running_loop()
            .unwrap()
            .call_later(0.01, || raise(Signal::HUP))
            .unwrap();
        let second = sigs.recv().await.unwrap();
        (first, second)
    })
    .unwrap();
    assert_eq!(got, (Signal::ALRM, Signal::HUP));
}

#[test]
fn keyboard_interrupt_interrupts_run_until_complete_and_leaves_tasks_pending() {
    let lp = EventLoop::new().unwrap();
    let guard = KeyboardInterrupt::install(&lp).unwrap();
    let task = lp.create_task(sleep(Duration::from_secs(3600))).unwrap();
    lp.call_later(0.02, || raise(Signal::INT)).unwrap();
    let got = lp.run_until_complete(async { sleep(Duration::from_secs(3600)).await });
    assert!(matches!(got, Err(LoopError::Interrupted)), "{got:?}");
    assert!(!task.done());
    assert_eq!(lp.all_tasks().len(), 2);
    drop(guard);
    task.cancel();
    lp.stop();
    lp.run_forever().unwrap();
    assert!(task.cancelled());
}

/// Run in a child process by the test below: after the last handler for SIGTERM is removed,
/// SIGTERM ends the process again.
#[test]
#[ignore = "run in a child process by removing_the_last_handler_brings_the_default_back"]
fn child_remove_then_sigterm() {
    let lp = EventLoop::new().unwrap();
    let s = lp.clone();
    lp.add_signal_handler(Signal::TERM, move || s.stop())
        .unwrap();
    lp.call_later(0.01, || raise(Signal::TERM)).unwrap();
    lp.run_forever().unwrap();
    println!("handled");
    assert!(lp.remove_signal_handler(Signal::TERM));
    raise(Signal::TERM);
    std::thread::sleep(Duration::from_secs(5));
    println!("still alive");
}

#[test]
fn removing_the_last_handler_brings_the_default_back() {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "child_remove_then_sigterm",
            "--nocapture",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.signal(), Some(Signal::TERM.as_raw()), "{stdout}");
    assert!(stdout.contains("handled"));
    assert!(!stdout.contains("still alive"));
}

#[test]
fn real_time_signals_are_handled_and_streamed() {
    let lp = EventLoop::new().unwrap();
    let rt1 = Signal::rt(1).unwrap();
    let hits = Rc::new(Cell::new(0));
    let (h, stopper) = (hits.clone(), lp.clone());
    lp.add_signal_handler(rt1, move || {
        h.set(h.get() + 1);
        stopper.stop();
    })
    .unwrap();
    lp.call_soon(move || raise(rt1)).unwrap();
    lp.run_forever().unwrap();
    assert_eq!(hits.get(), 1);
    assert!(lp.remove_signal_handler(rt1));
    lp.close().unwrap();

    let rtmax = Signal::rtmax();
    let got = run(async move {
        let mut sigs = signals([rtmax]).unwrap();
        raise(rtmax);
        sigs.recv().await.unwrap()
    })
    .unwrap();
    assert_eq!(got, rtmax);
    assert_eq!(got.to_string(), "SIGRTMAX");
}

/// Run in a child process by the test below: after the last handler for SIGRTMIN+2 is
/// removed, that signal ends the process (its default action), as after asyncio's
/// `remove_signal_handler`.
#[test]
#[ignore = "run in a child process by removing_the_last_real_time_handler_brings_the_default_back"]
fn child_remove_then_real_time() {
    let sig = Signal::rt(2).unwrap();
    let lp = EventLoop::new().unwrap();
    let s = lp.clone();
    lp.add_signal_handler(sig, move || s.stop()).unwrap();
    lp.call_later(0.01, move || raise(sig)).unwrap();
    lp.run_forever().unwrap();
    println!("handled");
    assert!(lp.remove_signal_handler(sig));
    raise(sig);
    std::thread::sleep(Duration::from_secs(5));
    println!("still alive");
}

#[test]
fn removing_the_last_real_time_handler_brings_the_default_back() {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "child_remove_then_real_time",
            "--nocapture",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.signal(),
        Some(Signal::rt(2).unwrap().as_raw()),
        "{stdout}"
    );
    assert!(stdout.contains("handled"));
    assert!(!stdout.contains("still alive"));
}
