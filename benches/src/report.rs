//! The table on the terminal, and `docs/benchmarks.md` with its plot.

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::machine::Machine;
use crate::measure::{Options, RowResult, Unit, format_value};
use crate::svg;

fn ratio_text(r: Option<f64>) -> String {
    match r {
        Some(r) if r.is_nan() => "n/a".to_owned(),
        Some(r) if r.is_finite() => format!("{r:.2}x"),
        Some(_) => "inf".to_owned(),
        None => "n/a".to_owned(),
    }
}

fn cell_text(row: &RowResult, cell: Option<&crate::measure::Cell>) -> String {
    cell.map_or_else(|| "n/a".to_owned(), |c| format_value(c.value, row.unit))
}

/// The columns of one row: id, title, corio, tokio, smol, tokio/corio, best-other/corio.
fn columns(row: &RowResult) -> [String; 7] {
    [
        row.id.to_owned(),
        row.title.to_owned(),
        cell_text(row, Some(&row.corio)),
        cell_text(row, row.tokio.as_ref()),
        cell_text(row, row.smol.as_ref()),
        ratio_text(row.tokio_ratio()),
        ratio_text(row.best_ratio()),
    ]
}

const HEADER: [&str; 7] = [
    "row",
    "what",
    "corio",
    "tokio",
    "smol / crate",
    "tokio/corio",
    "best-other/corio",
];

/// The wall-clock columns of a CPU-time row.
fn wall_columns(row: &RowResult) -> Option<[String; 7]> {
    let wall = |c: Option<&crate::measure::Cell>| {
        c.and_then(|c| c.wall)
            .map_or_else(|| "n/a".to_owned(), |w| format_value(w, Unit::Wall))
    };
    row.corio.wall?;
    Some([
        row.id.to_owned(),
        row.title.to_owned(),
        wall(Some(&row.corio)),
        wall(row.tokio.as_ref()),
        wall(row.smol.as_ref()),
        ratio_text(row.tokio_wall_ratio()),
        ratio_text(row.best_wall_ratio()),
    ])
}

/// Both tables for the terminal: the medians, then the wall-clock medians of the CPU rows.
pub(crate) fn text_table(rows: &[RowResult]) -> String {
    let mut out =
        String::from("Medians (CPU time of the whole process unless the row says otherwise):\n");
    out.push_str(&aligned(&rows.iter().map(columns).collect::<Vec<_>>()));
    out.push_str("\nWall-clock medians of the CPU-time rows, for reference:\n");
    out.push_str(&aligned(
        &rows.iter().filter_map(wall_columns).collect::<Vec<_>>(),
    ));
    out.push_str("ratios: the competitor's median over corio's; above 1 means corio is faster (or smaller).\n");
    out
}

fn aligned(body: &[[String; 7]]) -> String {
    let mut widths = HEADER.map(|h| h.chars().count());
    for cols in body {
        for (w, c) in widths.iter_mut().zip(cols) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, cols: &[&str]| {
        for (i, (c, w)) in cols.iter().zip(widths).enumerate() {
            // Text left-aligned, numbers right-aligned.
            let pad = w - c.chars().count();
            if i < 2 {
                let _ = write!(out, "{c}{}  ", " ".repeat(pad));
            } else {
                let _ = write!(out, "{}{c}  ", " ".repeat(pad));
            }
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
    };
    line(&mut out, &HEADER);
    for cols in body {
        line(&mut out, &cols.each_ref().map(String::as_str));
    }
    out
}

fn docs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("docs")
}

/// Writes `docs/benchmarks.md` and `docs/benchmarks.svg`.
pub(crate) fn write_docs(rows: &[RowResult], options: &Options) -> std::io::Result<()> {
    let machine = Machine::probe();
    let dir = docs_dir();
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("benchmarks.svg"), svg::ratio_chart(rows))?;
    std::fs::write(dir.join("benchmarks.md"), markdown(rows, options, &machine))?;
    eprintln!(
        "wrote {} and benchmarks.svg",
        dir.join("benchmarks.md").display()
    );
    Ok(())
}

