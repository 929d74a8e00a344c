//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_io::AsyncRead;

/// An `AsyncRead` that hands out the given chunks one per read, returning `Pending`
/// (and waking itself) before each chunk, so every chunk boundary is a wait in the reader.
pub struct Chunks {
    chunks: VecDeque<Vec<u8>>,
    pending_next: bool,
}

impl Chunks {
    pub fn new(chunks: Vec<Vec<u8>>) -> Chunks {
        Chunks {
            chunks: chunks.into_iter().filter(|c| !c.is_empty()).collect(),
            pending_next: true,
        }
    }

    /// `data` split at the given sorted offsets.
    pub fn split(data: &[u8], cuts: &[usize]) -> Chunks {
        let mut chunks = Vec::new();
        let mut last = 0;
        for &cut in cuts {
            chunks.push(data[last..cut].to_vec());
            last = cut;
        }
        chunks.push(data[last..].to_vec());
        Chunks::new(chunks)
    }
}

impl AsyncRead for Chunks {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        if self.pending_next {
            self.pending_next = false;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.pending_next = true;
        let Some(mut chunk) = self.chunks.pop_front() else {
            return Poll::Ready(Ok(0));
        };
        let n = chunk.len().min(buf.len());
        buf[..n].copy_from_slice(&chunk[..n]);
        if n < chunk.len() {
            chunk.drain(..n);
            self.chunks.push_front(chunk);
        }
        Poll::Ready(Ok(n))
    }
}

/// Runs `f` on a fresh corio loop.
pub fn run<F: std::future::Future + 'static>(f: F) -> F::Output
where
    F::Output: 'static,
{
    corio_runtime::run(f).expect("the loop runs")
}

/// Waits (on the loop) until `cond` holds; fails the test after 10 s.
pub async fn until(mut cond: impl FnMut() -> bool) {
    for _ in 0..10_000 {
        if cond() {
            return;
        }
        corio_runtime::sleep(std::time::Duration::from_millis(1)).await;
    }
    panic!("condition not met within 10 s");
}

/// The number of open descriptors of this process.
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count())
        .unwrap_or(0)
}

/// A server and a client TLS configuration for "localhost", with a certificate made now.
#[cfg(feature = "tls")]
pub fn tls_configs() -> (
    std::sync::Arc<corio_net::tls::rustls::ServerConfig>,
    std::sync::Arc<corio_net::tls::rustls::ClientConfig>,
) {
    use corio_net::tls::rustls;
    use std::sync::Arc;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.signing_key.serialize_der().into());
    let server = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.cert.der().clone()], key)
        .unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert.cert.der().clone()).unwrap();
    let client = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    (Arc::new(server), Arc::new(client))
}
