//! System packages a check needs (redis-server for the Redis seed port, wrk for the HTTP
//! benchmark rows): installed with apt-get when missing and we are root, so that `cargo xtask ci`
//! works on a fresh machine by itself, as the README promises.

use std::process::{Command, Stdio};

use crate::cmd::Cmd;

/// Whether `program` runs from `PATH` (probed with `--version`, which both tools answer).
fn on_path(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// Makes `program` available, installing the Debian `package` when it is missing and this is
/// root with apt-get. Says why when it cannot; the check that needs it then fails with the
/// program's own clear message rather than here.
pub(crate) fn ensure(program: &str, package: &str, why: &str) {
    if on_path(program) {
        return;
    }
    if !is_root() || !on_path("apt-get") {
        println!(
            "warning: {program} is missing and cannot be installed here (not root, or no apt-get); {why} will fail until it is installed"
        );
        return;
    }
    println!("installing {package} (apt-get) for {why}");
    let update = Cmd::new("apt-get").args(["update", "-q"]);
    let install = Cmd::new("apt-get")
        .args(["install", "-y", "-q", package])
        .env("DEBIAN_FRONTEND", "noninteractive");
    for cmd in [update, install] {
        match cmd.run() {
            Ok(true) => {}
            Ok(false) | Err(_) => {
                println!("warning: `{cmd}` failed; {why} will fail until {package} is installed");
                return;
            }
        }
    }
}
