//! Issue 6, defect 4, measured as the issue saw it: loops dropped without `close()` while a
//! task holds them must give back their file descriptors. One test per file, so that no
//! other test of the same binary opens or closes fds meanwhile.
#![cfg(target_os = "linux")]

use std::time::Duration;

use corio_runtime::{EventLoop, get_running_loop, sleep};

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

#[test]
fn loops_held_by_their_tasks_give_back_their_fds() {
    // One loop first, so that lazily created process-wide state is already counted.
    drop(EventLoop::new().unwrap());
    let before = open_fds();
    for _ in 0..100 {
        let lp = EventLoop::new().unwrap();
        lp.run_until_complete(async {
            get_running_loop()
                .unwrap()
                .create_task(async {
                    let lp = get_running_loop().unwrap();
                    sleep(Duration::from_secs(3600)).await;
                    drop(lp);
                })
                .unwrap();
            corio_runtime::yield_now().await;
        })
        .unwrap();
        // Dropped without close(), as the program did.
    }
    let after = open_fds();
    assert_eq!(
        after, before,
        "fds before {before}, after 100 loops {after}"
    );
}
