//! The placeholder rules of the seed folder's `normalize.py`, in Rust.
//!
//! Run-to-run values (durations, wall-clock times, loop clock values, addresses, ids, ports, file
//! paths of the Python installation) become placeholders so that two correct runs give the same
//! text. The rules, in the order `normalize.py` applies them:
//!
//!  1. Python `DeprecationWarning` reports (the `file:line: DeprecationWarning: ...` line and the
//!     indented source line under it) are dropped: they are not program output.
//!  2. A traceback body (the indented lines after `Traceback (most recent call last):`) becomes one
//!     line `  <FRAMES>`; the header and the final `ExceptionType: message` line stay.
//!  3. Paths: `<anything>/lib/python3.X/` -> `<PYLIB>/` and its `:123` line numbers -> `:<LINE>`;
//!     an absolute path to a seed program or helper -> the bare file name.
//!  4. `0x...` addresses -> `<ADDR>`; `127.0.0.1:<port>` -> `127.0.0.1:<PORT>`; `time.ctime()`
//!     strings -> `<TIME>`.
//!  5. Durations -> `<T>`.
//!  6. `time.time()` after `clock time: ` -> `<EPOCH>`.
//!  7. Event-loop clock values -> `<LOOPTIME>` for the first one seen and `<LOOPTIME+D>` for the
//!     others, D = the difference to the first, rounded to 0.1 s.
//!  8. Process ids after `process ` -> `<PID>`; thread / loop ids after `tid:` or `loop:` -> `<ID>`.
//!  9. A printed set of tasks `{<Task ...>, <Task ...>}` gets its elements sorted.
//!
//! The Python rules are regular expressions; the workspace takes no regex dependency, so each one
//! is a small hand-written matcher over `char`s (Python matches code points, not bytes) that finds
//! the same leftmost match, with the same greedy extent, as Python's `re` does. The one deliberate
//! difference: `\d` is an ASCII digit here, where Python also accepts other scripts' decimal digits,
//! which no program prints in these places.

/// Normalizes the lines of one program's output (one file: the loop-clock base is per call).
pub(crate) fn normalize<S: AsRef<str>>(lines: &[S]) -> Vec<String> {
    let mut out = Vec::with_capacity(lines.len());
    let mut base: Option<f64> = None;
    let mut in_traceback = false;
    let mut skip_source = false;
    for line in lines {
        let line = line.as_ref();
        if skip_source {
            skip_source = false;
            if line.starts_with(' ') {
                continue;
            }
        }
        if is_located_warning(line, "DeprecationWarning", false) {
            skip_source = true;
            continue;
        }
        if in_traceback {
            if line.starts_with(' ') {
                continue;
            }
            in_traceback = false;
        }
        if line.starts_with("Traceback (most recent call last):") {
            out.push(line.to_owned());
            out.push("  <FRAMES>".to_owned());
            in_traceback = true;
            continue;
        }
        out.push(normalize_line(line, &mut base));
    }
    out
}

/// Rules 3 to 9 on one line, each over the result of the one before, as `re.sub` chains do.
fn normalize_line(line: &str, base: &mut Option<f64>) -> String {
    let mut text: Vec<char> = line.chars().collect();
    text = substitute(&text, python_lib);
    text = substitute(&text, python_lib_line);
    text = substitute(&text, own_file);
    text = substitute(&text, address);
    text = substitute(&text, port);
    text = substitute(&text, ctime);
    text = substitute(&text, |t, s| duration(t, s, "in ", " second(s)", true));
    text = substitute(&text, |t, s| duration(t, s, "took ", " seconds", true));
    text = substitute(&text, finished_counting);
    text = substitute(&text, |t, s| float_after(t, s, "Completed in ", "<T>"));
    text = substitute(&text, |t, s| float_after(t, s, "clock time: ", "<EPOCH>"));
    text = substitute(&text, |t, s| loop_time(t, s, base));
    text = substitute(&text, process_id);
    text = substitute(&text, thread_or_loop_id);
    text = substitute(&text, task_set);
    text.into_iter().collect()
}

/// A matcher tries to match at exactly `start` and gives the end of the match and its replacement.
type Match = Option<(usize, String)>;

