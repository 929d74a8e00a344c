//! The rules of the seed folder's `compare.py`: when a port's output matches its golden.
//!
//!  * both texts go through [`normalize`], and single quotes become double quotes, so Python's
//!    `('a', 'b')` and Rust's `("a", "b")` read the same;
//!  * a golden line that shows a Python object repr (`<Task ...>`, `<Future ...>`, `<function ...>`,
//!    ...) only fixes the text before the repr: the port's line must start with that text;
//!  * Python's `RuntimeWarning: coroutine ... was never awaited` blocks are dropped: Rust reports an
//!    unawaited future at compile time (`#[must_use]`), not at run time;
//!  * a traceback (chained ones included) stands for one uncaught error: the port prints one or more
//!    lines of its own there, one of which names the exception's class or contains its message;
//!  * the order of lines counts, except for `sorted` programs (same lines in any order) and
//!    `run-only` ones (only the exit status counts);
//!  * the exit status must be the manifest's.

use super::manifest::{Mode, Program};
use super::normalize::{is_located_warning, is_space, normalize};

/// What one golden line asks of the port's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Expect {
    /// This exact line.
    Exact(String),
    /// A line starting with this text (the golden line went on with a Python repr).
    Prefix(String),
    /// An error line: within the next 10 lines, one containing one of these lowercase keywords
    /// (the exception's class name, its message).
    Error(Vec<String>),
}

impl Expect {
    /// What is wanted, as Python's `repr()` prints the expectation's value.
    fn wanted(&self) -> String {
        match self {
            Self::Exact(text) | Self::Prefix(text) => py_repr(text),
            Self::Error(keywords) => py_list(keywords),
        }
    }
}

/// The repr openings after which a golden line fixes nothing.
const REPRS: [&str; 9] = [
    "Task",
    "Future",
    "_GatheringFuture",
    "coroutine object",
    "function",
    "class",
    "bound method",
    "built-in",
    "aiohttp.",
];

/// The lines that join chained tracebacks.
const CHAIN: [&str; 2] = [
    "During handling of the above exception",
    "The above exception was the direct cause",
];

const TRACEBACK: &str = "Traceback (most recent call last):";

/// A port's own traceback header, which the comparison skips (as it skips `  <FRAMES>`).
const PORT_TRACEBACK: &str = "Traceback (most recent call last)";

/// Checks a port's output and exit status against the program's golden.
///
/// # Errors
///
/// The first difference, worded as `compare.py` words it.
pub(crate) fn compare(
    program: &Program,
    golden: &str,
    port_output: &str,
    status: i32,
) -> Result<(), String> {
    if status != program.code {
        return Err(format!("exit status {status}, wanted {}", program.code));
    }
    if program.mode == Mode::RunOnly {
        return Ok(());
    }
    let expected = expectations(&drop_warnings(prepare(golden)));
    let port: Vec<String> = drop_warnings(prepare(port_output))
        .into_iter()
        .filter(|line| line != "  <FRAMES>" && !line.starts_with(PORT_TRACEBACK))
        .collect();
    match program.mode {
        Mode::Sorted => matches_sorted(&expected, &port),
        Mode::Exact | Mode::RunOnly => matches_in_order(&expected, &port),
    }
}

/// Decodes output as Python's text mode reads it: invalid UTF-8 replaced, `\r\n` and `\r` read as
/// `\n` (universal newlines).
pub(crate) fn decode(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .replace("\r\n", "\n")
        .replace('\r', "\n")
}

/// Splits into lines (a final newline ends the last line), normalizes, and reads `'` as `"`.
fn prepare(text: &str) -> Vec<String> {
    if text.trim_matches(is_space).is_empty() {
        return Vec::new();
    }
    let mut lines: Vec<&str> = text.split('\n').collect();
    if lines.last() == Some(&"") {
        lines.pop();
    }
    normalize(&lines)
        .into_iter()
        .map(|line| line.replace('\'', "\""))
        .collect()
}

/// Drops Python's never-awaited warnings (the located warning line, the indented source line
/// under it, and the tracemalloc hint), which a Rust port reports at compile time instead.
fn drop_warnings(lines: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        if is_located_warning(&lines[i], "RuntimeWarning", true) {
            let source_follows = lines.get(i + 1).is_some_and(|next| next.starts_with(' '));
            i += if source_follows { 2 } else { 1 };
        } else {
            if !lines[i].starts_with("RuntimeWarning: Enable tracemalloc") {
                out.push(lines[i].clone());
            }
            i += 1;
        }
    }
    out
}

