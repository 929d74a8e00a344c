//! Pipe transports leave no descriptor behind: a thousand read and write pipes, ended by
//! their peers or closed by their transports.
//!
//! One test per file: it counts `/proc/self/fd`, which other tests running in parallel
//! threads of the same process would disturb.

mod common;

use std::cell::Cell;
use std::io::{self, Write};
use std::rc::Rc;

use common::{open_fds, run, until};
use corio_net::protocol::{BaseProtocol, Protocol, connect_read_pipe, connect_write_pipe};

/// Counts `connection_lost` calls.
#[derive(Debug)]
struct Lost(Rc<Cell<usize>>);

impl BaseProtocol for Lost {
    fn connection_lost(&mut self, _: Option<io::Error>) {
        self.0.set(self.0.get() + 1);
    }
}

impl Protocol for Lost {
    fn data_received(&mut self, _: &[u8]) {}
}

#[test]
fn a_thousand_pipes_leave_no_fd_behind() {
    let before = open_fds();
    run(async {
        let lost = Rc::new(Cell::new(0));
        for i in 0..500 {
            // A read pipe ended by its writer.
            let (r, mut w) = io::pipe().unwrap();
            let (_t, _) = connect_read_pipe(|| Lost(lost.clone()), r).await.unwrap();
            w.write_all(b"x").unwrap();
            drop(w);
            // A write pipe closed by its transport, its reader dropped after.
            let (r, w) = io::pipe().unwrap();
            let (t, _) = connect_write_pipe(|| Lost(lost.clone()), w).await.unwrap();
            t.write(b"y").unwrap();
            t.close();
            until(|| lost.get() == 2 * (i + 1)).await;
            drop(r);
        }
        // A regular file refused is closed too.
        for _ in 0..100 {
            let file = std::fs::File::open(env!("CARGO_MANIFEST_PATH")).unwrap();
            assert!(
                connect_read_pipe(|| Lost(lost.clone()), file)
                    .await
                    .is_err()
            );
        }
    });
    assert_eq!(open_fds(), before);
}
