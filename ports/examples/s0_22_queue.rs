//! Seed s0-22: a producer fills a bounded `asyncio.Queue` (maxsize 2) for two consumers,
//! then sends one `None` stop signal per consumer and waits on `join()`.
//!
//! asyncio -> corio: `asyncio.Queue(maxsize=n)` -> `corio::channel::Queue::new(n)` of
//! `Option<u32>` (`None` is the stop signal, as in Python; printed as Python prints it);
//! `put`/`get`/`task_done`/`join` keep their names, and `put`/`task_done` return typed
//! errors (shut-down queue, too many `task_done`) instead of raising. A `Queue` is a shared
//! handle: each task gets a clone.
//! `asyncio.wait(consumers + [prod])` -> awaiting each task.

use std::error::Error;
use std::fmt;
use std::time::Duration;

use corio::EventLoop;
use corio::channel::Queue;

/// An item as Python prints it: the number, or `None`.
struct PyItem(Option<u32>);

impl fmt::Display for PyItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(n) => write!(f, "{n}"),
            None => f.write_str("None"),
        }
    }
}

async fn consumer(n: usize, q: Queue<Option<u32>>) -> Result<(), Box<dyn Error>> {
    println!("consumer {n}: starting");
    loop {
        println!("consumer {n}: waiting for item");
        let item = q.get().await?;
        println!("consumer {n}: has item {}", PyItem(item));
        match item {
            // None is the signal to stop.
            None => {
                q.task_done()?;
                break;
            }
            Some(i) => {
                corio::sleep(Duration::from_secs_f64(0.01 * f64::from(i))).await;
                q.task_done()?;
            }
        }
    }
    println!("consumer {n}: ending");
    Ok(())
}

async fn producer(q: Queue<Option<u32>>, num_workers: u32) -> Result<(), Box<dyn Error>> {
    println!("producer: starting");
    // Add some numbers to the queue to simulate jobs.
    for i in 0..num_workers * 3 {
        q.put(Some(i)).await?;
        println!("producer: added task {i} to the queue");
    }
    // Add None entries in the queue to signal the consumers to exit.
    println!("producer: adding stop signals to the queue");
    for _ in 0..num_workers {
        q.put(None).await?;
    }
    println!("producer: waiting for queue to empty");
    q.join().await;
    println!("producer: ending");
    Ok(())
}

async fn main_task(lp: EventLoop, num_consumers: u32) -> Result<(), Box<dyn Error>> {
    // Create the queue with a fixed size so the producer will block until the consumers
    // pull some items out.
    let q = Queue::new(num_consumers as usize);

    // Schedule the consumer tasks.
    let consumers = (0..num_consumers as usize)
        .map(|i| lp.create_task(consumer(i, q.clone())))
        .collect::<Result<Vec<_>, _>>()?;

    // Schedule the producer task.
    let prod = lp.create_task(producer(q, num_consumers))?;

    // Wait for all of the coroutines to finish.
    for task in consumers {
        task.await??;
    }
    prod.await??;
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let event_loop = corio::get_event_loop()?;
    let outcome = event_loop.run_until_complete(main_task(event_loop.clone(), 2));
    event_loop.close()?;
    outcome??;
    Ok(())
}
