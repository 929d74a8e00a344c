//! gather, wait_for, shield, TaskGroup and as_completed, on a virtual clock: the sleeps
//! below add up to minutes of loop time and take no wall time, in a fixed order.

use std::error::Error;
use std::time::Duration;

use corio::{
    Builder, ChildError, FIRST_EXCEPTION, as_completed, gather, get_running_loop, shield, sleep,
    spawn, task_group, wait, wait_for,
};

use super::{Cleanup, section};

pub(crate) fn run() -> Result<(), Box<dyn Error>> {
    section("combinators: gather, wait, wait_for, shield, TaskGroup, as_completed");
    Builder::new().virtual_time(true).run(async {
        let lp = get_running_loop().expect("running");
        let t0 = lp.time();

        // gather: outputs in argument order, whatever order the children finish in.
        let children = [30u64, 10, 20].map(|ms| {
            spawn(async move {
                sleep(Duration::from_millis(ms)).await;
                println!("    child {ms} ms finished");
                ms
            })
        });
        println!(
            "  gather(30 ms, 10 ms, 20 ms) -> {:?}",
            gather(children).await
        );

        // wait(FIRST_EXCEPTION): returns once a task fails (an `Err` output counts, as a
        // raised exception does in asyncio), with the same handles split into done/pending.
        let jobs = [(20u64, true), (5, false), (60, true)].map(|(ms, ok)| {
            spawn(async move {
                sleep(Duration::from_millis(ms)).await;
                if ok {
                    Ok(ms)
                } else {
                    Err(format!("job of {ms} ms failed"))
                }
            })
            .share()
        });
        let (done, pending) = wait(jobs, None, FIRST_EXCEPTION)
            .await
            .expect("three handles");
        println!(
            "  wait(20 ms ok, 5 ms Err, 60 ms ok; FIRST_EXCEPTION) -> done {:?}, {} pending",
            done.iter()
                .filter_map(|t| t.result()?.ok())
                .collect::<Vec<_>>(),
            pending.len()
        );
        for task in &pending {
            task.cancel();
        }

        // wait_for: on timeout the inner task is cancelled, and has finished cancelling
        // (its cleanup ran) before wait_for returns.
        let slow = spawn(async {
            let _guard = Cleanup("wait_for's inner task");
            sleep(Duration::from_secs(60)).await;
        })
        .share();
        let res = wait_for(slow.clone(), Duration::from_millis(50)).await;
        println!(
            "  wait_for(60 s task, 50 ms) -> {res:?}; inner cancelled() = {}",
            slow.cancelled()
        );

        // shield: the timeout cancels the shield, not the task, which finishes later.
        let precious = spawn(async {
            sleep(Duration::from_millis(50)).await;
            "finished anyway"
        })
        .share();
        let res = wait_for(shield(precious.clone()), Duration::from_millis(5)).await;
        println!(
            "  wait_for(shield(task), 5 ms) -> {res:?}; task cancelled() = {}",
            precious.cancelled()
        );
        println!("  awaiting the task afterwards -> {:?}", precious.await);

        // TaskGroup: the first failure cancels the siblings and the body; every failure
        // comes back together (asyncio's ExceptionGroup).
        let group = task_group(|tg| async move {
            tg.create_task(async {
                let _guard = Cleanup("a sibling cancelled by the group");
                sleep(Duration::from_secs(3600)).await;
                Ok(())
            })
            .expect("group open");
            tg.create_task(async {
                sleep(Duration::from_millis(10)).await;
                Err::<(), _>("child failed after 10 ms")
            })
            .expect("group open");
            sleep(Duration::from_secs(3600)).await;
            println!("  never printed: the body is cancelled too");
            Ok(())
        })
        .await;
        match group {
            Err(e) => {
                let errors: Vec<String> = e.errors.iter().map(ChildError::to_string).collect();
                println!("  TaskGroup -> {e}: {errors:?}");
            }
            Ok(()) => println!("  unexpected: the group succeeded"),
        }

        // as_completed: outputs in the order they finish; a timeout ends the rest.
        let phases = [30u64, 10, 20, 500].map(|ms| async move {
            sleep(Duration::from_millis(ms)).await;
            ms
        });
        let mut done = as_completed(phases, Duration::from_millis(100));
        let mut order = Vec::new();
        while let Some(out) = done.next().await {
            order.push(out);
        }
        println!("  as_completed(30, 10, 20, 500 ms; timeout 100 ms) -> {order:?}");
        println!(
            "  (asyncio prints the same; this took {:.3} s of virtual loop time)",
            lp.time() - t0
        );
    })?;
    Ok(())
}
