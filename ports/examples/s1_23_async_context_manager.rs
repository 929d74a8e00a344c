//! Seed s1-23: an async context manager: `__aenter__` and `__aexit__` may await, and
//! `__aexit__` learns whether the body raised.
//!
//! Rust differences: Rust has no `async with` (and no async `Drop`), so the manager is a
//! type with async `enter` and `exit` methods, and `async_with` runs enter, the body and
//! exit in that order, passing the body's error (if any) to `exit`, which then passes it on.

use std::error::Error;
use std::future::Future;
use std::time::Duration;

type BoxError = Box<dyn Error>;

#[derive(Debug)]
struct AsyncContextManager;

impl AsyncContextManager {
    /// `__aenter__`: its result is the `as` target.
    async fn enter(&self) -> String {
        println!("进入上下文管理器");
        corio::sleep(Duration::from_secs(1)).await;
        "进入上下文管理器成功".to_owned()
    }

    /// `__aexit__`: sees the body's error, if any.
    async fn exit(&self, error: Option<&BoxError>) {
        println!("离开上下文管理器");
        corio::sleep(Duration::from_secs(1)).await;
        match error {
            Some(e) => println!("发生异常:{e:?}, {e}"),
            None => println!("没有发生异常"),
        }
    }
}

/// `async with manager as target: body`.
async fn async_with<B, F>(manager: AsyncContextManager, body: B) -> Result<(), BoxError>
where
    B: FnOnce(String) -> F,
    F: Future<Output = Result<(), BoxError>>,
{
    let target = manager.enter().await;
    let outcome = body(target).await;
    manager.exit(outcome.as_ref().err()).await;
    outcome
}

async fn main_task() -> Result<(), BoxError> {
    async_with(AsyncContextManager, |result| async move {
        println!("{result}");
        Ok(())
    })
    .await
}

fn main() -> Result<(), BoxError> {
    corio::run(main_task())?
}
