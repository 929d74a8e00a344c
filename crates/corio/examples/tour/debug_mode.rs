//! Debug mode reports steps that block the loop.

use std::error::Error;
use std::time::Duration;

use corio::{Builder, EventLoop, Report};

use super::section;

pub(crate) fn run() -> Result<(), Box<dyn Error>> {
    section("debug mode: slow steps are reported");
    let lp = Builder::new().debug(true).build()?;
    lp.set_exception_handler(Some(|_: &EventLoop, report: &Report| {
        println!("  exception handler: {}", report.message)
    }));
    lp.run_until_complete(async {
        std::thread::sleep(Duration::from_millis(150)); // blocks the loop: reported
    })?;
    lp.close()?;
    Ok(())
}
