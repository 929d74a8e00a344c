//! The harness: what a case is, how often it runs, and the medians it reports.

use std::time::Instant;

/// What a metric counts; every unit is "lower is better".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    /// CPU seconds used by the whole process (every thread) during the case.
    Cpu,
    /// Wall-clock seconds for the whole case.
    Wall,
    /// Microseconds (mean timer lateness).
    Micros,
    /// Bytes of peak RSS per task.
    BytesPerTask,
}

/// One row of the table: a case may report several (the sleep case reports its total
/// time and its mean lateness from the same runs).
#[derive(Debug)]
pub(crate) struct Metric {
    /// Short id, used by the filters.
    pub(crate) id: &'static str,
    /// What the row measures, as shown in the table.
    pub(crate) title: &'static str,
    pub(crate) unit: Unit,
}

/// One run of one contender: returns one sample per metric of its case.
pub(crate) type Bench = fn() -> Vec<Sample>;

/// One metric's value in one run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sample {
    pub(crate) value: f64,
    /// For a CPU-time metric, the wall-clock time of the same run, kept for reference.
    pub(crate) wall: Option<f64>,
}

impl Sample {
    pub(crate) fn plain(value: f64) -> Sample {
        Sample { value, wall: None }
    }
}

/// One implementation of a case: the runtime (and crate) it uses, and its code.
#[derive(Debug)]
pub(crate) struct Contender {
    /// What runs, e.g. `tokio::sync::mpsc`.
    pub(crate) label: &'static str,
    pub(crate) bench: Bench,
}

/// How many times more runs a [`Repeat::Latency`] case makes than a timed one.
pub(crate) const LATENCY_RUNS_FACTOR: usize = 3;

/// How a case is repeated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Repeat {
    /// Warm up once, then run N times (N = 5, or 1 with `--quick`).
    Timed,
    /// Tail latency under load: warm up once, then run 3N times (15, or 3 with `--quick`). On
    /// a virtual machine the host preempts each vCPU for up to several milliseconds a few
    /// times a second (see the machine's stall probe in the report), and whether such
    /// stalls touch more or fewer than 1% of a run's requests moves one run's p99 by 2-10x;
    /// 5 runs' median flipped a ratio from 0.9x to 1.5x between invocations of the same code.
    Latency,
    /// Peak RSS in a fresh child process: no warm-up (it is a fresh process anyway), and at
    /// most 3 runs, since the number hardly varies.
    Memory,
}

/// A benchmark: the same work for corio, tokio and smol (or the crate that competes).
#[derive(Debug)]
pub(crate) struct Case {
    pub(crate) metrics: Vec<Metric>,
    pub(crate) corio: Contender,
    pub(crate) tokio: Option<Contender>,
    pub(crate) smol: Option<Contender>,
    pub(crate) repeat: Repeat,
    /// What the case measures and how each contender does it, for the notes.
    pub(crate) note: &'static str,
}

impl Case {
    pub(crate) fn row_ids(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.metrics.iter().map(|m| m.id)
    }

    fn contenders(&self) -> impl Iterator<Item = (Side, &Contender)> {
        [
            (Side::Corio, Some(&self.corio)),
            (Side::Tokio, self.tokio.as_ref()),
            (Side::Smol, self.smol.as_ref()),
        ]
        .into_iter()
        .filter_map(|(side, c)| c.map(|c| (side, c)))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Corio,
    Tokio,
    Smol,
}

impl Side {
    fn name(self) -> &'static str {
        match self {
            Side::Corio => "corio",
            Side::Tokio => "tokio",
            Side::Smol => "smol",
        }
    }
}

/// The command line.
#[derive(Debug, Default)]
pub(crate) struct Options {
    pub(crate) filters: Vec<String>,
    pub(crate) quick: bool,
    pub(crate) write: bool,
    /// `--only=corio|tokio|smol`: run one contender (for profiling it alone).
    pub(crate) only: Option<String>,
    /// `--runs=N`: measured runs per timed case (default 5, or 1 with `--quick`).
    pub(crate) runs: Option<usize>,
}

