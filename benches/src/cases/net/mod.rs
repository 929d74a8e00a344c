//! The network rows: TCP echo, HTTP/1.1 plaintext under wrk (hyper and a hand-written
//! server on each runtime), and memory per idle connection.

mod echo;
mod http;
mod idle;

use crate::measure::Case;

pub(crate) use idle::{IDLE_CHILD_FLAG, idle_child_main};

pub(crate) fn cases() -> Vec<Case> {
    let mut all = vec![echo::case()];
    all.extend(http::cases());
    all.push(idle::case());
    all
}
