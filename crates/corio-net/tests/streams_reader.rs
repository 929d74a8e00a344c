//! StreamReader's parsers at every buffer boundary, at the limit, and at end-of-file.

mod common;

use common::{Chunks, run};
use corio_net::{ReadError, StreamReader};

/// What a sequence of reads gives, as comparable strings.
async fn script(mut reader: StreamReader<Chunks>) -> Vec<String> {
    let mut out = Vec::new();
    out.push(format!(
        "{:?}",
        reader.readline().await.map_err(|e| e.to_string())
    ));
    out.push(format!(
        "{:?}",
        reader
            .readuntil(b"\r\n\r\n")
            .await
            .map_err(|e| e.to_string())
    ));
    out.push(format!(
        "{:?}",
        reader.readexactly(3).await.map_err(|e| e.to_string())
    ));
    // `read(n)` returns what is there (at most n), which depends on the chunking: only
    // its being a non-empty prefix is fixed.
    let some = reader.read(2).await.unwrap();
    assert!(!some.is_empty() && some.len() <= 2);
    if some.len() == 1 {
        reader.readexactly(1).await.unwrap();
    }
    out.push(format!(
        "{:?}",
        reader.readuntil(b"--").await.map_err(|e| e.to_string())
    ));
    out.push(format!(
        "{:?}",
        reader.readexactly(10).await.map_err(|e| e.to_string())
    ));
    out.push(format!(
        "{:?}",
        reader.readline().await.map_err(|e| e.to_string())
    ));
    out.push(format!("{}", reader.at_eof()));
    out
}

const MESSAGE: &[u8] = b"first line\nHost: x\r\nA: b\r\n\r\nabcdefpart--tail-end";

#[test]
fn every_single_split_gives_the_unsplit_answers() {
    let whole = run(script(StreamReader::new(Chunks::new(vec![
        MESSAGE.to_vec(),
    ]))));
    assert_eq!(
        whole[0],
        format!("{:?}", Ok::<_, String>(b"first line\n".to_vec()))
    );
    for cut in 0..=MESSAGE.len() {
        let split = run(script(StreamReader::new(Chunks::split(MESSAGE, &[cut]))));
        assert_eq!(split, whole, "split at {cut}");
    }
}

#[test]
fn every_pair_of_splits_gives_the_unsplit_answers() {
    let whole = run(script(StreamReader::new(Chunks::new(vec![
        MESSAGE.to_vec(),
    ]))));
    for a in 0..=MESSAGE.len() {
        for b in a..=MESSAGE.len() {
            let split = run(script(StreamReader::new(Chunks::split(MESSAGE, &[a, b]))));
            assert_eq!(split, whole, "split at {a} and {b}");
        }
    }
}

#[test]
fn byte_by_byte_gives_the_unsplit_answers() {
    let whole = run(script(StreamReader::new(Chunks::new(vec![
        MESSAGE.to_vec(),
    ]))));
    let bytes = MESSAGE.iter().map(|b| vec![*b]).collect();
    assert_eq!(run(script(StreamReader::new(Chunks::new(bytes)))), whole);
}

#[test]
fn a_line_of_exactly_the_limit_is_accepted_one_more_byte_is_not() {
    const LIMIT: usize = 16;
    for extra in [0usize, 1] {
        let mut data = vec![b'x'; LIMIT + extra];
        data.extend_from_slice(b"\nnext\n");
        for cut in 0..=data.len() {
            let chunks = Chunks::split(&data, &[cut]);
            let out = run(async move {
                let mut reader = StreamReader::with_limit(chunks, LIMIT);
                let first = reader.readline().await;
                let second = reader.readline().await.unwrap();
                (first, second)
            });
            match (extra, out) {
                (0, (Ok(line), second)) => {
                    assert_eq!(line.len(), LIMIT + 1, "cut {cut}");
                    assert_eq!(second, b"next\n", "cut {cut}");
                }
                (1, (Err(ReadError::LimitOverrun(e)), second)) => {
                    assert!(e.consumed > LIMIT, "cut {cut}: consumed {}", e.consumed);
                    // asyncio drops the too-long line when its newline was in the buffer,
                    // else the whole buffer (and the rest of the line is read as a line).
                    if second != b"next\n" {
                        assert!(second.iter().all(|&b| b == b'x' || b == b'\n'), "cut {cut}");
                    }
                }
                (extra, other) => panic!("extra {extra}, cut {cut}: {other:?}"),
            }
        }
    }
}