/// `re.sub` for a matcher: scans left to right, replaces each match, resumes after it.
fn substitute(text: &[char], mut matcher: impl FnMut(&[char], usize) -> Match) -> Vec<char> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        match matcher(text, i) {
            Some((end, replacement)) if end > i => {
                out.extend(replacement.chars());
                i = end;
            }
            _ => {
                out.push(text[i]);
                i += 1;
            }
        }
    }
    out
}

/// Python's `\s` on `str` (`str.isspace`): Unicode White_Space plus the ASCII separators 0x1c-0x1f.
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `\w` on `str`: letters, digits and the underscore.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `[^\s:'"<>\[\]()]`: a character of a file path in a traceback or repr.
fn is_path(c: char) -> bool {
    !is_space(c) && !matches!(c, ':' | '\'' | '"' | '<' | '>' | '[' | ']' | '(' | ')')
}

/// `\b` just before `start`, where `text[start]` is a word character.
fn word_start(text: &[char], start: usize) -> bool {
    start == 0 || !is_word(text[start - 1])
}

fn starts_with(text: &[char], at: usize, literal: &str) -> bool {
    let mut rest = text.get(at..).unwrap_or_default().iter();
    literal.chars().all(|c| rest.next() == Some(&c))
}

/// The end of the run of characters from `at` that satisfy `class`.
fn run_end(text: &[char], at: usize, class: impl Fn(char) -> bool) -> usize {
    let mut i = at;
    while i < text.len() && class(text[i]) {
        i += 1;
    }
    i
}

fn digits_end(text: &[char], at: usize) -> usize {
    run_end(text, at, |c| c.is_ascii_digit())
}

/// `FLOAT = -?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?` at `at`, as long as it goes (the greedy match).
fn float_end(text: &[char], at: usize) -> Option<usize> {
    let mut i = at;
    if text.get(i) == Some(&'-') {
        i += 1;
    }
    let end = digits_end(text, i);
    if end == i {
        return None;
    }
    i = end;
    if text.get(i) == Some(&'.') {
        let end = digits_end(text, i + 1);
        if end > i + 1 {
            i = end;
        }
    }
    if matches!(text.get(i), Some('e' | 'E')) {
        let mut j = i + 1;
        if matches!(text.get(j), Some('-' | '+')) {
            j += 1;
        }
        let end = digits_end(text, j);
        if end > j {
            i = end;
        }
    }
    Some(i)
}

/// The largest `at` in `from..to` where `(?:/[^...]+)*` can end, given it started at `from`:
/// zero repetitions (`at == from`) or at least a slash and one more path character.
fn path_prefix_ends(from: usize, to: usize) -> impl Iterator<Item = usize> {
    (from..to)
        .rev()
        .filter(move |&at| at == from || at >= from + 2)
}

/// `(?:/[^\s:'"<>\[\]()]+)*/lib/python3\.\d+/` -> `<PYLIB>/`. The path prefix is greedy, so the
/// match ends after the last `/lib/python3.N/` of the path.
fn python_lib(text: &[char], start: usize) -> Match {
    if text[start] != '/' {
        return None;
    }
    let path_end = run_end(text, start, is_path);
    path_prefix_ends(start, path_end).find_map(|at| {
        if !starts_with(text, at, "/lib/python3.") {
            return None;
        }
        let version = at + "/lib/python3.".len();
        let end = digits_end(text, version);
        (end > version && text.get(end) == Some(&'/')).then(|| (end + 1, "<PYLIB>/".to_owned()))
    })
}

/// `(<PYLIB>/[\w/.<>-]+\.py):\d+` -> `\1:<LINE>`.
fn python_lib_line(text: &[char], start: usize) -> Match {
    if !starts_with(text, start, "<PYLIB>/") {
        return None;
    }
    let from = start + "<PYLIB>/".len();
    // ':' is outside the class, so the `.py` must end the class run, right before the ':'.
    let end = run_end(text, from, |c| {
        is_word(c) || matches!(c, '/' | '.' | '<' | '>' | '-')
    });
    if end < from + 4 || !starts_with(text, end - 3, ".py") || text.get(end) != Some(&':') {
        return None;
    }
    let number_end = digits_end(text, end + 1);
    if number_end == end + 1 {
        return None;
    }
    let kept: String = text[start..end].iter().collect();
    Some((number_end, format!("{kept}:<LINE>")))
}

