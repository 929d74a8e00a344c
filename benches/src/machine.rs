//! What the numbers were measured on: cores, CPU model, date, toolchain, commit, and how
//! often the host takes the CPU away (which is what makes tail latency noisy here).

use std::process::Command;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

#[derive(Debug)]
pub(crate) struct Machine {
    pub(crate) cores: usize,
    pub(crate) cpu: String,
    pub(crate) date: String,
    pub(crate) rustc: String,
    pub(crate) commit: String,
    pub(crate) stalls: Stalls,
}

/// What a thread spinning on each core saw: gaps in its clock readings, i.e. times when the
/// kernel or the hypervisor ran something else on that core.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Stalls {
    /// How long each core was watched.
    pub(crate) window: Duration,
    /// Gaps over 100 µs, summed over the cores.
    pub(crate) over_100us: usize,
    /// Gaps over 1 ms, summed over the cores.
    pub(crate) over_1ms: usize,
    /// The longest gap on any core.
    pub(crate) longest: Duration,
    /// Time lost to gaps over 100 µs, per core per second watched.
    pub(crate) lost_per_sec: Duration,
}

/// The gap a clock reading may leave before it counts as a stall.
const STALL_THRESHOLD: Duration = Duration::from_micros(100);

/// Watches every core at once for `window`, each with a thread that reads the clock in a
/// tight loop (pinning is left to the scheduler: with one spinner per core, each gets one).
fn probe_stalls(cores: usize, window: Duration) -> Stalls {
    let spinners: Vec<_> = (0..cores)
        .map(|_| {
            thread::spawn(move || {
                let start = Instant::now();
                let mut prev = start;
                let (mut over_100us, mut over_1ms) = (0, 0);
                let (mut longest, mut lost) = (Duration::ZERO, Duration::ZERO);
                while prev - start < window {
                    let now = Instant::now();
                    let gap = now - prev;
                    if gap > STALL_THRESHOLD {
                        over_100us += 1;
                        lost += gap;
                        if gap > Duration::from_millis(1) {
                            over_1ms += 1;
                        }
                    }
                    longest = longest.max(gap);
                    prev = now;
                }
                (over_100us, over_1ms, longest, lost)
            })
        })
        .collect();
    let mut stalls = Stalls {
        window,
        ..Stalls::default()
    };
    let mut lost = Duration::ZERO;
    for spinner in spinners {
        let (a, b, longest, l) = spinner.join().expect("a stall probe thread");
        stalls.over_100us += a;
        stalls.over_1ms += b;
        stalls.longest = stalls.longest.max(longest);
        lost += l;
    }
    let core_secs = window.as_secs_f64() * cores.max(1) as f64;
    stalls.lost_per_sec = lost.div_f64(core_secs);
    stalls
}

impl Machine {
    pub(crate) fn probe() -> Machine {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Machine {
            cores,
            stalls: probe_stalls(cores, Duration::from_secs(2)),
            cpu: cpu_model().unwrap_or_else(|| "unknown".to_owned()),
            date: today_utc(),
            rustc: command_line("rustc", &["-V"]).unwrap_or_else(|| "unknown".to_owned()),
            commit: command_line("git", &["rev-parse", "--short", "HEAD"])
                .unwrap_or_else(|| "unknown".to_owned()),
        }
    }
}

fn cpu_model() -> Option<String> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    info.lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_owned())
}

fn command_line(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Today's date (UTC) as YYYY-MM-DD, from the system clock.
fn today_utc() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::civil_from_days;

    #[test]
    fn known_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }
}
