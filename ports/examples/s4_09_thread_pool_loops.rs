//! Seed s4-09: an event loop of its own in a pool thread (two gathered tasks, 1 s and 2 s)
//! while the main thread runs its own loop (two 1 s ticks): two loops, two threads, at the
//! same time.
//!
//! Rust differences: an `EventLoop` belongs to the thread that made it (it is `!Send`), so
//! the pool thread makes its loop itself, where Python makes it in the main thread and
//! passes it to the pool. `id(loop)` -> `EventLoop::as_ptr()` (the loop's address, as
//! Python's `id` is the object's). `concurrent.futures.ThreadPoolExecutor().submit(f)` ->
//! corio-blocking's; Python joins the pool's threads at exit, here the job's result is
//! waited for at the end of `main` (a failure in the thread comes back as an error).
//! `asyncio.gather(task_1(..), task_2(..))` -> `corio::gather` over two spawned tasks (two
//! distinct coroutine types; Python's gather wraps them in tasks too).

use std::error::Error;
use std::sync::Arc;
use std::time::Duration;

use corio::blocking::ThreadPoolExecutor;
use corio::{EventLoop, LoopError};

type BoxError = Box<dyn Error + Send + Sync>;

/// Runs in a pool thread. The error is shared (`Arc`) because a `ConcurrentFuture`'s result
/// is cloned for whoever asks.
fn thread_loop_task() -> Result<(), Arc<LoopError>> {
    run_thread_loop().map_err(Arc::new)
}

fn run_thread_loop() -> Result<(), LoopError> {
    // The child thread's own event loop.
    let lp = EventLoop::new()?;
    corio::set_event_loop(Some(lp.clone()));
    let id = lp.as_ptr() as usize;

    async fn task_1(_index: u32, delay: u64, id: usize) {
        println!("The task_1 is ready...");
        println!("The task_1 conducts on loop:{id}");
        corio::sleep(Duration::from_secs(delay)).await;
        println!("The task_1 is finished!");
    }

    async fn task_2(_index: u32, delay: u64, id: usize) {
        println!("The task_2 is ready...");
        println!("The task_2 conducts on loop:{id}");
        corio::sleep(Duration::from_secs(delay)).await;
        println!("The task_2 is finished!");
    }

    let futures = async move {
        let tasks = [
            corio::spawn(task_1(1, 1, id)),
            corio::spawn(task_2(2, 2, id)),
        ];
        corio::gather(tasks).await
    };
    lp.run_until_complete(futures)?.map_err(LoopError::Task)?;
    lp.close()
}

fn main() -> Result<(), BoxError> {
    // Creates a new loop for the child thread (there, as said above).
    println!("Create a new loop for child thread!");

    let executor = ThreadPoolExecutor::new();
    let child = executor.submit(thread_loop_task)?;

    println!("The main thread is not blocked ....");

    let main_loop = corio::get_event_loop()?;
    let main_id = main_loop.as_ptr() as usize;

    let main_task = async move {
        for _ in 0..2 {
            println!("The main thread conducts on loop:{main_id}");
            corio::sleep(Duration::from_secs(1)).await;
        }
    };

    main_loop.run_until_complete(main_task)?;
    child.result(None)??;
    Ok(())
}
