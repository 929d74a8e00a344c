//! Child processes with pipes (`create_subprocess_exec`, `communicate`) and a signal handler
//! on the loop (`add_signal_handler`).

use std::error::Error;

use super::section;

#[cfg(feature = "process")]
pub(crate) fn run() -> Result<(), Box<dyn Error>> {
    use std::cell::Cell;
    use std::rc::Rc;

    use corio::process::{Signal, SignalHandlers, Stdio, create_subprocess_exec, kill};
    use corio::sync::Event;

    section("subprocesses and signals: create_subprocess_exec, add_signal_handler");
    corio::run(async {
        let mut echo = create_subprocess_exec("echo", ["hello from a child process"])
            .stdout(Stdio::piped())
            .await?;
        let out = echo.communicate(None).await?;
        println!(
            "  echo -> {:?}, returncode {:?}",
            String::from_utf8_lossy(&out.stdout),
            echo.returncode()
        );

        let mut cat = create_subprocess_exec("cat", Vec::<&str>::new())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .await?;
        let out = cat.communicate(Some(b"piped through cat\n")).await?;
        println!(
            "  cat with communicate(input) -> {:?}, returncode {:?}",
            String::from_utf8_lossy(&out.stdout),
            cat.returncode()
        );

        // The callback runs on the loop, in its order, not inside the OS's handler.
        let lp = corio::get_running_loop()?;
        let got = Rc::new(Event::new());
        let count = Rc::new(Cell::new(0));
        {
            let (got, count) = (got.clone(), count.clone());
            lp.add_signal_handler(Signal::USR1, move || {
                count.set(count.get() + 1);
                got.set();
            })?;
        }
        kill(std::process::id(), Signal::USR1)?;
        got.wait().await;
        println!(
            "  SIGUSR1 sent to ourselves: the loop's handler ran {} time",
            count.get()
        );
        lp.remove_signal_handler(Signal::USR1);
        Ok::<(), Box<dyn Error>>(())
    })??;
    Ok(())
}

#[cfg(not(feature = "process"))]
pub(crate) fn run() -> Result<(), Box<dyn Error>> {
    section("subprocesses and signals: create_subprocess_exec, add_signal_handler");
    println!("  (needs the `process` feature: cargo run --example tour --features full)");
    Ok(())
}
