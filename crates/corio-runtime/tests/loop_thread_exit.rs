//! Issue 6, defect 7: a thread that uses `get_event_loop()`, leaves a sleeping task and
//! exits without `close()`. The loop goes with the thread's locals, and the task's `Sleep`
//! is dropped while thread-local storage is being torn down: it must not panic. (The panic
//! was caught around the task's drop, so it showed only to a panic hook, which this test,
//! alone in its binary, installs.)

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use corio_runtime::{EventLoop, Report, get_event_loop, sleep};

#[test]
fn a_sleep_dropped_at_thread_exit_does_not_panic() {
    static PANICS: AtomicUsize = AtomicUsize::new(0);
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        default_hook(info);
    }));
    let reports = Arc::new(Mutex::new(Vec::new()));
    let dropped = Arc::new(Mutex::new(false));
    let (r, d) = (reports.clone(), dropped.clone());
    std::thread::spawn(move || {
        struct Flag(Arc<Mutex<bool>>);
        impl Drop for Flag {
            fn drop(&mut self) {
                *self.0.lock().unwrap() = true;
            }
        }
        let lp = get_event_loop().unwrap();
        lp.set_exception_handler(Some(move |_: &EventLoop, report: &Report| {
            r.lock().unwrap().push(report.message.clone());
        }));
        let flag = Flag(d);
        let task = lp
            .create_task(async move {
                let _flag = flag;
                sleep(Duration::from_secs(3600)).await;
            })
            .unwrap();
        // Lets the task register its sleep, then leaves it sleeping.
        lp.run_until_complete(sleep(Duration::from_millis(1)))
            .unwrap();
        assert!(!task.done());
        drop(task);
        // The thread ends without close(): the loop set for it goes with its locals.
    })
    .join()
    .expect("the thread exited cleanly");
    assert!(*dropped.lock().unwrap(), "the sleeping task was dropped");
    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "a panic at thread exit");
    let reports = reports.lock().unwrap();
    // The pending task is reported as asyncio reports a pending task it destroys; nothing
    // else may be.
    assert!(
        reports
            .iter()
            .all(|m| m.starts_with("Task was destroyed but it is pending!")),
        "spurious reports: {reports:?}"
    );
}
