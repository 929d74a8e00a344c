//! asyncio's transports and protocols: callbacks per chunk, in asyncio's order.

use std::error::Error;

use super::section;

#[cfg(feature = "net")]
pub(crate) fn run() -> Result<(), Box<dyn Error>> {
    use std::cell::RefCell;
    use std::io;
    use std::rc::Rc;

    use corio::net::protocol::{
        BaseProtocol, Protocol, Transport, create_connection, create_server,
    };
    use corio::sync::Event;

    /// The server side: echo every chunk back.
    #[derive(Default)]
    struct Echo(Option<Transport>);
    impl BaseProtocol for Echo {
        fn connection_made(&mut self, transport: Transport) {
            self.0 = Some(transport);
        }
    }
    impl Protocol for Echo {
        fn data_received(&mut self, data: &[u8]) {
            if let Some(t) = &self.0 {
                let _ = t.write(data); // fails only once the peer is gone
            }
        }
    }

    /// The client side: logs its callbacks, closes after the echo, says when it is lost.
    struct Client {
        transport: Option<Transport>,
        log: Rc<RefCell<Vec<String>>>,
        lost: Rc<Event>,
    }
    impl BaseProtocol for Client {
        fn connection_made(&mut self, transport: Transport) {
            self.log.borrow_mut().push("connection_made".into());
            self.transport = Some(transport);
        }
        fn connection_lost(&mut self, error: Option<io::Error>) {
            self.log
                .borrow_mut()
                .push(format!("connection_lost({error:?})"));
            self.lost.set();
        }
    }
    impl Protocol for Client {
        fn data_received(&mut self, data: &[u8]) {
            let text = String::from_utf8_lossy(data);
            self.log
                .borrow_mut()
                .push(format!("data_received({text:?})"));
            if let Some(t) = &self.transport {
                t.close();
            }
        }
    }

    section("transports and protocols: create_server, create_connection");
    corio::run(async {
        let server = create_server(Echo::default, "127.0.0.1:0").await?;
        let log = Rc::new(RefCell::new(Vec::new()));
        let lost = Rc::new(Event::new());
        let (transport, _client) = {
            let (log, lost) = (log.clone(), lost.clone());
            create_connection(
                move || Client {
                    transport: None,
                    log: log.clone(),
                    lost: lost.clone(),
                },
                server.local_addr()?,
            )
            .await?
        };
        transport.write(b"ping")?;
        lost.wait().await;
        println!("  the client protocol's callbacks: {:?}", log.borrow());
        println!("  (asyncio: connection_made, data_received(b'ping'), connection_lost(None))");
        server.close();
        Ok::<(), Box<dyn Error>>(())
    })??;
    Ok(())
}

#[cfg(not(feature = "net"))]
pub(crate) fn run() -> Result<(), Box<dyn Error>> {
    section("transports and protocols: create_server, create_connection");
    println!("  (needs the `net` feature: cargo run --example tour --features full)");
    Ok(())
}
