//! Tasks run concurrently, can be named, shared by several waiters, and cancelled.

use std::error::Error;
use std::time::{Duration, Instant};

use corio::{sleep, spawn};

use super::{Cleanup, section};

pub(crate) fn run() -> Result<(), Box<dyn Error>> {
    section("tasks: spawn, await, share, cancel");
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
