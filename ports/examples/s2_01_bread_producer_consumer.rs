//! Seed s2-01: two bakers put a bread every 0.5 s into one shared `asyncio.Queue`, two
//! eaters take one every 1 s; `main` waits for the bakers, then for the queue to be
//! drained (`join`), then cancels the eaters.
//!
//! asyncio -> corio: `asyncio.Queue()` -> `corio::channel::Queue::new(0)` (0 = unbounded;
//! a shared handle, so each model holds a clone); the class keeps its two async methods.
//! `asyncio.ensure_future(coro)` -> `corio::spawn`; `asyncio.gather(producer_1,
//! producer_2)` -> one task per coroutine, created after the consumers as gather creates
//! them, awaited in turn; `task.cancel()` as in Python. The class's default
//! `queue=asyncio.Queue()` argument is never used by the seed, so the struct has no default.

use std::error::Error;
use std::rc::Rc;
use std::time::Duration;

use corio::channel::Queue;

struct ConsumerProducerModel {
    producer: &'static str,
    consumer: &'static str,
    queue: Queue<String>,
    /// The plate holds 6 pieces of bread.
    plate_size: usize,
}

impl ConsumerProducerModel {
    fn new(producer: &'static str, consumer: &'static str, queue: Queue<String>) -> Self {
        ConsumerProducerModel {
            producer,
            consumer,
            queue,
            plate_size: 6,
        }
    }

    async fn produce_bread(&self) -> Result<(), Box<dyn Error>> {
        for i in 0..self.plate_size {
            let bread = format!("bread {i}");
            // Bread is made faster: 0.5 s a piece.
            corio::sleep(Duration::from_secs_f64(0.5)).await;
            self.queue.put(bread.clone()).await?;
            println!("{} makes {bread}", self.producer);
        }
        Ok(())
    }

    async fn consume_bread(&self) -> Result<(), Box<dyn Error>> {
        loop {
            let bread = self.queue.get().await?;
            // Eaten slower: 1 s a piece.
            corio::sleep(Duration::from_secs(1)).await;
            println!("{} eats {bread}", self.consumer);
            self.queue.task_done()?;
        }
    }
}

async fn main_task() -> Result<(), Box<dyn Error>> {
    let queue = Queue::new(0);
    let cp1 = ConsumerProducerModel::new("John", "Grace", queue.clone()); // group 1
    let cp2 = ConsumerProducerModel::new("Mike", "Lucy", queue.clone()); // group 2

    // The producers are coroutines until gather makes tasks of them; the consumers become
    // tasks now. Each task owns its model, so the models are shared through `Rc`.
    let (cp1, cp2) = (Rc::new(cp1), Rc::new(cp2));
    let producer_1 = {
        let cp = Rc::clone(&cp1);
        async move { cp.produce_bread().await }
    };
    let producer_2 = {
        let cp = Rc::clone(&cp2);
        async move { cp.produce_bread().await }
    };

    let consumer_1 = corio::spawn(async move { cp1.consume_bread().await });
    let consumer_2 = corio::spawn(async move { cp2.consume_bread().await });

    let producers = [corio::spawn(producer_1), corio::spawn(producer_2)];
    for producer in producers {
        producer.await??;
    }
    queue.join().await;
    consumer_1.cancel();
    consumer_2.cancel();
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let lp = corio::get_event_loop()?;
    let outcome = lp.run_until_complete(main_task());
    lp.close()?;
    outcome??;
    Ok(())
}
