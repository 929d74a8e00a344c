//! Row 7: memory per parked task (see `crate::memory` for the child process).

use crate::measure::{Case, Contender, Metric, Repeat, Sample, Unit};
use crate::memory::{Variant, measure};

pub(crate) fn cases() -> Vec<Case> {
    vec![
        Case {
            metrics: vec![Metric {
                id: "mem_event",
                title: "memory: 1M tasks parked on an event",
                unit: Unit::BytesPerTask,
            }],
            corio: Contender {
                label: "corio_sync::Event",
                bench: || vec![Sample::plain(measure(Variant::Event, "corio"))],
            },
            tokio: Some(Contender {
                label: "tokio::sync::Notify",
                bench: || vec![Sample::plain(measure(Variant::Event, "tokio"))],
            }),
            smol: Some(Contender {
                label: "event_listener::Event",
                bench: || vec![Sample::plain(measure(Variant::Event, "smol"))],
            }),
            repeat: Repeat::Memory,
            note: "In a fresh child process per runtime: peak RSS (VmHWM) after 1,000,000 spawned tasks have each been polled once and parked on an event that is never set, minus VmHWM once the runtime exists, divided by 1M. Includes the task, its future, the waiter node and the run queue's share at its peak; handles are dropped (detached). The event is each family's own: corio_sync::Event, tokio::sync::Notify, event_listener::Event (smol's building block). glibc malloc for all.",
        },
        Case {
            metrics: vec![Metric {
                id: "mem_pending",
                title: "memory: 1M tasks parked on pending()",
                unit: Unit::BytesPerTask,
            }],
            corio: Contender {
                label: "corio",
                bench: || vec![Sample::plain(measure(Variant::Pending, "corio"))],
            },
            tokio: Some(Contender {
                label: "tokio",
                bench: || vec![Sample::plain(measure(Variant::Pending, "tokio"))],
            }),
            smol: Some(Contender {
                label: "smol",
                bench: || vec![Sample::plain(measure(Variant::Pending, "smol"))],
            }),
            repeat: Repeat::Memory,
            note: "As the event row, but each task awaits `std::future::pending()`: the cost of a parked task alone.",
        },
    ]
}
