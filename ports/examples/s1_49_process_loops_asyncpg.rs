//! Seed s1-49: CPU-bound and I/O-bound work together: five jobs go to a
//! `ProcessPoolExecutor`, and each worker process runs an event loop of its own that makes
//! 10 000 queries through a 6-connection pool (`asyncio.run` inside the job); the parent's
//! loop gathers the five lists and prints the total.
//!
//! asyncio -> corio: the fake asyncpg -> `util::fakepg` (6 connections, 1 ms per query,
//! as fakepg.py); `asyncio.run(run_queries())` in the worker -> `corio::run(..)` in the
//! worker process; `loop.run_in_executor(pool, run_in_new_loop, 10000)` ->
//! `lp.run_in_executor(&pool, (&RUN_IN_NEW_LOOP, 10_000))?` (a registered function and its
//! argument: `functools.partial`'s part), awaited from the parent's loop;
//! `asyncio.gather(...)` -> `corio::gather(...)` (a query cannot fail: `Infallible`); the
//! rows (dicts) -> a serde struct sent back from the worker. `@async_timed()` -> `util::async_timed`. The workers' lines interleave (the
//! golden is compared sorted).

use corio_ports as util;

use std::convert::Infallible;
use std::error::Error;

use corio::blocking::process::{self, ProcessFn, ProcessPoolExecutor};
use util::async_timed;
use util::fakepg::{self, Pool, Row};

const PRODUCT_QUERY: &str = "
SELECT
*
FROM product as p
JOIN sku as s on s.product_id = p.product_id
JOIN product_color as pc on pc.product_color_id = s.product_color_id
JOIN product_size as ps on ps.product_size_id = s.product_size_id
WHERE p.product_id = 100
";

async fn query_product(pool: &Pool) -> Row {
    let connection = pool.acquire().await;
    connection.fetchrow(PRODUCT_QUERY).await
}

/// Runs `queries` queries at once over the pool.
async fn query_products_concurrently(
    pool: std::rc::Rc<Pool>,
    queries: usize,
) -> Result<Vec<Row>, Box<dyn Error>> {
    async_timed("query_products_concurrently", (&pool, queries), async {
        let queries = (0..queries).map(|_| {
            let pool = pool.clone();
            async move { Ok::<_, Infallible>(query_product(&pool).await) }
        });
        Ok(corio::gather(queries).await?)
    })
    .await
}

/// Runs in a worker process: a new event loop of its own for the queries.
fn run_in_new_loop(num_queries: usize) -> Vec<Row> {
    let run_queries = async move {
        let pool = std::rc::Rc::new(fakepg::create_pool(6, 6));
        query_products_concurrently(pool, num_queries)
            .await
            .map_err(|e| e.to_string())
    };
    corio::run(run_queries)
        .expect("the worker's event loop runs")
        .expect("the queries succeed")
}
static RUN_IN_NEW_LOOP: ProcessFn<usize, Vec<Row>> =
    ProcessFn::new("run_in_new_loop", run_in_new_loop);

async fn main_task() -> Result<(), Box<dyn Error>> {
    async_timed("main", (), async {
        let lp = corio::get_running_loop()?;
        let pool = ProcessPoolExecutor::new();
        let tasks = (0..5)
            .map(|_| lp.run_in_executor(&pool, (&RUN_IN_NEW_LOOP, 10_000)))
            .collect::<Result<Vec<_>, _>>()?;
        let all_results = corio::gather(tasks).await?;
        let total_queries: usize = all_results.iter().map(Vec::len).sum();
        println!("Retrieved {total_queries} products the product database.");
        Ok(())
    })
    .await
}

fn main() -> Result<(), Box<dyn Error>> {
    process::init(&[&RUN_IN_NEW_LOOP]);
    corio::run(main_task())?
}
