//! Connecting to every address a host resolves to: in turn, or raced with asyncio's happy
//! eyeballs (RFC 8305: `happy_eyeballs_delay` and `interleave`).

use std::future::{Future, poll_fn};
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;

use crate::resolve::{ToSocketAddrs, resolve};
use crate::socket::try_each;
use crate::{ConnectOptions, TcpStream};

/// Connects as `options` say: each address in turn (asyncio's default), or, with a
/// `happy_eyeballs_delay`, a staggered race of the addresses in interleaved order.
pub(crate) async fn connect_with(
    addr: &(impl ToSocketAddrs + ?Sized),
    options: &ConnectOptions,
) -> io::Result<TcpStream> {
    let (timeout, local) = (options.timeout, options.local_addr);
    // asyncio: a delay without `interleave` interleaves one address of the first family.
    let interleave = options
        .interleave
        .or(options.happy_eyeballs_delay.map(|_| 1));
    let Some(count) = interleave else {
        return TcpStream::connect_inner(addr, timeout, local).await;
    };
    let mut addrs = resolve(addr).await?;
    if let Some(local) = local {
        addrs.retain(|a| a.is_ipv4() == local.is_ipv4());
    }
    let addrs = interleave_families(addrs, count);
    let attempt =
        move |a: SocketAddr| async move { TcpStream::connect_inner(&a, timeout, local).await };
    match options.happy_eyeballs_delay {
        Some(delay) => staggered_race(addrs, delay, attempt).await,
        None => try_each(addrs, attempt).await,
    }
}

/// asyncio's `_interleave_addrinfos`: addresses grouped by family in the order the families
/// first appear, then `first_family_count - 1` of the first family, then one of each family
/// in turn.
pub(crate) fn interleave_families(
    addrs: Vec<SocketAddr>,
    first_family_count: usize,
) -> Vec<SocketAddr> {
    let Some(first_v6) = addrs.first().map(SocketAddr::is_ipv6) else {
        return addrs;
    };
    let (first, other): (Vec<_>, Vec<_>) = addrs.into_iter().partition(|a| a.is_ipv6() == first_v6);
    let lead = first_family_count.saturating_sub(1).min(first.len());
    let mut out = first[..lead].to_vec();
    let (rest, mut other) = (first[lead..].iter(), other.into_iter());
    for a in rest {
        out.push(*a);
        out.extend(other.next());
    }
    out.extend(other);
    out
}

/// asyncio's `staggered_race`: starts the first attempt; starts the next one when the
/// latest has not connected after `delay`, or at once when an attempt fails. The first
/// connection wins; the attempts still running are dropped, which closes their sockets
/// (a connection made in the same turn included). All failed: the errors, combined.
async fn staggered_race<F, Fut>(
    addrs: Vec<SocketAddr>,
    delay: Duration,
    attempt: F,
) -> io::Result<TcpStream>
where
    F: Fn(SocketAddr) -> Fut,
    Fut: Future<Output = io::Result<TcpStream>>,
{
    let mut pending = addrs.into_iter();
    let mut running: Vec<Pin<Box<Fut>>> = Vec::new();
    let mut errors: Vec<io::Error> = Vec::new();
    let mut timer: Option<Pin<Box<corio_runtime::Sleep>>> = None;
    poll_fn(|cx| {
        loop {
            let mut start_next = running.is_empty();
            let mut i = 0;
            while i < running.len() {
                match running[i].as_mut().poll(cx) {
                    Poll::Ready(Ok(stream)) => {
                        running.clear();
                        return Poll::Ready(Ok(stream));
                    }
                    Poll::Ready(Err(e)) => {
                        errors.push(e);
                        drop(running.swap_remove(i));
                        start_next = true;
                    }
                    Poll::Pending => i += 1,
                }
            }
            if timer
                .as_mut()
                .is_some_and(|t| t.as_mut().poll(cx).is_ready())
            {
                timer = None;
                start_next = true;
            }
            if start_next && let Some(addr) = pending.next() {
                running.push(Box::pin(attempt(addr)));
                timer = Some(Box::pin(corio_runtime::sleep(delay)));
                continue; // poll the new attempt and arm its timer
            }
            if running.is_empty() {
                return Poll::Ready(Err(combine(std::mem::take(&mut errors))));
            }
            return Poll::Pending;
        }
    })
    .await
}

/// One error for all the attempts: the only one, or asyncio's "Multiple exceptions" with
/// the first one's kind.
fn combine(mut errors: Vec<io::Error>) -> io::Error {
    match errors.len() {
        0 => io::Error::new(
            io::ErrorKind::InvalidInput,
            "could not resolve to any address",
        ),
        1 => errors.remove(0),
        _ => {
            let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
            if text.iter().all(|t| *t == text[0]) {
                return errors.remove(0);
            }
            io::Error::new(
                errors[0].kind(),
                format!("Multiple exceptions: {}", text.join(", ")),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::interleave_families;
    use std::net::SocketAddr;

    fn addrs(list: &[&str]) -> Vec<SocketAddr> {
        list.iter().map(|a| a.parse().unwrap()).collect()
    }

    #[test]
    fn interleaves_as_asyncio() {
        let input = addrs(&["[::1]:1", "[::2]:1", "[::3]:1", "1.0.0.1:1", "1.0.0.2:1"]);
        assert_eq!(
            interleave_families(input.clone(), 1),
            addrs(&["[::1]:1", "1.0.0.1:1", "[::2]:1", "1.0.0.2:1", "[::3]:1"])
        );
        assert_eq!(
            interleave_families(input.clone(), 2),
            addrs(&["[::1]:1", "[::2]:1", "1.0.0.1:1", "[::3]:1", "1.0.0.2:1"])
        );
        assert_eq!(interleave_families(input.clone(), 9)[..3], input[..3]);
        let v4_first = addrs(&["1.0.0.1:1", "1.0.0.2:1", "1.0.0.3:1", "[::1]:1"]);
        assert_eq!(
            interleave_families(v4_first, 0),
            addrs(&["1.0.0.1:1", "[::1]:1", "1.0.0.2:1", "1.0.0.3:1"])
        );
        assert!(interleave_families(Vec::new(), 1).is_empty());
    }
}
