//! `#[corio::main]` and `#[corio::test]` (the `macros` feature): the body runs as the main
//! task of a new loop, with the options asked for, and gives its output back.
#![cfg(feature = "macros")]

use std::error::Error;
use std::time::Duration;

#[corio::test]
async fn a_test_runs_on_a_running_loop() {
    let lp = corio::get_running_loop().expect("a running loop");
    assert!(lp.is_running());
    assert!(!lp.is_virtual_time());
    let task = lp.create_task(async { 40 + 2 }).unwrap();
    assert_eq!(task.await.unwrap(), 42);
}

#[corio::test(virtual_time)]
async fn virtual_time_makes_an_hour_instant() {
    let lp = corio::get_running_loop().unwrap();
    assert!(lp.is_virtual_time());
    let start = lp.now();
    let wall = std::time::Instant::now();
    corio::sleep(Duration::from_secs(3600)).await;
    assert_eq!(lp.now() - start, Duration::from_secs(3600));
    // A loose bound: the point is that nobody waited an hour.
    assert!(wall.elapsed() < Duration::from_secs(60));
}

#[corio::test(debug, virtual_time = false)]
async fn debug_mode_is_on() {
    let lp = corio::get_running_loop().unwrap();
    assert!(lp.get_debug());
    assert!(!lp.is_virtual_time());
}

#[corio::test(debug = false)]
async fn debug_mode_can_be_forced_off() {
    assert!(!corio::get_running_loop().unwrap().get_debug());
}

#[corio::test]
async fn a_test_may_return_a_result() -> Result<(), Box<dyn Error>> {
    let lp = corio::get_running_loop()?;
    lp.call_soon(|| ())?;
    corio::sleep(Duration::ZERO).await;
    Ok(())
}

#[corio::test]
#[should_panic(expected = "boom from the body")]
async fn a_panicking_body_fails_the_test() {
    panic!("boom from the body");
}

/// The body's own panic payload comes out, not a wrapper around its message.
#[test]
fn the_body_s_panic_payload_is_resumed() {
    #[corio::main]
    async fn panics() {
        std::panic::panic_any(7_u32);
    }
    let payload = std::panic::catch_unwind(panics).unwrap_err();
    assert_eq!(payload.downcast_ref::<u32>(), Some(&7));
}

/// Left pending when the body returns: cancelled, and the loop closed, as `corio::run` does.
#[corio::main]
async fn entry() -> Result<corio::EventLoop, Box<dyn Error>> {
    let lp = corio::get_running_loop()?;
    lp.create_task(corio::sleep(Duration::from_secs(3600)))?;
    if lp.is_virtual_time() {
        return Err("not asked for".into());
    }
    Ok(lp)
}

#[test]
fn main_runs_the_body_and_closes_the_loop() {
    let lp = entry().unwrap();
    assert!(lp.is_closed());
    assert!(!lp.is_running());
}

mod renamed {
    // `crate = ".."` names the facade where it is not `::corio`.
    use corio as facade;

    #[facade::test(crate = "facade")]
    async fn the_crate_option_names_the_facade() {
        assert!(facade::get_running_loop().is_ok());
    }
}
