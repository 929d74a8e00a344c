//! Every case, in the order of the table.

mod blocking;
mod bridge;
mod channels;
mod combinators;
mod locks;
mod memory;
mod net;
mod process;
mod tasks;
mod timers;

use crate::measure::Case;

pub(crate) use net::{IDLE_CHILD_FLAG, idle_child_main};

pub(crate) fn all() -> Vec<Case> {
    let mut all = tasks::cases();
    all.extend(timers::cases());
    all.extend(memory::cases());
    all.extend(channels::cases());
    all.extend(locks::cases());
    all.extend(blocking::cases());
    all.extend(bridge::cases());
    all.extend(net::cases());
    all.extend(combinators::cases());
    all.extend(process::cases());
    all
}

/// Must run first in `main`: see `blocking::init_process_workers`.
pub(crate) fn init_process_workers() {
    blocking::init_process_workers();
}