/// `(?:/[^...]+)*/((?:s\d-\d\d-[\w.-]+|util|standin|fakepg|atomicprint)\.py)` -> `\1`: the
/// absolute path of a seed program or helper becomes its bare file name.
fn own_file(text: &[char], start: usize) -> Match {
    if text[start] != '/' {
        return None;
    }
    let path_end = run_end(text, start, is_path);
    path_prefix_ends(start, path_end)
        .filter(|&slash| text[slash] == '/')
        .find_map(|slash| {
            let name = slash + 1;
            let end = seed_program_name(text, name).or_else(|| {
                ["util.py", "standin.py", "fakepg.py", "atomicprint.py"]
                    .iter()
                    .find(|file| starts_with(text, name, file))
                    .map(|file| name + file.len())
            })?;
            Some((end, text[name..end].iter().collect()))
        })
}

/// `s\d-\d\d-[\w.-]+\.py` at `at`; the class run is greedy, so it ends at the run's last `.py`.
fn seed_program_name(text: &[char], at: usize) -> Option<usize> {
    let digit = |i: usize| text.get(i).is_some_and(char::is_ascii_digit);
    let shape = text.get(at) == Some(&'s')
        && digit(at + 1)
        && text.get(at + 2) == Some(&'-')
        && digit(at + 3)
        && digit(at + 4)
        && text.get(at + 5) == Some(&'-');
    if !shape {
        return None;
    }
    let rest = at + 6;
    let end = run_end(text, rest, |c| is_word(c) || c == '.' || c == '-');
    (rest + 1..=end.saturating_sub(3))
        .rev()
        .find(|&dot| starts_with(text, dot, ".py"))
        .map(|dot| dot + 3)
}

/// `0x[0-9a-fA-F]+` -> `<ADDR>`.
fn address(text: &[char], start: usize) -> Match {
    if !starts_with(text, start, "0x") {
        return None;
    }
    let end = run_end(text, start + 2, |c| c.is_ascii_hexdigit());
    (end > start + 2).then(|| (end, "<ADDR>".to_owned()))
}

/// `127\.0\.0\.1:\d+` -> `127.0.0.1:<PORT>`.
fn port(text: &[char], start: usize) -> Match {
    let prefix = "127.0.0.1:";
    if !starts_with(text, start, prefix) {
        return None;
    }
    let end = digits_end(text, start + prefix.len());
    (end > start + prefix.len()).then(|| (end, "127.0.0.1:<PORT>".to_owned()))
}

/// `\b(?:Mon|...) (?:Jan|...) [ \d]\d \d\d:\d\d:\d\d \d{4}\b` (a `time.ctime()`) -> `<TIME>`.
fn ctime(text: &[char], start: usize) -> Match {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    // After the day and month names: 'D' a digit, '_' a space or a digit, the rest literal.
    const SHAPE: &str = " _D DD:DD:DD DDDD";
    if !word_start(text, start) || !DAYS.iter().any(|day| starts_with(text, start, day)) {
        return None;
    }
    if text.get(start + 3) != Some(&' ')
        || !MONTHS
            .iter()
            .any(|month| starts_with(text, start + 4, month))
    {
        return None;
    }
    let mut i = start + 7;
    for want in SHAPE.chars() {
        let &c = text.get(i)?;
        let fits = match want {
            'D' => c.is_ascii_digit(),
            '_' => c == ' ' || c.is_ascii_digit(),
            literal => c == literal,
        };
        if !fits {
            return None;
        }
        i += 1;
    }
    let boundary = text.get(i).is_none_or(|&c| !is_word(c));
    boundary.then(|| (i, "<TIME>".to_owned()))
}

/// `\b<lead>FLOAT<tail>` -> `<lead><T><tail>` (`in X second(s)`, `took X seconds`). Only the
/// longest float can be followed by the tail's leading space, so it is the one to try.
fn duration(text: &[char], start: usize, lead: &str, tail: &str, boundary: bool) -> Match {
    if !starts_with(text, start, lead) || (boundary && !word_start(text, start)) {
        return None;
    }
    let end = float_end(text, start + lead.len())?;
    starts_with(text, end, tail).then(|| (end + tail.chars().count(), format!("{lead}<T>{tail}")))
}

