//! Seed s3-03: tasks fed through Redis. A loop runs forever in a background thread; a
//! consumer thread pops job sizes from a Redis list and hands each to the loop as a
//! coroutine (`run_coroutine_threadsafe`); the main thread prints a line as each finishes.
//! With 5, 3 and 1 pushed first, they finish after 1, 3 and 5 s.
//!
//! Rust differences: the program starts its own throw-away `redis-server` (127.0.0.1, a free
//! port, no persistence) and pushes 5, 3, 1 with the client, where the Python reference's
//! wrapper script does both; it stops the server at the end. It fails with a clear message
//! when `redis-server` is not installed. redis-py -> the `redis` crate's blocking client.
//! The loop thread makes its own loop and sends its `LoopHandle` back (an `EventLoop` is
//! `!Send`). Python's daemon threads die with the program; here the consumer's one-second
//! wait is a channel receive that the main thread ends, and both threads are joined.

use corio_ports as util;

use std::error::Error;
use std::process::ExitCode;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use corio::{EventLoop, LoopError, LoopHandle};
use redis::Commands;

type BoxError = Box<dyn Error + Send + Sync>;

/// The background thread: a loop of its own, running until stopped.
fn start_loop(handle_tx: mpsc::Sender<LoopHandle>) -> Result<(), LoopError> {
    let lp = EventLoop::new()?;
    corio::set_event_loop(Some(lp.clone()));
    let _ = handle_tx.send(lp.handle());
    lp.run_forever()?;
    lp.close()
}

async fn do_sleep(x: u64, queue: mpsc::Sender<&'static str>) {
    corio::sleep(Duration::from_secs(x)).await;
    let _ = queue.send("ok");
}

/// The consumer thread: pops jobs from Redis and hands them to the loop, until `stop` is
/// dropped (Python's `time.sleep(1)` between empty polls becomes a wait on it).
fn consumer(
    mut rcon: redis::Connection,
    new_loop: LoopHandle,
    queue: mpsc::Sender<&'static str>,
    stop: mpsc::Receiver<()>,
) -> Result<(), BoxError> {
    loop {
        let task: Option<String> = rcon.rpop("queue", None)?;
        let Some(task) = task else {
            match stop.recv_timeout(Duration::from_secs(1)) {
                Err(RecvTimeoutError::Timeout) => continue,
                _ => return Ok(()),
            }
        };
        let seconds: u64 = task.parse()?;
        // Runs on the loop whether or not anyone waits on its future.
        let _job = corio::run_coroutine_threadsafe(do_sleep(seconds, queue.clone()), &new_loop)?;
    }
}

fn main() -> ExitCode {
    // The error's message, not its Debug form: "redis-server is not installed ...".
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), BoxError> {
    let server = util::redis_server::start()?;
    let client = redis::Client::open(server.url())?;
    // What the article does by hand with redis-cli before starting the program.
    let mut setup = client.get_connection()?;
    for v in [5, 3, 1] {
        let _: i64 = setup.lpush("queue", v)?;
    }

    println!("{}", util::ctime());
    let (handle_tx, handle_rx) = mpsc::channel();
    let loop_thread = thread::spawn(move || start_loop(handle_tx));
    let new_loop = handle_rx
        .recv()
        .map_err(|_| "the loop thread failed to start")?;

    // The Redis connection.
    let rcon = client.get_connection()?;

    let (queue, messages) = mpsc::channel();

    // The consumer thread: reads the job queue and adds tasks to the loop as they come.
    let (stop_consumer, stop) = mpsc::channel();
    let consumer_loop = new_loop.clone();
    let consumer_thread = thread::spawn(move || consumer(rcon, consumer_loop, queue, stop));

    for _ in 0..3 {
        messages.recv()?;
        println!("协程运行完..");
        println!("当前时间: {}", util::ctime());
    }
    drop(stop_consumer);
    consumer_thread
        .join()
        .map_err(|_| "the consumer thread panicked")??;
    new_loop.stop()?;
    loop_thread
        .join()
        .map_err(|_| "the loop thread panicked")??;
    drop(server); // stops redis-server
    Ok(())
}
