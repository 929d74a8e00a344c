//! The plot: a horizontal bar chart of the ratios per row, on a log scale, written as
//! plain SVG (no plotting dependency).

use std::fmt::Write as _;

use crate::measure::RowResult;

const WIDTH: f64 = 960.0;
const LABEL_W: f64 = 230.0;
const RIGHT_PAD: f64 = 70.0;
const ROW_H: f64 = 34.0;
const BAR_H: f64 = 12.0;
const TOP: f64 = 70.0;
const BOTTOM: f64 = 50.0;
const TOKIO_COLOR: &str = "#4c78a8";
const BEST_COLOR: &str = "#f58518";

/// Renders the chart.
pub(crate) fn ratio_chart(rows: &[RowResult]) -> String {
    let ratios: Vec<f64> = rows
        .iter()
        .flat_map(|r| [r.tokio_ratio(), r.best_ratio()])
        .flatten()
        .filter(|r| r.is_finite() && *r > 0.0)
        .collect();
    // Whole decades around 1 that cover every ratio: [10^lo, 10^hi].
    let lo = ratios
        .iter()
        .map(|r| r.log10().floor() as i32)
        .min()
        .unwrap_or(-1)
        .min(-1);
    let hi = ratios
        .iter()
        .map(|r| r.log10().ceil() as i32)
        .max()
        .unwrap_or(1)
        .max(1);
    let plot_w = WIDTH - LABEL_W - RIGHT_PAD;
    let x = |r: f64| {
        let r = r.clamp(10f64.powi(lo), 10f64.powi(hi));
        LABEL_W + (r.log10() - f64::from(lo)) / f64::from(hi - lo) * plot_w
    };
    let height = TOP + ROW_H * rows.len() as f64 + BOTTOM;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{}" y="22" font-size="15" font-weight="bold">competitor time / corio time (log scale; right of 1 = corio faster)</text>"#,
        LABEL_W
    );
    legend(&mut s, LABEL_W, 44.0);
    // Decade grid lines; the line at 1 is darker.
    for e in lo..=hi {
        let gx = x(10f64.powi(e));
        let (stroke, w) = if e == 0 { ("#333", 1.5) } else { ("#ccc", 1.0) };
        let _ = writeln!(
            s,
            r#"<line x1="{gx:.1}" y1="{TOP}" x2="{gx:.1}" y2="{:.1}" stroke="{stroke}" stroke-width="{w}"/>"#,
            height - BOTTOM
        );
        let _ = writeln!(
            s,
            r#"<text x="{gx:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            height - BOTTOM + 18.0,
            decade_label(e)
        );
    }
    let one = x(1.0);
    for (i, row) in rows.iter().enumerate() {
        let y0 = TOP + ROW_H * i as f64;
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            LABEL_W - 8.0,
            y0 + ROW_H / 2.0 + 4.0,
            escape(row.id)
        );
        for (j, (ratio, color)) in [
            (row.tokio_ratio(), TOKIO_COLOR),
            (row.best_ratio(), BEST_COLOR),
        ]
        .into_iter()
        .enumerate()
        {
            let y = y0 + 4.0 + BAR_H * j as f64;
            let Some(r) = ratio.filter(|r| *r > 0.0) else {
                let _ = writeln!(
                    s,
                    r##"<text x="{:.1}" y="{:.1}" fill="#888" font-size="10">n/a</text>"##,
                    one + 4.0,
                    y + BAR_H - 2.0
                );
                continue;
            };
            let xr = x(r);
            let (bx, bw) = if xr >= one {
                (one, xr - one)
            } else {
                (xr, one - xr)
            };
            let _ = writeln!(
                s,
                r#"<rect x="{bx:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="{color}"/>"#,
                bw.max(1.0),
                BAR_H - 2.0
            );
            let text = if r.is_finite() {
                format!("{r:.2}")
            } else {
                "inf".to_owned()
            };
            let (tx, anchor) = if xr >= one {
                (bx + bw + 4.0, "start")
            } else {
                (bx - 4.0, "end")
            };
            let _ = writeln!(
                s,
                r#"<text x="{tx:.1}" y="{:.1}" text-anchor="{anchor}" font-size="10">{text}</text>"#,
                y + BAR_H - 3.0
            );
        }
    }
    s.push_str("</svg>\n");
    s
}

fn legend(s: &mut String, x: f64, y: f64) {
    for (i, (color, text)) in [
        (TOKIO_COLOR, "tokio / corio"),
        (BEST_COLOR, "best other / corio"),
    ]
    .into_iter()
    .enumerate()
    {
        let lx = x + 170.0 * i as f64;
        let _ = writeln!(
            s,
            r#"<rect x="{lx:.1}" y="{:.1}" width="12" height="12" fill="{color}"/>"#,
            y - 10.0
        );
        let _ = writeln!(s, r#"<text x="{:.1}" y="{y:.1}">{text}</text>"#, lx + 18.0);
    }
}

fn decade_label(e: i32) -> String {
    if e >= 0 {
        format!("{}", 10u64.pow(e as u32))
    } else {
        format!("{}", 10f64.powi(e))
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::{Cell, Unit};

    #[test]
    fn chart_has_a_bar_per_ratio() {
        let rows = vec![RowResult {
            id: "spawn",
            title: "t",
            unit: Unit::Cpu,
            note: "",
            corio: Cell {
                label: "c",
                value: 1.0,
                wall: None,
            },
            tokio: Some(Cell {
                label: "t",
                value: 2.0,
                wall: None,
            }),
            smol: Some(Cell {
                label: "s",
                value: 0.5,
                wall: None,
            }),
        }];
        let svg = ratio_chart(&rows);
        assert!(svg.starts_with("<svg"));
        assert_eq!(svg.matches(TOKIO_COLOR).count(), 2, "legend + one bar");
        assert!(svg.contains(">2.00<") && svg.contains(">0.50<"));
    }
}
