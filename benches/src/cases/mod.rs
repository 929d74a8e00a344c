//! Every case, in the order of the table.

mod channels;
mod combinators;
mod locks;
mod memory;
mod process;
mod tasks;
mod timers;

use crate::measure::Case;

pub(crate) fn all() -> Vec<Case> {
    let mut all = tasks::cases();
    all.extend(timers::cases());
    all.extend(memory::cases());
    all.extend(channels::cases());
    all.extend(locks::cases());
    all.extend(combinators::cases());
    all.extend(process::cases());
    all
}