/// Turns golden lines into expectations; a traceback, chained ones included, becomes one
/// [`Expect::Error`] with the keywords of its last exception.
pub(crate) fn expectations(golden: &[String]) -> Vec<Expect> {
    let mut out = Vec::new();
    let n = golden.len();
    let mut i = 0;
    while i < n {
        let line = &golden[i];
        if line.starts_with(TRACEBACK) {
            let mut keywords;
            loop {
                let mut j = i + 1;
                while j < n && golden[j].starts_with(' ') {
                    j += 1;
                }
                keywords = error_keywords(golden.get(j).map_or("", String::as_str));
                i = j + 1;
                let mut k = i;
                while k < n && golden[k].is_empty() {
                    k += 1;
                }
                if k < n && CHAIN.iter().any(|chain| golden[k].starts_with(chain)) {
                    k += 1;
                    while k < n && golden[k].is_empty() {
                        k += 1;
                    }
                    if k < n && golden[k].starts_with("Traceback") {
                        i = k;
                        continue;
                    }
                }
                break;
            }
            out.push(Expect::Error(keywords));
            continue;
        }
        out.push(match repr_start(line) {
            Some(at) => Expect::Prefix(line[..at].to_owned()),
            None => Expect::Exact(line.clone()),
        });
        i += 1;
    }
    out
}

/// `ExceptionType: message` -> the class name without its module, and the message, lowercase.
fn error_keywords(final_line: &str) -> Vec<String> {
    let (exception, message) = final_line.split_once(": ").unwrap_or((final_line, ""));
    let class = exception.rsplit('.').next().unwrap_or(exception);
    let mut keywords = vec![class.to_lowercase()];
    let message = message.trim_matches(is_space);
    if !message.is_empty() {
        keywords.push(message.to_lowercase());
    }
    keywords
}

/// Where the first Python object repr of the line starts.
fn repr_start(line: &str) -> Option<usize> {
    line.match_indices('<')
        .map(|(at, _)| at)
        .find(|&at| REPRS.iter().any(|repr| line[at + 1..].starts_with(repr)))
}

/// Whether an error expectation is met by this line (empty keywords never match).
fn names_error(keywords: &[String], line: &str) -> bool {
    let line = line.to_lowercase();
    keywords
        .iter()
        .any(|keyword| !keyword.is_empty() && line.contains(keyword.as_str()))
}

fn matches_in_order(expected: &[Expect], port: &[String]) -> Result<(), String> {
    let mut p = 0;
    for (index, expect) in expected.iter().enumerate() {
        let number = index + 1;
        if let Expect::Error(keywords) = expect {
            let window = p..port.len().min(p + 10);
            match window.clone().find(|&q| names_error(keywords, &port[q])) {
                Some(q) => p = q + 1,
                None => {
                    return Err(format!(
                        "expectation {number}: an error line naming one of {}; got {}",
                        py_list(keywords),
                        py_list(&port[p.min(port.len())..port.len().min(p + 3)])
                    ));
                }
            }
            continue;
        }
        let Some(got) = port.get(p) else {
            return Err(format!(
                "expectation {number}: port output ended; wanted {}",
                expect.wanted()
            ));
        };
        match expect {
            Expect::Exact(want) if got != want => {
                return Err(format!(
                    "line {}: wanted {}, got {}",
                    p + 1,
                    py_repr(want),
                    py_repr(got)
                ));
            }
            Expect::Prefix(want) if !got.starts_with(want.as_str()) => {
                return Err(format!(
                    "line {}: wanted a line starting {}, got {}",
                    p + 1,
                    py_repr(want),
                    py_repr(got)
                ));
            }
            _ => {}
        }
        p += 1;
    }
    if p < port.len() {
        return Err(format!(
            "line {}: extra output {}",
            p + 1,
            py_list(&port[p..port.len().min(p + 3)])
        ));
    }
    Ok(())
}

fn matches_sorted(expected: &[Expect], port: &[String]) -> Result<(), String> {
    let mut exact: Vec<&String> = expected
        .iter()
        .filter_map(|expect| match expect {
            Expect::Exact(line) => Some(line),
            _ => None,
        })
        .collect();
    exact.sort();
    let mut rest: Vec<&String> = port.iter().collect();
    for line in exact {
        match rest.iter().position(|got| *got == line) {
            Some(at) => {
                rest.remove(at);
            }
            None => return Err(format!("missing line {}", py_repr(line))),
        }
    }
    for expect in expected {
        let found = match expect {
            Expect::Exact(_) => continue,
            Expect::Prefix(want) => rest.iter().position(|got| got.starts_with(want.as_str())),
            Expect::Error(keywords) => rest.iter().position(|got| names_error(keywords, got)),
        };
        match found {
            Some(at) => {
                rest.remove(at);
            }
            None => return Err(format!("missing a line like {}", expect.wanted())),
        }
    }
    if !rest.is_empty() {
        return Err(format!(
            "extra lines {}",
            py_list(&rest[..rest.len().min(3)])
        ));
    }
    Ok(())
}

