//! A stand-in for asyncpg with fakepg.py's behaviour (the seeds have no PostgreSQL): a
//! pool of `max_size` connections (a waiter queues while all are in use, FIFO), and
//! `fetchrow` that takes 1 ms on the loop's clock and gives one product row.

use std::time::Duration;

use corio::sync::{Semaphore, SemaphorePermit};
use serde::{Deserialize, Serialize};

/// fakepg.py's `QUERY_TIME`: how long each query takes.
pub const QUERY_TIME: Duration = Duration::from_millis(1);

/// fakepg.py's `ROW`: the product row every query returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// `product.product_id`.
    pub product_id: u32,
    /// `product.product_name`.
    pub product_name: String,
    /// `sku.sku_id`.
    pub sku_id: u32,
    /// `product_color.product_color_id`.
    pub product_color_id: u32,
    /// `product_color.product_color_name`.
    pub product_color_name: String,
    /// `product_size.product_size_id`.
    pub product_size_id: u32,
    /// `product_size.product_size_name`.
    pub product_size_name: String,
}

impl Row {
    fn stand_in() -> Row {
        Row {
            product_id: 100,
            product_name: "stand-in product".into(),
            sku_id: 1,
            product_color_id: 1,
            product_color_name: "Blue".into(),
            product_size_id: 1,
            product_size_name: "Small".into(),
        }
    }
}

/// `asyncpg.create_pool(...)`: the pool's connection slots. Its `Debug` plays the part of
/// Python's `<fakepg.Pool object at 0x...>` in printed argument lists.
#[derive(Debug)]
pub struct Pool {
    slots: Semaphore,
}

/// `asyncpg.create_pool(min_size=.., max_size=..)`. Like fakepg.py, only `max_size` counts
/// (the connections are made on demand).
pub fn create_pool(_min_size: usize, max_size: usize) -> Pool {
    Pool {
        slots: Semaphore::new(max_size),
    }
}

impl Pool {
    /// `async with pool.acquire() as connection:` waits for a free slot; the connection
    /// gives it back when dropped.
    ///
    /// # Cancel safety
    ///
    /// Dropping the future while it waits gives up its place in the queue; nothing is lost.
    pub async fn acquire(&self) -> Connection<'_> {
        Connection {
            _slot: self.slots.permit().await,
        }
    }
}

/// A connection of the pool, holding one of its slots.
#[derive(Debug)]
pub struct Connection<'a> {
    _slot: SemaphorePermit<'a>,
}

impl Connection<'_> {
    /// `await connection.fetchrow(query)`: takes [`QUERY_TIME`] and gives the row.
    ///
    /// # Cancel safety
    ///
    /// Dropping it mid-query drops the query; the connection stays usable.
    pub async fn fetchrow(&self, _query: &str) -> Row {
        corio::sleep(QUERY_TIME).await;
        Row::stand_in()
    }
}
