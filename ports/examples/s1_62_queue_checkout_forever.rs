//! Seed s1-62: a generator task puts 0–4 random customers a second (`random.seed(0)`)
//! into a bounded `asyncio.Queue(5)`, waiting while it is full; three cashier tasks `get`
//! them forever. The seed runs forever, so it is bounded by
//! `asyncio.wait_for(main(), timeout=6.05)`.
//!
//! asyncio -> corio: `asyncio.Queue(5)` -> `corio::channel::Queue::new(5)` (a shared
//! handle, cloned into each task); `put`/`get`/`task_done` keep their names and return
//! typed errors. Python's `random` -> `pyrandom::PyRandom`, the same Mersenne Twister, so
//! the customers are Python's. `asyncio.gather(producer, *cashiers)` -> awaiting the tasks
//! in turn through `cancel_on_drop` handles, so that, like gather, cancelling `main`
//! cancels them; `asyncio.wait_for(main(), timeout=6.05)` -> `corio::timeout`, whose
//! `Err(Elapsed)` is Python's `TimeoutError`.

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
    customer_id: u64,
    products: Vec<Product>,
}

async fn checkout_customer(
    queue: Queue<Customer>,
    cashier_number: u32,
) -> Result<(), Box<dyn Error>> {
    loop {
        let customer = queue.get().await?;
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
}

fn generate_customer(customer_id: u64, rng: &mut PyRandom) -> Customer {
    let all_products = [
        Product::new("beer", 2.0),
        Product::new("bananas", 0.5),
        Product::new("sausage", 0.2),
        Product::new("diapers", 0.2),
    ];
    let count = rng.randrange(10);
    let products = (0..count)
        .map(|_| all_products[rng.randrange(all_products.len() as u64) as usize])
        .collect();
    Customer {
        customer_id,
        products,
    }
}

async fn customer_generator(
    queue: Queue<Customer>,
    mut rng: PyRandom,
) -> Result<(), Box<dyn Error>> {
    let mut customer_count = 0;
    loop {
        let end = customer_count + rng.randrange(5);
        let customers: Vec<Customer> = (customer_count..end)
            .map(|i| generate_customer(i, &mut rng))
            .collect();
        let added = customers.len() as u64;
        for customer in customers {
            println!("客户正在等待排队...");
            queue.put(customer).await?;
            println!("客户已加入排队!");
        }
        customer_count += added;
        corio::sleep(Duration::from_secs(1)).await;
    }
}

async fn main_task() -> Result<(), Box<dyn Error>> {
    // random.seed(0): seeded so the random customers are reproducible.
    let rng = PyRandom::new(0);
    let customer_queue = Queue::new(5);

    let customer_producer =
        corio::spawn(customer_generator(customer_queue.clone(), rng)).cancel_on_drop();

    let cashiers = (0..3)
        .map(|i| corio::spawn(checkout_customer(customer_queue.clone(), i)).cancel_on_drop())
        .collect::<Vec<_>>();

    customer_producer.await??;
    for cashier in cashiers {
        cashier.await??;
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    match corio::run(corio::timeout(Duration::from_secs_f64(6.05), main_task()))? {
        Ok(outcome) => outcome,
        Err(_elapsed) => {
            println!("<bounded: stopped after 6.05 s>");
            Ok(())
        }
    }
}