/// Python's `repr()` of a string, so that messages read as `compare.py`'s do.
fn py_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's `repr()` of a list of strings.
fn py_list<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<String> = items.iter().map(|item| py_repr(item.as_ref())).collect();
    format!("[{}]", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn program(mode: Mode, code: i32) -> Program {
        Program {
            name: "s9-99-test".to_owned(),
            area: "A".to_owned(),
            mode,
            code,
        }
    }

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    #[test]
    fn repr_lines_fix_only_the_text_before_the_repr() {
        let golden = "starting <function main at <ADDR>> with args () {}\n\
                      此时future的状态:<Future pending cb=[_run_until_complete_cb() at <PYLIB>/asyncio/base_events.py:<LINE>]>\n";
        assert_eq!(
            expectations(&lines(golden)),
            [
                Expect::Prefix("starting ".to_owned()),
                Expect::Prefix("此时future的状态:".to_owned()),
            ]
        );
        let exact = program(Mode::Exact, 0);
        let port = "starting main() with args ()\n此时future的状态:Future { state: Pending }\n";
        assert_eq!(compare(&exact, golden, port, 0), Ok(()));
        let wrong = "started main\n此时future的状态:Pending\n";
        assert_eq!(
            compare(&exact, golden, wrong, 0),
            Err("line 1: wanted a line starting 'starting ', got 'started main'".to_owned())
        );
    }

    #[test]
    fn single_quotes_read_as_double_quotes() {
        let golden = "('First result', 'Second result')\n";
        let port = "(\"First result\", \"Second result\")\n";
        assert_eq!(compare(&program(Mode::Exact, 0), golden, port, 0), Ok(()));
    }

    #[test]
    fn never_awaited_warnings_are_dropped_from_the_golden() {
        // s1-03-coroutine-add-one.golden
        let golden = "<coroutine object coroutine_add_one at <ADDR>>\n\
                      s1-03-coroutine-add-one.py:9: RuntimeWarning: coroutine 'coroutine_add_one' was never awaited\n  \
                      print(coroutine_add_one(1))\n\
                      RuntimeWarning: Enable tracemalloc to get the object allocation traceback\n\
                      2\n";
        assert_eq!(
            expectations(&drop_warnings(prepare(golden))),
            [Expect::Prefix(String::new()), Expect::Exact("2".to_owned())]
        );
        let port = "CoroutineAddOne { n: 1 }\n2\n";
        assert_eq!(compare(&program(Mode::Exact, 0), golden, port, 0), Ok(()));
        // s1-05: located in the Python library, with the <LINE> placeholder.
        let golden = "<PYLIB>/asyncio/events.py:<LINE>: RuntimeWarning: coroutine 'x' was never awaited\n  \
                      self._context.run(self._callback, *self._args)\nend\n";
        assert_eq!(
            compare(&program(Mode::Exact, 0), golden, "end\n", 0),
            Ok(())
        );
    }

    #[test]
    fn a_traceback_expects_one_line_naming_the_error() {
        // s1-58-bounded-semaphore.golden
        let golden = "Finished counting to 1 in <T>\nTraceback (most recent call last):\n  <FRAMES>\n\
                      ValueError: BoundedSemaphore released too many times\n";
        assert_eq!(
            expectations(&lines(golden))[1],
            Expect::Error(vec![
                "valueerror".to_owned(),
                "boundedsemaphore released too many times".to_owned()
            ])
        );
        let exact = program(Mode::Exact, 1);
        let by_message = "Finished counting to 1 in 0.001\n\
                          Error: BoundedSemaphore released too many times\n";
        assert_eq!(compare(&exact, golden, by_message, 1), Ok(()));
        let by_class = "Finished counting to 1 in 0.001\nthread main panicked\nValueError\n";
        assert_eq!(compare(&exact, golden, by_class, 1), Ok(()));
        let silent = "Finished counting to 1 in 0.001\nError: oops\n";
        assert!(
            compare(&exact, golden, silent, 1)
                .unwrap_err()
                .starts_with("expectation 2: an error line naming one of ['valueerror', ")
        );
        assert_eq!(
            compare(&exact, golden, by_message, 0),
            Err("exit status 0, wanted 1".to_owned())
        );
    }

    #[test]
    fn chained_tracebacks_are_one_error_named_by_the_last() {
        let golden = "Traceback (most recent call last):\n  <FRAMES>\nKeyError: 'a'\n\n\
                      During handling of the above exception, another exception occurred:\n\n\
                      Traceback (most recent call last):\n  <FRAMES>\n\
                      asyncio.exceptions.TimeoutError\nafter\n";
        assert_eq!(
            expectations(&prepare(golden)),
            [
                Expect::Error(vec!["timeouterror".to_owned()]),
                Expect::Exact("after".to_owned()),
            ]
        );
    }

    #[test]
    fn a_port_traceback_header_is_ignored() {
        let golden = "Traceback (most recent call last):\n  <FRAMES>\nValueError: bad\n";
        let port = "Traceback (most recent call last):\n  File \"x\"\nValueError: bad\n";
        assert_eq!(compare(&program(Mode::Exact, 1), golden, port, 1), Ok(()));
    }

    #[test]
    fn in_order_reports_missing_and_extra_lines() {
        let exact = program(Mode::Exact, 0);
        assert_eq!(
            compare(&exact, "a\nb\n", "a\n", 0),
            Err("expectation 2: port output ended; wanted 'b'".to_owned())
        );
        assert_eq!(
            compare(&exact, "a\n", "a\nb\nc\nd\ne\n", 0),
            Err("line 2: extra output ['b', 'c', 'd']".to_owned())
        );
        assert_eq!(
            compare(&exact, "a\nb\n", "b\na\n", 0),
            Err("line 1: wanted 'a', got 'b'".to_owned())
        );
    }

    #[test]
    fn sorted_mode_takes_lines_in_any_order() {
        // Shaped like s1-35-wait-first-exception.golden.
        let golden = "已完成的任务数量: 1\n阻塞的任务数量: 2\nERROR:root:请求异常\n\
                      Traceback (most recent call last):\n  <FRAMES>\n\
                      aiohttp.client_exceptions.NonHttpUrlClientError: python://bad.com\n\
                      取消任务: <Task pending name='Task-3' coro=<fetch_status() running at util.py:21>>\n\
                      取消任务: <Task pending name='Task-4' coro=<fetch_status() running at util.py:21>>\n";
        let sorted = program(Mode::Sorted, 0);
        let port = "取消任务: Task { id: 4 }\nERROR:root:请求异常\n阻塞的任务数量: 2\n\
                    error: non-http url: python://bad.com\n已完成的任务数量: 1\n取消任务: Task { id: 3 }\n";
        assert_eq!(compare(&sorted, golden, port, 0), Ok(()));
        let missing = port.replace("阻塞的任务数量: 2\n", "");
        assert_eq!(
            compare(&sorted, golden, &missing, 0),
            Err("missing line '阻塞的任务数量: 2'".to_owned())
        );
        let extra = format!("{port}bonus\n");
        assert_eq!(
            compare(&sorted, golden, &extra, 0),
            Err("extra lines ['bonus']".to_owned())
        );
        assert_eq!(
            compare(
                &sorted,
                golden,
                &port.replace("取消任务: Task { id: 3 }\n", ""),
                0
            ),
            Err("missing a line like '取消任务: '".to_owned())
        );
    }

    #[test]
    fn run_only_checks_the_exit_status_alone() {
        let run_only = program(Mode::RunOnly, 0);
        assert_eq!(compare(&run_only, "a\n", "whatever\n", 0), Ok(()));
        assert!(compare(&run_only, "a\n", "a\n", 101).is_err());
    }

    #[test]
    fn empty_output_and_crlf() {
        let exact = program(Mode::Exact, 0);
        assert_eq!(compare(&exact, "", " \n\n", 0), Ok(()));
        assert_eq!(compare(&exact, "a\nb\n", &decode(b"a\r\nb\r"), 0), Ok(()));
        assert_eq!(decode(b"a\xffb"), "a\u{fffd}b");
    }

    #[test]
    fn py_repr_quotes_like_python() {
        assert_eq!(py_repr("it's"), "\"it's\"");
        assert_eq!(py_repr("a\\b\t\"c\""), "'a\\\\b\\t\"c\"'");
        assert_eq!(py_repr("both ' and \""), "'both \\' and \"'");
    }
}
