//! Property test: bytes split at random points give the same lines and records as the
//! unsplit bytes.

mod common;

use common::{Chunks, run};
use corio_net::{ReadError, StreamReader};
use proptest::prelude::*;

fn outcome<T: AsRef<[u8]>>(r: &Result<T, ReadError>) -> Result<Vec<u8>, String> {
    match r {
        Ok(v) => Ok(v.as_ref().to_vec()),
        Err(ReadError::LimitOverrun(e)) => Err(format!("overrun {}", e.message)),
        Err(e) => Err(e.to_string()),
    }
}

/// Every line, by readline, until EOF; the reader's limit is large enough for all.
async fn lines(mut reader: StreamReader<Chunks>) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line = reader.readline().await.unwrap();
        if line.is_empty() {
            return out;
        }
        out.push(line);
    }
}

/// A mixed script of readuntil/readexactly/read with a small limit.
async fn mixed(mut reader: StreamReader<Chunks>) -> Vec<Result<Vec<u8>, String>> {
    let mut out = Vec::new();
    for round in 0..12 {
        let r = match round % 4 {
            0 => outcome(&reader.readuntil(b"ab").await),
            1 => outcome(&reader.readexactly(3).await),
            2 => outcome(&reader.readline().await),
            _ => outcome(&reader.readuntil(b"\n").await),
        };
        let stop = r.as_ref().is_err_and(|e| e.starts_with("overrun"));
        out.push(r);
        if stop {
            break; // what the buffer holds after an overrun depends on the chunking
        }
    }
    out
}

fn cuts(len: usize, raw: Vec<usize>) -> Vec<usize> {
    let mut cuts: Vec<usize> = raw.into_iter().map(|c| c % (len + 1)).collect();
    cuts.sort_unstable();
    cuts
}

proptest! {
    #[test]
    fn split_bytes_give_the_same_lines(
        data in proptest::collection::vec(prop_oneof![Just(b'\n'), Just(b'a'), Just(b'b'), any::<u8>()], 0..400),
        raw_cuts in proptest::collection::vec(any::<usize>(), 0..20),
    ) {
        let cuts = cuts(data.len(), raw_cuts);
        let whole = run(lines(StreamReader::new(Chunks::new(vec![data.clone()]))));
        let split = run(lines(StreamReader::new(Chunks::split(&data, &cuts))));
        // And both agree with a plain split on newlines.
        let expected: Vec<Vec<u8>> = data
            .split_inclusive(|&b| b == b'\n')
            .map(<[u8]>::to_vec)
            .collect();
        prop_assert_eq!(&whole, &expected);
        prop_assert_eq!(split, expected);
    }

    #[test]
    fn split_bytes_give_the_same_records(
        data in proptest::collection::vec(prop_oneof![Just(b'\n'), Just(b'a'), Just(b'b'), Just(b'c')], 0..200),
        raw_cuts in proptest::collection::vec(any::<usize>(), 0..20),
    ) {
        let cuts = cuts(data.len(), raw_cuts);
        let whole = run(mixed(StreamReader::with_limit(Chunks::new(vec![data.clone()]), 1000)));
        let split = run(mixed(StreamReader::with_limit(Chunks::split(&data, &cuts), 1000)));
        prop_assert_eq!(split, whole);
    }
}