#[test]
fn readuntil_at_the_limit_leaves_the_data_in_the_buffer() {
    run(async {
        let mut reader = StreamReader::with_limit(Chunks::new(vec![b"abcdefgh;rest".to_vec()]), 4);
        match reader.readuntil(b";").await {
            Err(ReadError::LimitOverrun(e)) => {
                assert_eq!(e.consumed, 8);
                assert_eq!(
                    e.message,
                    "Separator is found, but chunk is longer than limit"
                );
            }
            other => panic!("{other:?}"),
        }
        // Nothing was consumed: the data can be read another way.
        assert_eq!(reader.readexactly(9).await.unwrap(), b"abcdefgh;");
    });
}

#[test]
fn readuntil_without_separator_past_the_limit_says_so() {
    run(async {
        let mut reader = StreamReader::with_limit(
            Chunks::new(vec![b"abcdefghij".to_vec(), b"klm".to_vec()]),
            4,
        );
        match reader.readuntil(b";;").await {
            Err(ReadError::LimitOverrun(e)) => {
                assert_eq!(
                    e.message,
                    "Separator is not found, and chunk exceed the limit"
                );
                // asyncio's offset: buflen + 1 - seplen.
                assert_eq!(e.consumed, 9);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(reader.buffer(), b"abcdefghij");
    });
}

#[test]
fn incomplete_reads_carry_the_partial_bytes() {
    run(async {
        let mut reader = StreamReader::new(Chunks::new(vec![b"ab".to_vec(), b"c\r".to_vec()]));
        match reader.readuntil(b"\r\n").await {
            Err(ReadError::Incomplete(e)) => {
                assert_eq!(e.partial, b"abc\r"); // may end with part of the separator
                assert_eq!(e.expected, None);
            }
            other => panic!("{other:?}"),
        }
        assert!(reader.at_eof());

        let mut reader = StreamReader::new(Chunks::new(vec![b"12".to_vec(), b"345".to_vec()]));
        match reader.readexactly(6).await {
            Err(ReadError::Incomplete(e)) => {
                assert_eq!(e.partial, b"12345");
                assert_eq!(e.expected, Some(6));
                assert_eq!(e.to_string(), "5 bytes read on a total of 6 expected bytes");
            }
            other => panic!("{other:?}"),
        }
        assert!(reader.at_eof());
        assert_eq!(reader.readline().await.unwrap(), b"");
        assert_eq!(reader.read(10).await.unwrap(), b"");
    });
}

#[test]
fn readexactly_longer_than_the_limit_works() {
    run(async {
        let data = vec![7u8; 200_000];
        let chunks = data.chunks(10_000).map(<[u8]>::to_vec).collect();
        let mut reader = StreamReader::with_limit(Chunks::new(chunks), 1024);
        assert_eq!(reader.readexactly(200_000).await.unwrap(), data);
    });
}

#[test]
fn empty_separator_is_a_typed_error() {
    run(async {
        let mut reader = StreamReader::new(&b"abc"[..]);
        assert!(matches!(
            reader.readuntil(b"").await,
            Err(ReadError::EmptySeparator)
        ));
    });
}

#[test]
fn lines_as_a_stream() {
    use futures_lite::StreamExt;
    run(async {
        let reader = StreamReader::new(Chunks::new(vec![b"a\nb".to_vec(), b"c\nd".to_vec()]));
        let lines: Vec<_> = reader.map(Result::unwrap).collect().await;
        assert_eq!(lines, [&b"a\n"[..], b"bc\n", b"d"]);
    });
}

#[test]
fn async_bufread_and_read_see_the_buffered_bytes_first() {
    use futures_lite::{AsyncBufReadExt, AsyncReadExt};
    run(async {
        let mut reader = StreamReader::new(Chunks::new(vec![b"head\nbody bytes".to_vec()]));
        assert_eq!(reader.readline().await.unwrap(), b"head\n");
        let mut rest = String::new();
        reader.read_line(&mut rest).await.unwrap();
        assert_eq!(rest, "body bytes");
        let mut more = Vec::new();
        assert_eq!(reader.read_to_end(&mut more).await.unwrap(), 0);
    });
}

/// Lines of many lengths read through chunk sizes around the reader's own buffer sizes
/// (2 KiB minimum read, 8 KiB first buffer, doubling), so lines straddle every
/// compaction and growth of the buffer.
#[test]
fn lines_across_the_internal_buffer_boundaries() {
    let mut data = Vec::new();
    let mut lines = Vec::new();
    let mut seed = 12345u32;
    for _ in 0..400 {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let len = (seed >> 16) as usize % 9000;
        let mut line: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
        line.push(b'\n');
        data.extend_from_slice(&line);
        lines.push(line);
    }
    for chunk in [
        1000, 2047, 2048, 2049, 4096, 8191, 8192, 8193, 16_384, 65_537,
    ] {
        let chunks = data.chunks(chunk).map(<[u8]>::to_vec).collect();
        let expected = lines.clone();
        run(async move {
            let mut reader = StreamReader::with_limit(Chunks::new(chunks), 10_000);
            for (i, line) in expected.iter().enumerate() {
                assert_eq!(
                    &reader.readline().await.unwrap(),
                    line,
                    "chunk {chunk}, line {i}"
                );
            }
            assert_eq!(reader.readline().await.unwrap(), b"");
        });
    }
}

#[test]
fn readuntil_any_takes_the_match_that_ends_first_at_every_split() {
    const DATA: &[u8] = b"a\nbb\r\nccc--dd";
    for cut in 0..=DATA.len() {
        let chunks = Chunks::split(DATA, &[cut]);
        run(async move {
            let mut reader = StreamReader::new(chunks);
            let seps: &[&[u8]] = &[b"--", b"\r\n", b"\n"];
            assert_eq!(
                reader.readuntil_any(seps).await.unwrap(),
                b"a\n",
                "cut {cut}"
            );
            assert_eq!(
                reader.readuntil_any(seps).await.unwrap(),
                b"bb\r\n",
                "cut {cut}"
            );
            assert_eq!(
                reader.readuntil_any(seps).await.unwrap(),
                b"ccc--",
                "cut {cut}"
            );
            let err = reader.readuntil_any(seps).await.unwrap_err();
            assert_eq!(err.partial(), Some(&b"dd"[..]), "cut {cut}");
        });
    }
    run(async {
        let mut reader = StreamReader::new(&b"x"[..]);
        assert!(matches!(
            reader.readuntil_any(&[]).await,
            Err(ReadError::EmptySeparator)
        ));
        assert!(matches!(
            reader.readuntil_any(&[b"a", b""]).await,
            Err(ReadError::EmptySeparator)
        ));
    });
}

/// A stream that always has bytes and counts its reads (each one a syscall on a socket).
struct Endless {
    reads: std::rc::Rc<std::cell::Cell<usize>>,
}

impl futures_io::AsyncRead for Endless {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &mut [u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        self.reads.set(self.reads.get() + 1);
        buf.fill(b'x');
        std::task::Poll::Ready(Ok(buf.len()))
    }
}

#[test]
fn a_bulk_read_costs_one_read_of_the_stream() {
    run(async {
        let reads = std::rc::Rc::new(std::cell::Cell::new(0));
        let mut reader = StreamReader::new(Endless {
            reads: reads.clone(),
        });
        // The first bytes of a connection come through a small read (no buffer before).
        assert!(!reader.read(65536).await.unwrap().is_empty());
        reader.read(65536).await.unwrap(); // whatever that first buffer held
        let before = reads.get();
        assert_eq!(reader.read(65536).await.unwrap().len(), 65536);
        assert_eq!(reads.get() - before, 1, "one read for 64 KiB");
        // Bounded by the limit: a larger request takes the limit's worth at most.
        assert_eq!(reader.read(1 << 20).await.unwrap().len(), 64 * 1024);
        // A small request after that is served from what one read brought.
        let before = reads.get();
        assert_eq!(reader.read(10).await.unwrap().len(), 10);
        assert_eq!(reader.read(100).await.unwrap().len(), 100);
        assert_eq!(reads.get() - before, 1);
    });
}

#[test]
fn a_bulk_read_respects_a_small_limit_as_8_kib() {
    run(async {
        let reads = std::rc::Rc::new(std::cell::Cell::new(0));
        let mut reader = StreamReader::with_limit(
            Endless {
                reads: reads.clone(),
            },
            16,
        );
        reader.read(1).await.unwrap();
        reader.read(1 << 20).await.unwrap();
        assert_eq!(reader.read(1 << 20).await.unwrap().len(), 8 * 1024);
    });
}
