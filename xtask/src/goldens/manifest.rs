//! `manifest.tsv`: every seed program with its area, compare mode and expected exit status.

use std::fmt;

/// How a port's output is compared with its golden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// The same normalized lines in the same order.
    Exact,
    /// The same lines in any order (threads, processes, timer ties, set order).
    Sorted,
    /// Only the exit status counts (even the lines depend on timing).
    RunOnly,
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Exact => "exact",
            Self::Sorted => "sorted",
            Self::RunOnly => "run-only",
        })
    }
}

/// One program of the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Program {
    /// The Python program's name without `.py`, e.g. `s0-06-call-later`.
    pub(crate) name: String,
    /// `A` core loop, `B` combinators, `C` sync and queues, `D` threads and processes,
    /// `E` network, subprocesses and signals.
    pub(crate) area: String,
    pub(crate) mode: Mode,
    /// The exit status a port must end with.
    pub(crate) code: i32,
}

impl Program {
    /// The facade example that ports this program: the name with `-` turned into `_`.
    pub(crate) fn example(&self) -> String {
        self.name.replace('-', "_")
    }
}

/// Parses the manifest: tab-separated `name area mode exit`, `#` comments and blank lines skipped.
///
/// # Errors
///
/// A row without exactly four fields, an unknown mode or a non-numeric exit status, with its line.
pub(crate) fn parse(text: &str) -> Result<Vec<Program>, String> {
    let mut programs = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let row = index + 1;
        let fields: Vec<&str> = line.split('\t').collect();
        let [name, area, mode, code] = fields[..] else {
            return Err(format!(
                "manifest line {row}: expected 4 tab-separated fields, found {}",
                fields.len()
            ));
        };
        let mode = match mode {
            "exact" => Mode::Exact,
            "sorted" => Mode::Sorted,
            "run-only" => Mode::RunOnly,
            other => {
                return Err(format!(
                    "manifest line {row}: unknown compare mode {other:?} (exact, sorted, run-only)"
                ));
            }
        };
        let code = code
            .trim()
            .parse()
            .map_err(|_| format!("manifest line {row}: exit status {code:?} is not a number"))?;
        programs.push(Program {
            name: name.to_owned(),
            area: area.to_owned(),
            mode,
            code,
        });
    }
    Ok(programs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rows_and_skips_comments() {
        let text = "# program\tarea\tcompare\texit\n\ns1-25-aiohttp-timeout\tE\texact\t1\n\
                    s1-36-wait-first-completed\tE\trun-only\t0\n";
        let programs = parse(text).unwrap();
        assert_eq!(programs.len(), 2);
        assert_eq!(programs[0].code, 1);
        assert_eq!(programs[0].example(), "s1_25_aiohttp_timeout");
        assert_eq!(programs[1].mode, Mode::RunOnly);
    }

    #[test]
    fn rejects_malformed_rows() {
        assert!(parse("a\tA\texact\n").unwrap_err().contains("line 1"));
        assert!(parse("a\tA\tfuzzy\t0\n").unwrap_err().contains("fuzzy"));
        assert!(parse("a\tA\texact\tzero\n").unwrap_err().contains("zero"));
    }
}
