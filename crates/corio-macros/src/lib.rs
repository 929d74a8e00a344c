//! `#[corio::main]` and `#[corio::test]`: run an `async fn` on a corio event loop.
//!
//! They are the Rust form of asyncio's entry point, `asyncio.run(main())` under
//! `if __name__ == "__main__":`. The function's body becomes the main task of a new loop,
//! run to completion by [`corio::run`](https://docs.rs/corio/latest/corio/fn.run.html)'s
//! rules: tasks still pending at the end are cancelled, and the loop is closed.
//!
//! Use them through the facade (`corio = { features = ["macros"] }`, also in `full`), which
//! re-exports them as `corio::main` and `corio::test` and documents them with runnable
//! examples. The expansion names the facade as `::corio`; `crate = "path"` changes that.
//!
//! # When not to use it
//!
//! When the program builds its loop itself (several loops, a loop per thread, a loop kept
//! after the main future ends), call `EventLoop::run_until_complete` instead.
//!
//! # Feature flags
//!
//! This crate has no feature flags.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

mod expand;
mod options;

use proc_macro::TokenStream;

use expand::{Kind, expand};

/// Runs an `async fn` on a new corio event loop (asyncio's `asyncio.run(main())`).
///
/// Options: `virtual_time`, `debug`, `crate = "path"`. See the facade's `corio::main`.
#[proc_macro_attribute]
pub fn main(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand(Kind::Main, attr.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Runs an `async fn` test on a new corio event loop: `#[test]` plus what `main` does.
///
/// Options: `virtual_time`, `debug`, `crate = "path"`. See the facade's `corio::test`.
#[proc_macro_attribute]
pub fn test(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand(Kind::Test, attr.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