impl Options {
    pub(crate) fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options::default();
        for arg in args {
            match arg.as_str() {
                "--quick" => options.quick = true,
                "--write" => options.write = true,
                only if only.starts_with("--only=") => {
                    let side = &only["--only=".len()..];
                    if !["corio", "tokio", "smol"].contains(&side) {
                        return Err(format!("--only takes corio, tokio or smol, not {side:?}"));
                    }
                    options.only = Some(side.to_owned());
                }
                runs if runs.starts_with("--runs=") => {
                    let n = &runs["--runs=".len()..];
                    match n.parse::<usize>() {
                        Ok(n) if n > 0 => options.runs = Some(n),
                        _ => return Err(format!("--runs takes a positive count, not {n:?}")),
                    }
                }
                flag if flag.starts_with("--") => return Err(format!("unknown flag {flag}")),
                filter => options.filters.push(filter.to_owned()),
            }
        }
        Ok(options)
    }

    /// Measured runs per timed case.
    pub(crate) fn runs(&self) -> usize {
        self.runs.unwrap_or(if self.quick { 1 } else { 5 })
    }

    fn selects(&self, metric: &Metric) -> bool {
        self.filters.is_empty() || self.filters.iter().any(|f| metric.id.contains(f.as_str()))
    }
}

/// The medians of one row.
#[derive(Debug)]
pub(crate) struct RowResult {
    pub(crate) id: &'static str,
    pub(crate) title: &'static str,
    pub(crate) unit: Unit,
    pub(crate) note: &'static str,
    pub(crate) corio: Cell,
    pub(crate) tokio: Option<Cell>,
    pub(crate) smol: Option<Cell>,
}

/// One contender's median on one row.
#[derive(Debug, Clone)]
pub(crate) struct Cell {
    pub(crate) label: &'static str,
    pub(crate) value: f64,
    /// Median wall-clock time, for CPU-time rows.
    pub(crate) wall: Option<f64>,
}

impl RowResult {
    /// tokio's value over corio's: above 1, corio is faster (or smaller).
    pub(crate) fn tokio_ratio(&self) -> Option<f64> {
        self.tokio
            .as_ref()
            .map(|t| ratio(t.value, self.corio.value))
    }

    /// The best competitor's value over corio's: above 1, corio beats both.
    pub(crate) fn best_ratio(&self) -> Option<f64> {
        let best = [self.tokio.as_ref(), self.smol.as_ref()]
            .into_iter()
            .flatten()
            .map(|c| c.value)
            .min_by(f64::total_cmp)?;
        Some(ratio(best, self.corio.value))
    }

    /// As [`tokio_ratio`](Self::tokio_ratio), on wall-clock medians.
    pub(crate) fn tokio_wall_ratio(&self) -> Option<f64> {
        Some(ratio(self.tokio.as_ref()?.wall?, self.corio.wall?))
    }

    /// As [`best_ratio`](Self::best_ratio), on wall-clock medians.
    pub(crate) fn best_wall_ratio(&self) -> Option<f64> {
        let best = [self.tokio.as_ref(), self.smol.as_ref()]
            .into_iter()
            .flatten()
            .filter_map(|c| c.wall)
            .min_by(f64::total_cmp)?;
        Some(ratio(best, self.corio.wall?))
    }
}

fn ratio(other: f64, corio: f64) -> f64 {
    if corio > 0.0 {
        other / corio
    } else {
        f64::INFINITY
    }
}

