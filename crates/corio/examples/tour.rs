//! A guided run through what corio can do: `cargo run --example tour`.
//!
//! Each section prints what it shows and what asyncio would print; the whole tour takes a
//! couple of seconds.

use std::cell::RefCell;
use std::error::Error;
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::rc::Rc;
use std::time::{Duration, Instant};

use corio::channel::Queue;
use corio::reactor::Async;
use corio::sync::{Event, Lock, Semaphore};
use corio::{Builder, EventLoop, Report, get_running_loop, sleep, spawn, yield_now};

fn section(title: &str) {
    println!("\n== {title} ==");
}

/// Prints its line when dropped: Rust's form of `except CancelledError:` cleanup.
struct Cleanup(&'static str);

impl Drop for Cleanup {
    fn drop(&mut self) {
        println!("  cleanup ran: {}", self.0);
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let started = Instant::now();
    callbacks()?;
    tasks()?;
    futures()?;
    time()?;
    threads()?;
    debug_mode()?;
    io()?;
    sync_and_queues()?;
    println!(
        "\ntour finished in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// call_soon is FIFO and runs before timers; call_later orders by deadline, even negative.
fn callbacks() -> Result<(), Box<dyn Error>> {
    section("1. callbacks: call_soon, call_later, call_at");
    let lp = EventLoop::new()?;
    let log = Rc::new(RefCell::new(Vec::new()));
    let note = |s: &'static str| {
        let log = log.clone();
        move || log.borrow_mut().push(s)
    };
    lp.call_later(0.02, note("call_later(0.02)"))?;
    lp.call_later(-1, note("call_later(-1)"))?;
    lp.call_later(-2, note("call_later(-2)"))?;
    lp.call_soon(note("call_soon #1"))?;
    lp.call_at(lp.time() + 0.01, note("call_at(now + 0.01)"))?;
    lp.call_soon(note("call_soon #2"))?;
    let cancelled = lp.call_later(0.005, note("never: cancelled"))?;
    cancelled.cancel();
    lp.run_until_complete(sleep(Duration::from_millis(30)))?;
    for (i, line) in log.borrow().iter().enumerate() {
        println!("  {}. {line}", i + 1);
    }
    println!("  (asyncio's order: call_soon FIFO first, then timers by deadline, -2 before -1)");
    lp.close()?;
    Ok(())
}

/// Tasks run concurrently, can be named, shared by several waiters, and cancelled.
fn tasks() -> Result<(), Box<dyn Error>> {
    section("2. tasks: spawn, await, share, cancel");
    corio::run(async {
        let workers: Vec<_> = (1..=3)
            .map(|i| {
                spawn(async move {
                    sleep(Duration::from_millis(100)).await;
                    i * 10
                })
            })
            .collect();
        let start = Instant::now();
        let mut results = Vec::new();
        for w in workers {
            results.push(w.await.expect("finishes"));
        }
        println!(
            "  three 100 ms tasks gave {results:?} in {:.0} ms (concurrent, not 300 ms)",
            start.elapsed().as_secs_f64() * 1000.0
        );

        // Shared: this handle is awaited and asked afterwards.
        let sleeper = spawn(async {
            let _guard = Cleanup("the sleeper's drop guard");
            sleep(Duration::from_secs(3600)).await;
        })
        .share();
        sleeper.set_name("sleeper");
        sleep(Duration::from_millis(10)).await;
        println!("  cancel({:?}) -> {}", sleeper, sleeper.cancel());
        let outcome = sleeper.clone().await;
        println!(
            "  awaiting it gives {outcome:?}; cancelled() = {}",
            sleeper.cancelled()
        );

        let never = spawn(async { println!("  never printed") });
        never.cancel();
        println!(
            "  a task cancelled before its first step never runs its body: {:?}",
            never.await
        );
    })?;
    Ok(())
}

/// A settable future (asyncio.Future): set by a callback, awaited, with done-callbacks.
fn futures() -> Result<(), Box<dyn Error>> {
    section("3. futures: SettableFuture, done callbacks");
    let lp = EventLoop::new()?;
    let fut = lp.create_future::<&'static str>();
    fut.add_done_callback(|f| println!("  done callback sees {:?}", f.result()));
    let setter = fut.clone();
    lp.call_later(0.01, move || {
        setter
            .set_result("set by a timer callback")
            .expect("first set");
        println!("  set_result returned (callbacks run later, through the loop)");
    })?;
    println!("  before: {fut:?}, result() = {:?}", fut.result());
    let value = lp.run_until_complete(fut.clone())??;
    println!(
        "  awaited: {value:?}; a second set_result: {:?}",
        fut.set_result("again")
    );
    lp.run_until_complete(yield_now())?; // let the done callback run
    lp.close()?;
    Ok(())
}

/// Timeouts, intervals, and a virtual clock that makes an hour of sleeping instant.
fn time() -> Result<(), Box<dyn Error>> {
    section("4. time: timeout, interval, virtual time");
    corio::run(async {
        let slow = corio::timeout(Duration::from_millis(20), sleep(Duration::from_secs(10))).await;
        println!("  timeout(20 ms, sleep(10 s)) -> {slow:?}");
        let mut every = corio::interval(Duration::from_millis(10));
        let t0 = every.tick().await;
        for _ in 0..3 {
            every.tick().await;
        }
        println!(
            "  interval(10 ms): 4 ticks over {:.0} ms",
            (corio::time::now() - t0).as_secs_f64() * 1000.0
        );
    })?;
    let wall = Instant::now();
    let simulated = Builder::new().virtual_time(true).run(async {
        let lp = get_running_loop().expect("running");
        let start = lp.time();
        sleep(Duration::from_secs(3600)).await;
        lp.time() - start
    })?;
    println!(
        "  virtual time: slept {simulated} s of loop time in {:.1} ms of wall time",
        wall.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}

/// Other threads schedule work on the loop with call_soon_threadsafe.
fn threads() -> Result<(), Box<dyn Error>> {
    section("5. threads: call_soon_threadsafe");
    let lp = EventLoop::new()?;
    let handle = lp.handle();
    let worker = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(20));
        handle
            .call_soon_threadsafe(|| {
                println!("  scheduled from a worker thread, ran on the loop's thread")
            })
            .expect("loop open");
        handle.stop().expect("loop open");
    });
    lp.run_forever()?;
    worker.join().expect("worker");
    lp.close()?;
    Ok(())
}

/// Debug mode reports steps that block the loop.
fn debug_mode() -> Result<(), Box<dyn Error>> {
    section("6. debug mode: slow steps are reported");
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

/// Real I/O readiness: a task reads a socket another task writes.
fn io() -> Result<(), Box<dyn Error>> {
    section("7. I/O: Async<UnixStream>");
    corio::run(async {
        let (a, b) = UnixStream::pair().expect("socket pair");
        let reader = Async::new(a).expect("registered");
        let writer = Async::new(b).expect("registered");
        let echo = spawn(async move {
            let mut buf = [0u8; 32];
            let n = reader
                .read_with(|s| (&*s).read(&mut buf))
                .await
                .expect("read");
            String::from_utf8_lossy(&buf[..n]).into_owned()
        });
        sleep(Duration::from_millis(10)).await;
        writer
            .write_with(|s| (&*s).write(b"hello through the reactor"))
            .await
            .expect("write");
        println!(
            "  the reader woke up with {:?}",
            echo.await.expect("read task")
        );
    })?;
    Ok(())
}

/// Lock, Event, Semaphore and a bounded Queue with task_done/join.
fn sync_and_queues() -> Result<(), Box<dyn Error>> {
    section("8. sync primitives and queues");
    corio::run(async {
        let lock = Rc::new(Lock::new());
        let ready = Rc::new(Event::new());
        let limit = Rc::new(Semaphore::new(2));
        let waiters: Vec<_> = (1..=3)
            .map(|i| {
                let ready = ready.clone();
                let limit = limit.clone();
                spawn(async move {
                    ready.wait().await;
                    let _permit = limit.permit().await;
                    println!("  worker {i} passed the event and holds a permit");
                    sleep(Duration::from_millis(10)).await;
                })
            })
            .collect();
        {
            let _guard = lock.lock().await;
            println!("  lock held: locked() = {}", lock.locked());
        }
        ready.set();
        for w in waiters {
            w.await.expect("worker");
        }

        let queue: Queue<u32> = Queue::new(2);
        let consumer = {
            let queue = queue.clone();
            spawn(async move {
                let mut sum = 0;
                loop {
                    let item = queue.get().await.expect("queue open");
                    sum += item;
                    queue.task_done().expect("one per get");
                    if item == 5 {
                        break sum;
                    }
                }
            })
        };
        for item in 1..=5 {
            queue.put(item).await.expect("queue open"); // waits while 2 items are queued
        }
        queue.join().await;
        println!(
            "  Queue(maxsize=2): consumer summed {} after join()",
            consumer.await.expect("consumer")
        );
    })?;
    Ok(())
}
