//! Seed s1-61: ten customers with random carts (`random.seed(0)`) wait in an unbounded
//! `asyncio.Queue`; three cashier tasks take them with `get_nowait` until the queue is
//! empty, "scanning" each product for its checkout time.
//!
//! asyncio -> corio: `asyncio.Queue()` -> `corio::channel::Queue::new(0)` (0 = unbounded;
//! a shared handle, cloned into each task); `get_nowait`/`put_nowait`/`task_done` return
//! typed errors instead of raising `QueueEmpty`/`QueueFull`/`ValueError`. Python's
//! `random` -> `pyrandom::PyRandom`, the same Mersenne Twister, so the carts are Python's.
//! `asyncio.gather(queue.join(), *cashiers)` -> a task for `join` after the cashier tasks,
//! all awaited in turn.

use corio_ports::pyrandom;

use std::error::Error;
use std::time::Duration;

use corio::channel::Queue;
use pyrandom::PyRandom;

#[derive(Debug, Clone, Copy)]
struct Product {
    name: &'static str,
    checkout_time: f64,
}

impl Product {
    const fn new(name: &'static str, checkout_time: f64) -> Product {
        Product {
            name,
            checkout_time,
        }
    }
}

#[derive(Debug)]
struct Customer {
    customer_id: u32,
    products: Vec<Product>,
}

async fn checkout_customer(
    queue: Queue<Customer>,
    cashier_number: u32,
) -> Result<(), Box<dyn Error>> {
    while !queue.empty() {
        let customer = queue.get_nowait()?;
        println!("收营员 {cashier_number} 结账客户 {}", customer.customer_id);
        for product in &customer.products {
            println!(
                "收营员 {cashier_number} 正在给{}'s 结算 {}",
                customer.customer_id, product.name
            );
            corio::sleep(Duration::from_secs_f64(product.checkout_time)).await;
        }
        println!(
            "收营员 {cashier_number} 完成对{} 的结算",
            customer.customer_id
        );
        queue.task_done()?;
    }
    Ok(())
}

async fn main_task() -> Result<(), Box<dyn Error>> {
    // random.seed(0): seeded so the random carts are reproducible.
    let mut rng = PyRandom::new(0);
    let customer_queue = Queue::new(0);

    let all_products = [
        Product::new("beer", 2.0),
        Product::new("bananas", 0.5),
        Product::new("sausage", 0.2),
        Product::new("diapers", 0.2),
    ];

    for i in 0..10 {
        let count = rng.randrange(10);
        let products = (0..count)
            .map(|_| all_products[rng.randrange(all_products.len() as u64) as usize])
            .collect();
        customer_queue.put_nowait(Customer {
            customer_id: i,
            products,
        })?;
    }

    let cashiers = (0..3)
        .map(|i| corio::spawn(checkout_customer(customer_queue.clone(), i)))
        .collect::<Vec<_>>();

    let join = corio::spawn(async move { customer_queue.join().await });
    join.await?;
    for cashier in cashiers {
        cashier.await??;
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    corio::run(main_task())?
}