/// Runs every selected case; contenders take turns within each round, so that a burst of
/// load on the machine hits all of them alike.
pub(crate) fn run_all(cases: &[Case], options: &Options) -> Vec<RowResult> {
    let started = Instant::now();
    let mut rows = Vec::new();
    for case in cases {
        if !case.metrics.iter().any(|m| options.selects(m)) {
            continue;
        }
        let names: Vec<&str> = case.row_ids().collect();
        eprintln!("== {}", names.join(" / "));
        let contenders: Vec<(Side, &Contender)> = case
            .contenders()
            .filter(|(side, _)| options.only.as_deref().is_none_or(|o| o == side.name()))
            .collect();
        if !contenders.iter().any(|(side, _)| *side == Side::Corio) {
            // Rows are built around corio's cell: a competitor alone is only printed.
            for (_, c) in &contenders {
                let runs: Vec<Vec<Sample>> = (0..options.runs()).map(|_| (c.bench)()).collect();
                for (m, metric) in case.metrics.iter().enumerate() {
                    let mut values: Vec<f64> = runs.iter().map(|r| r[m].value).collect();
                    let v = median(&mut values);
                    eprintln!(
                        "   {:<20} {:<28} {}",
                        metric.id,
                        c.label,
                        format_value(v, metric.unit)
                    );
                }
            }
            continue;
        }
        if case.repeat != Repeat::Memory {
            for (_, c) in &contenders {
                (c.bench)();
            }
        }
        let runs = match case.repeat {
            Repeat::Timed => options.runs(),
            Repeat::Latency => options.runs() * LATENCY_RUNS_FACTOR,
            Repeat::Memory => options.runs().min(3),
        };
        // samples[contender][metric][run]
        let mut samples: Vec<Vec<Vec<Sample>>> =
            vec![vec![Vec::with_capacity(runs); case.metrics.len()]; contenders.len()];
        for _ in 0..runs {
            for (i, (_, c)) in contenders.iter().enumerate() {
                let values = (c.bench)();
                assert_eq!(
                    values.len(),
                    case.metrics.len(),
                    "{}: one sample per metric",
                    c.label
                );
                for (m, v) in values.into_iter().enumerate() {
                    samples[i][m].push(v);
                }
            }
        }
        for (m, metric) in case.metrics.iter().enumerate() {
            if !options.selects(metric) {
                continue;
            }
            let mut row = RowResult {
                id: metric.id,
                title: metric.title,
                unit: metric.unit,
                note: case.note,
                corio: Cell {
                    label: case.corio.label,
                    value: 0.0,
                    wall: None,
                },
                tokio: None,
                smol: None,
            };
            for (i, (side, c)) in contenders.iter().enumerate() {
                let runs = &samples[i][m];
                let mut values: Vec<f64> = runs.iter().map(|s| s.value).collect();
                let mut walls: Vec<f64> = runs.iter().filter_map(|s| s.wall).collect();
                let cell = Cell {
                    label: c.label,
                    value: median(&mut values),
                    wall: (walls.len() == runs.len()).then(|| median(&mut walls)),
                };
                let wall = cell.wall.map_or(String::new(), |w| {
                    format!("  (wall {})", format_value(w, Unit::Wall))
                });
                eprintln!(
                    "   {:<20} {:<28} {}{wall}",
                    metric.id,
                    c.label,
                    format_value(cell.value, metric.unit)
                );
                match side {
                    Side::Corio => row.corio = cell,
                    Side::Tokio => row.tokio = Some(cell),
                    Side::Smol => row.smol = Some(cell),
                }
            }
            rows.push(row);
        }
    }
    eprintln!("(whole run: {:.1} s)", started.elapsed().as_secs_f64());
    rows
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// A value in its unit, with a readable magnitude.
pub(crate) fn format_value(value: f64, unit: Unit) -> String {
    if value.is_nan() {
        return "n/a".to_owned();
    }
    match unit {
        Unit::Cpu | Unit::Wall if value >= 1.0 => format!("{value:.3} s"),
        Unit::Cpu | Unit::Wall => format!("{:.1} ms", value * 1e3),
        Unit::Micros if value >= 1e4 => format!("{:.1} ms", value / 1e3),
        Unit::Micros => format!("{value:.1} µs"),
        Unit::BytesPerTask => format!("{value:.0} B/task"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
    }

    #[test]
    fn parse_flags_and_filters() {
        let args = ["spawn", "--quick", "--write"].map(String::from);
        let o = Options::parse(&args).unwrap();
        assert_eq!(o.filters, ["spawn"]);
        assert!(o.quick && o.write);
        assert_eq!(o.runs(), 1);
        assert!(Options::parse(&["--fast".to_owned()]).is_err());
        let o = Options::parse(&["--quick".to_owned(), "--runs=9".to_owned()]).unwrap();
        assert_eq!(o.runs(), 9);
        assert!(Options::parse(&["--runs=0".to_owned()]).is_err());
    }
}
