//! Seed s0-21: five consumers wait on an `asyncio.Condition`; a manipulator task notifies
//! one, then two, then all of them.
//!
//! asyncio -> corio: `asyncio.Condition` -> `corio::sync::Condition` (shared through an
//! `Rc`); `async with condition:` -> the guard of `condition.lock()`, and
//! `await condition.wait()` -> `guard.wait()`, which consumes the guard and gives it back
//! once notified and re-locked; `notify(n=i)` / `notify_all()` on the guard (which proves
//! the lock is held, so they cannot fail). `asyncio.wait(consumers)` -> awaiting each task.

use std::error::Error;
use std::rc::Rc;
use std::time::Duration;

use corio::EventLoop;
use corio::sync::Condition;

async fn consumer(condition: Rc<Condition>, n: usize) {
    {
        let guard = condition.lock().await;
        println!("consumer {n} is waiting");
        let _guard = guard.wait().await;
        println!("consumer {n} triggered");
    }
    println!("ending consumer {n}");
}

async fn manipulate_condition(condition: Rc<Condition>) {
    println!("starting manipulate_condition");

    // Pause to let consumers start.
    corio::sleep(Duration::from_secs_f64(0.1)).await;

    for i in 1..3 {
        {
            let guard = condition.lock().await;
            println!("notifying {i} consumers");
            guard.notify(i);
        }
        corio::sleep(Duration::from_secs_f64(0.1)).await;
    }

    {
        let guard = condition.lock().await;
        println!("notifying remaining consumers");
        guard.notify_all();
    }

    println!("ending manipulate_condition");
}

async fn main_task(lp: EventLoop) -> Result<(), Box<dyn Error>> {
    // Create a condition.
    let condition = Rc::new(Condition::new());

    // Set up tasks watching the condition.
    let consumers = (0..5)
        .map(|i| corio::spawn(consumer(Rc::clone(&condition), i)))
        .collect::<Vec<_>>();

    // Schedule a task to manipulate the condition variable.
    lp.create_task(manipulate_condition(condition))?;

    // Wait for the consumers to be done.
    for task in consumers {
        task.await?;
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let event_loop = corio::get_event_loop()?;
    let outcome = event_loop.run_until_complete(main_task(event_loop.clone()));
    event_loop.close()?;
    outcome??;
    Ok(())
}
