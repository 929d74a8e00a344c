//! Lock, Event, Semaphore and a bounded Queue with task_done/join.

use std::error::Error;
use std::rc::Rc;
use std::time::Duration;

use corio::channel::Queue;
use corio::sync::{Event, Lock, Semaphore};
use corio::{sleep, spawn};

use super::section;

pub(crate) fn run() -> Result<(), Box<dyn Error>> {
    section("sync primitives and queues");
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
