//! A throw-away `redis-server` for the Redis seed port, as the Python reference's wrapper
//! `s3-03-redis-dynamic-tasks.run.sh` starts one: on 127.0.0.1, on a free port, with no
//! persistence (`--save "" --appendonly no`), stopped when dropped.

use std::io;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// How long the server may take to answer its first PING.
const STARTUP: Duration = Duration::from_secs(10);

/// A running `redis-server` child process; killed and reaped when dropped.
#[derive(Debug)]
pub struct RedisServer {
    child: Child,
    port: u16,
}

/// Starts `redis-server` on a free port of 127.0.0.1 and waits until it answers PING.
///
/// # Errors
///
/// `redis-server` is not installed (the message says how to install it), it cannot be
/// started, it exits during startup, or it does not answer within 10 s.
pub fn start() -> io::Result<RedisServer> {
    // The kernel picks a free port; it is released just before redis-server binds it, as the
    // Python wrapper does. Another process taking it meanwhile makes redis-server exit, which
    // is reported below.
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let child = Command::new("redis-server")
        .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
        .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
        .args(["--loglevel", "warning"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            if e.kind() == io::ErrorKind::NotFound {
                io::Error::new(
                    e.kind(),
                    "redis-server is not installed: this port runs a real Redis server \
                     (Debian/Ubuntu: apt-get install -y redis-server; .ci/run installs it as root)",
                )
            } else {
                io::Error::new(e.kind(), format!("cannot start redis-server: {e}"))
            }
        })?;
    let mut server = RedisServer { child, port };
    server.wait_ready()?;
    Ok(server)
}

impl RedisServer {
    /// The URL for the `redis` crate's client, `redis://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    fn wait_ready(&mut self) -> io::Result<()> {
        let started = Instant::now();
        let mut last_error = String::from("no answer yet");
        while started.elapsed() < STARTUP {
            if let Some(status) = self.child.try_wait()? {
                return Err(io::Error::other(format!(
                    "redis-server exited during startup ({status}); is port {} taken?",
                    self.port
                )));
            }
            match ping(&self.url()) {
                Ok(()) => return Ok(()),
                Err(e) => last_error = e.to_string(),
            }
            thread::sleep(Duration::from_millis(20));
        }
        Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!("redis-server did not answer PING within {STARTUP:?}: {last_error}"),
        ))
    }
}

fn ping(url: &str) -> redis::RedisResult<()> {
    let client = redis::Client::open(url)?;
    let mut con = client.get_connection_with_timeout(Duration::from_millis(200))?;
    redis::cmd("PING").query::<String>(&mut con).map(drop)
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
