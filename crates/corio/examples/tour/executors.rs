//! Blocking work on other threads, awaited without blocking the loop; and a coroutine handed
//! to the loop from another thread.

use std::error::Error;
use std::time::{Duration, Instant};

use corio::{get_running_loop, run_coroutine_threadsafe, sleep, spawn, to_thread};

use super::section;

pub(crate) fn run() -> Result<(), Box<dyn Error>> {
    section("executors: to_thread, run_in_executor, run_coroutine_threadsafe");
    corio::run(async {
        let lp = get_running_loop()?;
        // A task that ticks while the blocking calls run: the loop stays free.
        let ticker = spawn(async {
            let mut ticks = 0;
            loop {
                sleep(Duration::from_millis(10)).await;
                ticks += 1;
                if ticks == 5 {
                    break ticks;
                }
            }
        });
        let started = Instant::now();
        let a = to_thread(|| {
            std::thread::sleep(Duration::from_millis(100));
            "to_thread's job"
        })?;
        let b = lp.run_in_executor(None, || {
            std::thread::sleep(Duration::from_millis(100));
            std::thread::current().name().map(str::to_owned)
        })?;
        let (a, b) = (a.await?, b.await?);
        println!(
            "  two 100 ms blocking calls -> {a:?}, ran on {:?}; together in {:.0} ms, not 200",
            b.unwrap_or_default(),
            started.elapsed().as_secs_f64() * 1000.0
        );
        println!(
            "  meanwhile the loop ran a task that ticked {} times",
            ticker.await?
        );

        // A thread hands a coroutine to the loop and blocks on its result.
        let handle = lp.handle();
        let from_thread = to_thread(move || {
            let fut = run_coroutine_threadsafe(
                async {
                    sleep(Duration::from_millis(10)).await;
                    "a coroutine from a worker thread, run on the loop"
                },
                &handle,
            )
            .expect("loop open");
            fut.result(Duration::from_secs(60))
        })?;
        println!("  run_coroutine_threadsafe -> {:?}", from_thread.await?);
        Ok::<(), Box<dyn Error>>(())
    })??;
    Ok(())
}