/// `(Finished counting to \d+ in )FLOAT` -> `\1<T>`.
fn finished_counting(text: &[char], start: usize) -> Match {
    let lead = "Finished counting to ";
    if !starts_with(text, start, lead) {
        return None;
    }
    let from = start + lead.len();
    let count_end = digits_end(text, from);
    if count_end == from || !starts_with(text, count_end, " in ") {
        return None;
    }
    let kept_end = count_end + " in ".len();
    let end = float_end(text, kept_end)?;
    let kept: String = text[start..kept_end].iter().collect();
    Some((end, format!("{kept}<T>")))
}

/// `(<lead>)FLOAT` -> `\1<placeholder>`, the float as long as it goes.
fn float_after(text: &[char], start: usize, lead: &str, placeholder: &str) -> Match {
    if !starts_with(text, start, lead) {
        return None;
    }
    let end = float_end(text, start + lead.chars().count())?;
    Some((end, format!("{lead}{placeholder}")))
}

/// Rule 7: a loop clock value after one of the labels the programs print it with.
fn loop_time(text: &[char], start: usize, base: &mut Option<f64>) -> Match {
    const LABELS: [&str; 4] = [
        "loop  time: ",
        "invoked at ",
        "当前的内部时间:",
        "The running time point is ",
    ];
    let label = LABELS
        .iter()
        .find(|label| starts_with(text, start, label))?;
    let from = start + label.chars().count();
    let end = float_end(text, from)?;
    let digits: String = text[from..end].iter().collect();
    // FLOAT's shape always parses; a value past f64's range is infinite, as with Python's float().
    let value: f64 = digits.parse().ok()?;
    let placeholder = match *base {
        None => {
            *base = Some(value);
            "<LOOPTIME>".to_owned()
        }
        Some(first) => format!("<LOOPTIME+{}>", one_decimal(value - first)),
    };
    Some((end, format!("{label}{placeholder}")))
}

/// Python's `'%.1f' % round(x, 1)`: both round the exact binary value half-to-even, as Rust's
/// `{:.1}` does; only the spelling of the non-finite values differs.
pub(crate) fn one_decimal(x: f64) -> String {
    if x.is_nan() {
        "nan".to_owned()
    } else if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.to_owned()
    } else {
        format!("{x:.1}")
    }
}

/// `(\bprocess )\d+` -> `\1<PID>`.
fn process_id(text: &[char], start: usize) -> Match {
    let lead = "process ";
    if !starts_with(text, start, lead) || !word_start(text, start) {
        return None;
    }
    let end = digits_end(text, start + lead.len());
    (end > start + lead.len()).then(|| (end, "process <PID>".to_owned()))
}

/// `((?:\btid|\bloop): ?)\d{5,}` -> `\1<ID>`.
fn thread_or_loop_id(text: &[char], start: usize) -> Match {
    let name = ["tid:", "loop:"]
        .into_iter()
        .find(|name| starts_with(text, start, name))?;
    if !word_start(text, start) {
        return None;
    }
    let after = start + name.len();
    // ` ?` is greedy, but gives the space back when no digits follow it (then none can match).
    let from = if text.get(after) == Some(&' ') {
        after + 1
    } else {
        after
    };
    let end = digits_end(text, from);
    if end - from < 5 {
        return None;
    }
    let kept: String = text[start..from].iter().collect();
    Some((end, format!("{kept}<ID>")))
}

/// `\{(<Task .*>)\}` -> the same set with its elements sorted (set order is unspecified). `.*` is
/// greedy: the set runs to the line's last `>}`.
fn task_set(text: &[char], start: usize) -> Match {
    if !starts_with(text, start, "{<Task ") {
        return None;
    }
    let first_close = start + "{<Task ".len();
    let close = (first_close..text.len().saturating_sub(1))
        .rev()
        .find(|&i| text[i] == '>' && text[i + 1] == '}')?;
    let inner = &text[start + 1..=close];
    // re.split(r'(?<=>), (?=<Task )'): a comma between one task's '>' and the next '<Task '.
    let mut elements: Vec<String> = Vec::new();
    let mut from = 0;
    let mut i = 0;
    while i < inner.len() {
        if i > 0 && inner[i - 1] == '>' && starts_with(inner, i, ", <Task ") {
            elements.push(inner[from..i].iter().collect());
            i += 2;
            from = i;
        } else {
            i += 1;
        }
    }
    elements.push(inner[from..].iter().collect());
    elements.sort();
    Some((close + 2, format!("{{{}}}", elements.join(", "))))
}

