//! add_reader/add_writer leave no descriptor behind. Alone in its file: it counts
//! `/proc/self/fd`, which tests running in parallel threads would disturb.

mod common;

use std::time::Duration;

use corio_net::LoopSockExt;
use corio_net::socket2::{Domain, Socket, Type};
use corio_runtime::EventLoop;

/// The tests of this file count descriptors: one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn nonblocking_pair() -> (Socket, Socket) {
    let (a, b) = Socket::pair(Domain::UNIX, Type::STREAM, None).unwrap();
    a.set_nonblocking(true).unwrap();
    b.set_nonblocking(true).unwrap();
    (a, b)
}

#[test]
fn watches_leave_no_descriptor_behind() {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // Count this process's descriptors around many add/remove cycles.
    let lp = EventLoop::new().unwrap();
    let (a, b) = nonblocking_pair();
    let before = common::open_fds();
    for _ in 0..200 {
        lp.add_reader(&b, || {}).unwrap();
        lp.add_writer(&a, || {}).unwrap();
        assert!(lp.remove_reader(&b));
        assert!(lp.remove_writer(&a));
    }
    lp.run_until_complete(corio_runtime::sleep(Duration::from_millis(5)))
        .unwrap();
    assert!(
        common::open_fds() <= before,
        "{} > {before}",
        common::open_fds()
    );
}

#[test]
fn a_loop_dropped_with_watches_leaves_no_descriptor_behind() {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let (a, b) = nonblocking_pair();
    let before = common::open_fds();
    for _ in 0..20 {
        let lp = EventLoop::new().unwrap();
        lp.add_reader(&b, || {}).unwrap();
        lp.add_writer(&a, || {}).unwrap();
        lp.run_until_complete(corio_runtime::sleep(Duration::from_millis(1)))
            .unwrap();
        // Neither removed nor closed: dropping the last handle closes the loop, which
        // drops the watches' tasks and their duplicated descriptors.
        drop(lp);
    }
    assert!(
        common::open_fds() <= before,
        "{} > {before}",
        common::open_fds()
    );
}
