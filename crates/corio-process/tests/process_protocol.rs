//! `loop.subprocess_exec` / `subprocess_shell` with a `SubprocessProtocol`: the order of the
//! protocol's calls, stdin through the transport, and `close`.

use std::cell::RefCell;
use std::rc::Rc;

use corio_process::{SubprocessLoopExt, SubprocessProtocol, SubprocessTransport};
use corio_runtime::{SettableFuture, get_running_loop, run};

struct Recorder {
    log: Rc<RefCell<Vec<String>>>,
    out: Vec<u8>,
    err: Vec<u8>,
    done: SettableFuture<()>,
}

impl SubprocessProtocol for Recorder {
    fn connection_made(&mut self, transport: &SubprocessTransport) {
        assert!(transport.get_pid() > 0);
        self.log.borrow_mut().push("connection_made".into());
    }
    fn pipe_data_received(&mut self, fd: i32, data: &[u8]) {
        match fd {
            1 => self.out.extend_from_slice(data),
            2 => self.err.extend_from_slice(data),
            _ => panic!("data on fd {fd}"),
        }
    }
    fn pipe_connection_lost(&mut self, fd: i32, error: Option<std::io::Error>) {
        assert!(error.is_none(), "{error:?}");
        self.log
            .borrow_mut()
            .push(format!("pipe_connection_lost({fd})"));
    }
    fn process_exited(&mut self) {
        self.log.borrow_mut().push("process_exited".into());
    }
    fn connection_lost(&mut self, error: Option<std::io::Error>) {
        assert!(error.is_none());
        self.log.borrow_mut().push("connection_lost".into());
        self.done.set_result(()).unwrap();
    }
}

fn recorder(log: &Rc<RefCell<Vec<String>>>) -> (SettableFuture<()>, impl FnOnce() -> Recorder) {
    let done = SettableFuture::new();
    let (d, l) = (done.clone(), log.clone());
    (done, move || Recorder {
        log: l,
        out: Vec::new(),
        err: Vec::new(),
        done: d,
    })
}

#[test]
fn the_protocol_sees_data_then_pipe_losses_exit_and_connection_lost_last() {
    run(async {
        let lp = get_running_loop().unwrap();
        let log = Rc::new(RefCell::new(Vec::new()));
        let (done, factory) = recorder(&log);
        let (transport, protocol) = lp
            .subprocess_shell(factory, "cat; echo to-err >&2; exit 3")
            .unwrap();
        let big = vec![b'z'; 1 << 20];
        transport.write(b"hello ").unwrap();
        transport.write(&big).unwrap();
        transport.write_eof();
        assert!(transport.write(b"late").is_err());
        done.await.unwrap();
        let p = protocol.borrow();
        assert_eq!(p.out.len(), 6 + big.len());
        assert!(p.out.starts_with(b"hello zzz"));
        assert_eq!(p.err, b"to-err\n");
        assert_eq!(transport.get_returncode(), Some(3));
        let log = log.borrow();
        assert_eq!(log.first().unwrap(), "connection_made");
        assert_eq!(log.last().unwrap(), "connection_lost");
        for event in [
            "pipe_connection_lost(0)",
            "pipe_connection_lost(1)",
            "pipe_connection_lost(2)",
            "process_exited",
        ] {
            assert_eq!(log.iter().filter(|e| *e == event).count(), 1, "{log:?}");
        }
    })
    .unwrap();
}

#[test]
fn close_kills_a_running_child_and_the_protocol_still_ends() {
    run(async {
        let lp = get_running_loop().unwrap();
        let log = Rc::new(RefCell::new(Vec::new()));
        let (done, factory) = recorder(&log);
        let (transport, _protocol) = lp.subprocess_exec(factory, "sleep", ["60"]).unwrap();
        transport.close();
        done.await.unwrap();
        assert_eq!(transport.get_returncode(), Some(-9));
        assert_eq!(log.borrow().last().unwrap(), "connection_lost");
    })
    .unwrap();
}

#[test]
fn a_child_that_exits_with_its_stdin_open_still_ends_the_protocol() {
    run(async {
        let lp = get_running_loop().unwrap();
        let log = Rc::new(RefCell::new(Vec::new()));
        let (done, factory) = recorder(&log);
        // stdin is piped but never written to or closed by us.
        let (transport, protocol) = lp.subprocess_shell(factory, "echo bye").unwrap();
        done.await.unwrap();
        assert_eq!(protocol.borrow().out, b"bye\n");
        assert_eq!(transport.get_returncode(), Some(0));
        assert!(
            log.borrow()
                .contains(&"pipe_connection_lost(0)".to_string())
        );
    })
    .unwrap();
}