/// `^\S.*:\d+: <kind>: ` (or `:<LINE>: ` too when `placeholder_line`): a Python warning report
/// located at `file:line`.
pub(crate) fn is_located_warning(line: &str, kind: &str, placeholder_line: bool) -> bool {
    let text: Vec<char> = line.chars().collect();
    if text.first().is_none_or(|&c| is_space(c)) {
        return false;
    }
    let marker = format!(": {kind}: ");
    (1..text.len()).any(|at| {
        if !starts_with(&text, at, &marker) {
            return false;
        }
        // The ':' before the line number must come after the first (non-space) character.
        let colon_at = |colon: usize| colon >= 1 && text[colon] == ':';
        let mut digits = at;
        while digits > 0 && text[digits - 1].is_ascii_digit() {
            digits -= 1;
        }
        let numbered = digits < at && digits >= 1 && colon_at(digits - 1);
        let placeholder = placeholder_line
            && at > "<LINE>".len()
            && starts_with(&text, at - "<LINE>".len(), "<LINE>")
            && colon_at(at - "<LINE>".len() - 1);
        numbered || placeholder
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(line: &str) -> String {
        normalize(&[line]).remove(0)
    }

    #[test]
    fn a_traceback_body_collapses_to_frames() {
        let raw = [
            "before",
            "Traceback (most recent call last):",
            "  File \"/usr/lib/python3.11/asyncio/runners.py\", line 190, in run",
            "    return runner.run(main)",
            "           ^^^^^^^^^^^^^^^^",
            "ValueError: BoundedSemaphore released too many times",
            "after",
        ];
        assert_eq!(
            normalize(&raw),
            [
                "before",
                "Traceback (most recent call last):",
                "  <FRAMES>",
                "ValueError: BoundedSemaphore released too many times",
                "after",
            ]
        );
    }

    #[test]
    fn deprecation_warnings_and_their_source_line_are_dropped() {
        let raw = [
            "/tmp/s0-04-generator-coroutines.py:12: DeprecationWarning: There is no current event loop",
            "  loop = asyncio.get_event_loop()",
            "result",
            "  indented output stays",
        ];
        assert_eq!(normalize(&raw), ["result", "  indented output stays"]);
        // Not located at file:line, or starting with a space: program output, kept.
        assert_eq!(one("DeprecationWarning: x"), "DeprecationWarning: x");
        assert_eq!(
            one(" a.py:1: DeprecationWarning: x"),
            " a.py:1: DeprecationWarning: x"
        );
        assert_eq!(
            one(":1: DeprecationWarning: x"),
            ":1: DeprecationWarning: x"
        );
    }

    #[test]
    fn loop_times_become_offsets_from_the_first_rounded_to_a_tenth() {
        let raw = [
            "loop  time: 1234.567890",
            "callback 3 invoked at 1234.568",
            "callback 2 invoked at 1234.6689",
            "callback 1 invoked at 1234.76999",
            "当前的内部时间:1233.5",
        ];
        assert_eq!(
            normalize(&raw),
            [
                "loop  time: <LOOPTIME>",
                "callback 3 invoked at <LOOPTIME+0.0>",
                "callback 2 invoked at <LOOPTIME+0.1>",
                "callback 1 invoked at <LOOPTIME+0.2>",
                "当前的内部时间:<LOOPTIME+-1.1>",
            ]
        );
        // Each call has its own base.
        assert_eq!(
            one("The running time point is 5e2"),
            "The running time point is <LOOPTIME>"
        );
    }

    #[test]
    fn one_decimal_matches_python_percent_formatting() {
        // Values checked against python3: '%.1f' % round(x, 1).
        for (x, want) in [
            (0.25, "0.2"),
            (0.35, "0.3"),
            (0.05, "0.1"),
            (-0.04, "-0.0"),
            (0.15, "0.1"),
            (2.675, "2.7"),
            (1e20, "100000000000000000000.0"),
        ] {
            assert_eq!(one_decimal(x), want, "{x}");
        }
        assert_eq!(one_decimal(f64::NAN), "nan");
        assert_eq!(one_decimal(f64::NEG_INFINITY), "-inf");
    }

    #[test]
    fn python_paths_and_own_files() {
        assert_eq!(
            one("  File \"/usr/local/lib/python3.11/asyncio/base_events.py\", line 653, in x"),
            "  File \"<PYLIB>/asyncio/base_events.py\", line 653, in x"
        );
        assert_eq!(
            one(
                "cb=[_run_until_complete_cb() at /opt/py/lib/python3.11/asyncio/base_events.py:180]>"
            ),
            "cb=[_run_until_complete_cb() at <PYLIB>/asyncio/base_events.py:<LINE>]>"
        );
        assert_eq!(
            one(
                "coro=<main() running at /work/shared/seed-examples/s4-05-keyboardinterrupt-cancel-tasks.py:8>"
            ),
            "coro=<main() running at s4-05-keyboardinterrupt-cancel-tasks.py:8>"
        );
        assert_eq!(one("at /a/b/util.py:21"), "at util.py:21");
        // The greedy path takes the last own file of the path.
        assert_eq!(one("/x/util.py/y/fakepg.py"), "fakepg.py");
        assert_eq!(one("/x/s0-01-a.py.bak.py:3"), "s0-01-a.py.bak.py:3");
        assert_eq!(one("/x/other.py"), "/x/other.py");
    }

    #[test]
    fn addresses_ports_times_ids() {
        assert_eq!(
            one("<function main at 0x7f3a2b1c0d60>"),
            "<function main at <ADDR>>"
        );
        assert_eq!(one("http://127.0.0.1:41234/"), "http://127.0.0.1:<PORT>/");
        assert_eq!(one("now: Fri Nov 21 17:23:01 2025."), "now: <TIME>.");
        assert_eq!(one("now: Fri Nov  1 17:23:01 2025"), "now: <TIME>");
        assert_eq!(
            one("xFri Nov 21 17:23:01 2025"),
            "xFri Nov 21 17:23:01 2025"
        );
        assert_eq!(
            one("Fri Nov 21 17:23:01 20251"),
            "Fri Nov 21 17:23:01 20251"
        );
        assert_eq!(one("clock time: 1763745781.123"), "clock time: <EPOCH>");
        assert_eq!(
            one("child process 4242 says hi"),
            "child process <PID> says hi"
        );
        assert_eq!(one("subprocess 4242"), "subprocess 4242");
        assert_eq!(one("tid:140234 loop: 98765"), "tid:<ID> loop: <ID>");
        assert_eq!(one("tid: 1234"), "tid: 1234");
        assert_eq!(one("event_loop:123456"), "event_loop:123456");
    }

    #[test]
    fn durations() {
        assert_eq!(
            one("finished <function main at 0x1> in 3.0041 second(s)"),
            "finished <function main at <ADDR>> in <T> second(s)"
        );
        assert_eq!(
            one("Executing <Task> took 0.207 seconds"),
            "Executing <Task> took <T> seconds"
        );
        assert_eq!(
            one("Finished counting to 5 in 5.0012"),
            "Finished counting to 5 in <T>"
        );
        assert_eq!(one("Completed in 1.5e-3 s"), "Completed in <T> s");
        assert_eq!(one("begin 2 second(s)"), "begin 2 second(s)");
        assert_eq!(one("in 1. second(s)"), "in 1. second(s)");
    }

    #[test]
    fn task_sets_are_sorted() {
        assert_eq!(
            one(
                "{<Task pending name='Task-2' coro=<b()>>, <Task pending name='Task-1' coro=<a()>>}"
            ),
            "{<Task pending name='Task-1' coro=<a()>>, <Task pending name='Task-2' coro=<b()>>}"
        );
        assert_eq!(one("{<Task x>} and {}"), "{<Task x>} and {}");
    }

    #[test]
    fn normalize_is_idempotent_on_placeholders() {
        for line in [
            "callback 2 invoked at <LOOPTIME+0.1>",
            "<PYLIB>/asyncio/events.py:<LINE>: RuntimeWarning: coroutine 'x' was never awaited",
            "finished <function main at <ADDR>> in <T> second(s)",
        ] {
            assert_eq!(one(line), line);
        }
    }
}
