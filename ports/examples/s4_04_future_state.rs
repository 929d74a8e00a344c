//! Seed s4-04: a future's state before and after `set_result`, seen from the `call_soon`
//! callback that sets it; `run_until_complete(future)` returns the result, which stays
//! readable after the loop is closed.
//!
//! asyncio -> corio: `asyncio.Future()` -> `SettableFuture::new()`; its repr is its
//! `Debug` form (`Future { state: "pending" }`, no callback list).

use std::error::Error;

use corio::SettableFuture;

fn call_back(future: &SettableFuture<String>, result: &str) {
    println!("此时future的状态:{future:?}");
    println!("设置future的结果:{result}");
    if let Err(e) = future.set_result(result.to_owned()) {
        eprintln!("set_result failed: {e}");
    }
    println!("此时future的状态:{future:?}");
}

fn main() -> Result<(), Box<dyn Error>> {
    let lp = corio::get_event_loop()?;
    let future = SettableFuture::<String>::new();
    let target = future.clone();
    lp.call_soon(move || call_back(&target, "Future is done!"))?;
    println!("进入事件循环");
    let outcome = lp.run_until_complete(future.clone());
    if let Ok(Ok(result)) = &outcome {
        println!("返回的结果:{result}");
    }
    lp.close()?;
    outcome??;
    println!("获取future的结果{}", future.result()?);
    Ok(())
}