fn md_table(md: &mut String, body: &[[String; 7]]) {
    md.push_str("| row | what | corio | tokio | smol / crate | tokio/corio | best-other/corio |\n");
    md.push_str("|---|---|--:|--:|--:|--:|--:|\n");
    for c in body {
        let _ = writeln!(
            md,
            "| `{}` | {} | {} | {} | {} | {} | {} |",
            c[0], c[1], c[2], c[3], c[4], c[5], c[6]
        );
    }
}

fn markdown(rows: &[RowResult], options: &Options, m: &Machine) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# Benchmarks: corio against tokio and smol\n");
    let _ = writeln!(
        md,
        "corio's event loop, tokio's current-thread runtime and smol's `LocalExecutor`, measured side by \
         side in one run of the harness in `benches/` (a cargo workspace of its own, so that tokio and \
         smol never enter corio's build).\n"
    );
    md.push_str("## How to run\n\n");
    md.push_str("```sh\n");
    md.push_str(
        "cargo xtask bench                    # every row, 5 runs each, prints the table\n",
    );
    md.push_str("cargo xtask bench --quick            # 1 run each: a smoke test\n");
    md.push_str("cargo xtask bench http --runs=20     # 20 runs (60 for the latency cases)\n");
    md.push_str("cargo xtask bench spawn sleep        # only the rows whose id contains `spawn` or `sleep`\n");
    md.push_str(
        "cargo xtask bench --write            # also rewrites this page and benchmarks.svg\n",
    );
    md.push_str("```\n\n");
    md.push_str(
        "To see where corio spends its time on a row, run corio's side alone under a profiler:\n\n\
         ```sh\n\
         cargo build --release --manifest-path benches/Cargo.toml\n\
         valgrind --tool=callgrind benches/target/release/corio-benches --quick --only=corio spawn\n\
         perf record -g benches/target/release/corio-benches --quick --only=corio sleep\n\
         ```\n\n",
    );
    md.push_str(
        "Each case is warmed up once per contender, then run 5 times (1 with `--quick`; three times \
         as many for the HTTP latency cases), the \
         contenders taking turns within each round so that a burst of load on the machine hits them \
         alike; the table shows medians. Each run builds a fresh runtime outside the timed region. \
         The harness is an ordinary release build (no LTO, no special codegen flags) and uses glibc's \
         allocator for every contender.\n\n",
    );
    md.push_str("## This run\n\n");
    let _ = writeln!(md, "- Date: {} (UTC)", m.date);
    let _ = writeln!(
        md,
        "- CPU: {}, {} logical core(s) available",
        m.cpu, m.cores
    );
    let _ = writeln!(md, "- Toolchain: {}", m.rustc);
    let _ = writeln!(md, "- corio commit: `{}`", m.commit);
    let _ = writeln!(
        md,
        "- Runs per case: {} ({} for the latency cases, `http_hyper` and `http_raw`){}",
        options.runs(),
        options.runs() * crate::measure::LATENCY_RUNS_FACTOR,
        if options.quick {
            " (`--quick`: these numbers are a smoke run, not a measurement)"
        } else {
            ""
        }
    );
    let st = &m.stalls;
    let _ = writeln!(
        md,
        "- Host preemption, probed before writing this page: a thread spinning on each core for \
         {:.0} s saw {} gaps over 100 µs ({} over 1 ms, the longest {:.1} ms), {:.1} ms lost per \
         core-second. This is why one run's p99 latency is noisy, and why the latency rows take \
         the median of {} runs.",
        st.window.as_secs_f64(),
        st.over_100us,
        st.over_1ms,
        st.longest.as_secs_f64() * 1e3,
        st.lost_per_sec.as_secs_f64() * 1e3,
        options.runs() * crate::measure::LATENCY_RUNS_FACTOR,
    );
    md.push_str(
        "- The machine is shared and noisy (other builds may run at the same time): quote ratios, \
         not absolute times, and treat differences under ~10% as noise.\n\n",
    );
    md.push_str("## Results\n\n");
    md.push_str(
        "Medians. Time rows show the **CPU time of the whole process** (every thread, \
         `CLOCK_PROCESS_CPUTIME_ID`) spent in the run: on a shared machine it is much steadier \
         than wall-clock time, and it charges a runtime for any helper thread it uses. \
         `sleep_total` is wall-clock time, since waiting is its point; the wall-clock medians of the \
         other rows follow in a second table. Ratios are the competitor's median over corio's, so \
         **above 1 means corio is faster** (or, for the memory rows, smaller; for lateness, more \
         punctual). *best-other* is the better of tokio and smol on that row.\n\n",
    );
    md_table(&mut md, &rows.iter().map(columns).collect::<Vec<_>>());
    md.push_str(
        "\n![Ratios per row, log scale; above 1 means corio is faster](benchmarks.svg)\n\n",
    );
    let behind: Vec<String> = rows
        .iter()
        .filter_map(|r| Some((r, r.best_ratio().filter(|b| *b < 1.0)?)))
        .map(|(r, b)| format!("`{}` ({b:.2}x)", r.id))
        .collect();
    if behind.is_empty() {
        md.push_str("In this run corio matched or beat the best competitor on every row.\n\n");
    } else {
        let _ = writeln!(
            md,
            "Rows where corio trails the best competitor in this run: {}. Differences within ~10% \
             are noise on this machine.\n",
            behind.join(", ")
        );
    }
    md.push_str("Wall-clock medians of the same runs (CPU-time rows only):\n\n");
    md_table(
        &mut md,
        &rows.iter().filter_map(wall_columns).collect::<Vec<_>>(),
    );
    md.push('\n');
    md.push_str("## What each row measures\n\n");
    let mut last_note = "";
    for row in rows {
        let who = [Some(&row.corio), row.tokio.as_ref(), row.smol.as_ref()]
            .into_iter()
            .zip(["corio", "tokio", "smol"])
            .map(|(c, side)| match c {
                Some(c) => format!("{side}: `{}`", c.label),
                None => format!("{side}: none"),
            })
            .collect::<Vec<_>>()
            .join("; ");
        let _ = write!(md, "- `{}` ({who}).", row.id);
        if row.note != last_note {
            let _ = write!(md, " {}", row.note);
            last_note = row.note;
        } else {
            md.push_str(" As above.");
        }
        md.push('\n');
    }
    md.push_str("\n## Fairness\n\n");
    md.push_str(
        "- Every contender does the same work per task, written the way its users write it: \
         corio with `spawn` inside `EventLoop::run_until_complete`; tokio on \
         `Builder::new_current_thread().enable_time().build()` with `block_on`, spawning either with \
         `tokio::spawn` or with `spawn_local` inside a `LocalSet`, whichever measured faster for that \
         row (`LocalSet` for `spawn`, `chain`, `call_soon` and the sleeps; plain `tokio::spawn` for \
         yields, locks, the semaphore and the channels; the labels under *What each row measures* say \
         which); smol with `LocalExecutor::spawn` driven by `futures_lite::future::block_on(ex.run(..))`, \
         or `async_io::block_on` where timers are involved.\n\
         - Nothing is tuned for corio: it runs with its defaults (debug mode off), through its \
         public API, exactly as a user would call it.\n\
         - Work that checks a result (sums, counters) is the same in every contender and uses \
         thread-locals, which cost the same everywhere and need no atomics.\n\
         - tokio's cooperative budget is left on everywhere except in `timer_cancel`, where it would \
         skip the registration being measured (see the row's note).\n\
         - `call_soon` has no equivalent in tokio or smol; a detached trivial task is the closest \
         thing and is what they are measured with. It is heavier than a callback by nature, so that \
         row says more about what corio's callbacks save than about the executors.\n\
         - The channel and lock rows compare the crates each ecosystem reaches for (tokio's own \
         primitives; async-channel and async-lock for smol), each on its own runtime.\n",
    );
    md.push_str("\n## Tail latency (the HTTP rows)\n\n");
    md.push_str(
        "- **What decides one run's p99 here is the host, not the runtime.** This machine is a \
         virtual machine whose host takes each vCPU away a few times a second for up to several \
         milliseconds (the probe under *This run*). A stall of either the server's core or wrk's \
         holds back the 64 requests then in flight, and whether such stalls touch more or fewer \
         than 1% of a 2-second run's ~280,000 requests moves that run's p99 from about 0.7 ms to \
         2-10 ms. With 5 runs a case, the `http_hyper_p99` ratio against tokio went from 0.90x to \
         1.52x between invocations of the same code, so the latency cases take the median of 15 \
         runs.\n\
         - **Where the runtimes do differ is the body of the distribution.** Over 20 interleaved \
         runs (measured on 2026-12-01 before this page's run; every run prints its \
         p50/p75/p90/p99, and `--runs=N` sets the count), hyper on corio against hyper on tokio current-thread, medians: p50 323 µs vs \
         389, p75 443 vs 491, p90 582 vs 601, p99 1020 vs 1320. Both loops serve ready \
         connections in the order epoll reports them, poll for I/O when their run queue is empty \
         (and, while busy, tokio every 61 task polls, corio every 61 loop iterations), and wake about 10 connections per wait \
         (perf's `syscalls:sys_exit_epoll_*` tracepoints: 9.6 events per wait for corio, 10.9 \
         for tokio); the single wrk thread, not the server, is the bottleneck at ~140,000 \
         requests/s.\n",
    );
    md.push_str("\n## Where corio is behind, and why\n\n");
    md.push_str(
        "Measured with callgrind (`--only=corio`) and perf; the causes, not guesses. Rows within \
         ~10% of the best competitor (`chain`, `sleep_total` and `queue_4p4c` in recent runs) \
         swing either way between runs and are not listed.\n\n\
         - **memory per task** (`mem_pending`, `mem_event`; 0.95x and 0.88x smol): a \
         detached corio task is one async-task allocation, here of 104 bytes in a 112-byte glibc \
         chunk: async-task's header is 64 bytes (its state, awaiter and vtable, corio's 31-byte \
         packed `TaskMeta` — the executor pointer, id, last step number (48 bits), registry \
         key, flags and the slot of a shared task's handles, which give `all_tasks()`, \
         cancellation, names, done-callbacks and cancellation of the awaited task — and \
         async-task's `propagate_panic` flag, there because smol enables async-task's `std` \
         feature in this build), then the 40-byte slot shared by these rows' future and its \
         output. Plus a 16-byte registry slot and, at the peak when every task waits for its \
         first step, an 8-byte ready-queue entry (a tagged word: a task step or a thin \
         callback pointer), 16.8 and 8.4 bytes a task with the vectors' doubling: 137 bytes. \
         smol: a 96-byte chunk (no metadata: a 40-byte header and its 8-byte schedule \
         closure), an 8-byte queue entry and a 24-byte `active` slab slot, about 129 bytes. \
         The 8 bytes left are the metadata: what precedes the future would shrink to smol's 48 \
         bytes (its header and closure) only with a `TaskMeta` of at most 15 bytes, which \
         leaves no room for the id, the registry key and the executor pointer. The event row \
         adds the waiter: 64 bytes a task for `corio_sync::Event`, 48 for event_listener (the \
         difference between the two rows).\n\
         - **chain** (about 0.9x smol; 1.1x tokio): not instructions. Callgrind counts about \
         the same per task on both sides (1105 corio / 1088 smol; malloc and free cost the \
         same, one allocation per task), and only one task is alive at a time, so memory plays \
         no part; its remaining gap is unexplained. (`spawn`, which was behind for its page \
         faults, is ahead since the task header shrank by 16 bytes and the ready-queue entry \
         by 8: about 128 bytes touched per live task (an 80-byte task chunk for this future, \
         a 24-byte handle, a 16-byte registry slot, an 8-byte queue entry) instead of 152, \
         smol about 120; alone (`--only`), corio's run went from 184 to 140 ms, smol's is \
         167-171 ms.)\n",
    );
    md
}
