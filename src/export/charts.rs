//! Inline SVG charts for the HTML report, readable without hover: each has a title
//! (the heading before it), labelled axes with units, a legend, and numbers written on
//! it where a reader needs them. Pure functions from metrics to markup.

use std::fmt::Write as _;

use chrono::NaiveDate;

use super::html::escape;
use crate::domain::State;
use crate::domain::metrics::{Metrics, Stats};
use crate::domain::snapshot::Snapshot;

/// The plot area of a chart: `W` × `H` pixels, inside margins for the axes.
const W: f64 = 720.0;
const H: f64 = 260.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 34.0;
const BOTTOM: f64 = 46.0;

/// A chart's frame: the `<svg>` with its class and label, axes with their titles,
/// ticks on the value axis (0 to `max`), the first, middle and last labels on the
/// other, and a legend of `(class, words)` along the top.
fn frame(
    class: &str,
    label: &str,
    x_title: &str,
    y_title: &str,
    max: f64,
    x_labels: &[(f64, String)],
    legend: &[(&str, &str)],
) -> String {
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart {class}\" width=\"{W}\" height=\"{H}\" role=\"img\" aria-label=\"{}\">\n",
        escape(label)
    );
    let (x0, y0, x1, y1) = (LEFT, H - BOTTOM, W - RIGHT, TOP);
    let _ = writeln!(
        svg,
        "<line class=\"axis\" x1=\"{x0}\" y1=\"{y0}\" x2=\"{x1}\" y2=\"{y0}\"/><line class=\"axis\" x1=\"{x0}\" y1=\"{y0}\" x2=\"{x0}\" y2=\"{y1}\"/>"
    );
    for i in 0..=4 {
        let value = max * f64::from(i) / 4.0;
        let y = y0 - (y0 - y1) * f64::from(i) / 4.0;
        let shown = if max >= 8.0 || value.fract() == 0.0 {
            format!("{value:.0}")
        } else {
            format!("{value:.1}")
        };
        let _ = writeln!(
            svg,
            "<line class=\"grid\" x1=\"{x0}\" y1=\"{y:.1}\" x2=\"{x1}\" y2=\"{y:.1}\"/><text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{shown}</text>",
            x0 - 4.0,
            y + 4.0
        );
    }
    for (x, text) in x_labels {
        let _ = writeln!(
            svg,
            "<text class=\"tick\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            y0 + 14.0,
            escape(text)
        );
    }
    let _ = writeln!(
        svg,
        "<text class=\"axis-title\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text><text class=\"axis-title\" transform=\"translate(14 {:.1}) rotate(-90)\" text-anchor=\"middle\">{}</text>",
        (x0 + x1) / 2.0,
        H - 8.0,
        escape(x_title),
        (y0 + y1) / 2.0,
        escape(y_title)
    );
    let mut x = LEFT;
    for (class, words) in legend {
        let _ = writeln!(
            svg,
            "<rect class=\"{class}\" x=\"{x:.1}\" y=\"8\" width=\"12\" height=\"12\"/><text class=\"legend\" x=\"{:.1}\" y=\"18\">{}</text>",
            x + 16.0,
            escape(words)
        );
        x += 16.0 + 7.0 * words.chars().count() as f64 + 18.0;
    }
    svg
}

/// The x position of point `i` of `n`, spread over the plot.
fn spread(i: usize, n: usize) -> f64 {
    let span = W - RIGHT - LEFT;
    if n <= 1 {
        LEFT + span / 2.0
    } else {
        LEFT + span * i as f64 / (n - 1) as f64
    }
}

fn y_of(value: f64, max: f64) -> f64 {
    (H - BOTTOM) - (H - BOTTOM - TOP) * value / max.max(f64::MIN_POSITIVE)
}

/// First, middle and last days, as labels under `n` evenly spread points.
fn day_labels(days: &[NaiveDate]) -> Vec<(f64, String)> {
    let n = days.len();
    let mut picks = vec![0, n / 2, n.saturating_sub(1)];
    picks.dedup();
    picks
        .into_iter()
        .filter_map(|i| days.get(i).map(|d| (spread(i, n), d.to_string())))
        .collect()
}

/// A rounded-up maximum for a value axis, at least 1.
fn nice_max(max: f64) -> f64 {
    if max <= 4.0 {
        return max.max(1.0).ceil();
    }
    let step = 10f64.powf(max.log10().floor()) / 2.0;
    (max / step).ceil() * step
}

/// Items done per day, as a line over the period, with the median day as a dashed line
/// and its value written beside it.
pub fn throughput_run(m: &Metrics) -> String {
    let days: Vec<NaiveDate> = m.daily_throughput.iter().map(|d| d.day).collect();
    let values: Vec<usize> = m.daily_throughput.iter().map(|d| d.done).collect();
    if values.is_empty() {
        return "<p>No days in the period.</p>\n".to_string();
    }
    let mut sorted = values.clone();
    sorted.sort_unstable();
    let median = sorted[(sorted.len() - 1) / 2] as f64;
    let max = nice_max(values.iter().copied().max().unwrap_or(0) as f64);
    let mut svg = frame(
        "run",
        "throughput run chart",
        "day (local)",
        "items done that day",
        max,
        &day_labels(&days),
        &[
            ("series", "items done per day"),
            ("median-key", "median day"),
        ],
    );
    let n = values.len();
    let points: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{:.1},{:.1}", spread(i, n), y_of(*v as f64, max)))
        .collect();
    let _ = writeln!(
        svg,
        "<polyline class=\"series\" points=\"{}\"/>",
        points.join(" ")
    );
    for (i, v) in values.iter().enumerate() {
        let _ = write!(
            svg,
            "<circle class=\"dot\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\"/>",
            spread(i, n),
            y_of(*v as f64, max)
        );
    }
    let y = y_of(median, max);
    let _ = writeln!(
        svg,
        "\n<line class=\"median\" x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/><text class=\"note\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">median {median:.0} a day</text>",
        W - RIGHT,
        W - RIGHT,
        y - 4.0
    );
    svg.push_str("</svg>\n");
    svg
}

/// Spells whose SLA ran out on each day of the period, as bars with their counts.
pub fn breaches(m: &Metrics) -> String {
    let days: Vec<NaiveDate> = m.daily_throughput.iter().map(|d| d.day).collect();
    if days.is_empty() {
        return "<p>No days in the period.</p>\n".to_string();
    }
    let count = |day: &NaiveDate| {
        m.breaches_per_day
            .iter()
            .find(|b| b.day == *day)
            .map_or(0, |b| b.breaches)
    };
    let max = nice_max(days.iter().map(count).max().unwrap_or(0) as f64);
    let mut svg = frame(
        "breaches",
        "SLA breaches per day",
        "day the SLA ran out (local)",
        "spells past their SLA",
        max,
        &day_labels(&days),
        &[("breached", "spells whose SLA ran out that day")],
    );
    let n = days.len();
    let width = ((W - LEFT - RIGHT) / n as f64 * 0.7).clamp(1.0, 24.0);
    for (i, day) in days.iter().enumerate() {
        let c = count(day);
        if c == 0 {
            continue;
        }
        let (x, y) = (spread(i, n) - width / 2.0, y_of(c as f64, max));
        let _ = writeln!(
            svg,
            "<rect class=\"breached\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{width:.1}\" height=\"{:.1}\"/><text class=\"note\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{c}</text>",
            H - BOTTOM - y,
            spread(i, n),
            y - 3.0
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// Bounces and dropped batons by cause, one stacked bar per boundary and cause, with
/// the counts written at the end of each bar.
pub fn causes(m: &Metrics) -> String {
    let rows: Vec<(String, &str, usize, usize)> =
        crate::domain::metrics::worst_first(&m.boundaries)
            .into_iter()
            .flat_map(|b| {
                b.causes
                    .iter()
                    .map(move |c| (b.label(), c.label(), c.bounced, c.dropped_batons))
            })
            .collect();
    if rows.is_empty() {
        return "<p>No bounces or dropped batons in the period.</p>\n".to_string();
    }
    let (label_w, plot_w, row_h) = (330.0, 300.0, 20.0);
    let max = rows.iter().map(|r| r.2 + r.3).max().unwrap_or(1).max(1) as f64;
    let height = row_h * rows.len() as f64 + 56.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart causes\" width=\"{}\" height=\"{height}\" role=\"img\" aria-label=\"causes per boundary\">\n",
        label_w + plot_w + 160.0
    );
    let _ = writeln!(
        svg,
        "<rect class=\"bounced\" x=\"0\" y=\"4\" width=\"12\" height=\"12\"/><text class=\"legend\" x=\"16\" y=\"14\">bounced</text><rect class=\"dropped\" x=\"90\" y=\"4\" width=\"12\" height=\"12\"/><text class=\"legend\" x=\"106\" y=\"14\">dropped batons</text>"
    );
    for (i, (boundary, cause, bounced, dropped)) in rows.iter().enumerate() {
        let y = 26.0 + i as f64 * row_h;
        let wb = *bounced as f64 / max * plot_w;
        let wd = *dropped as f64 / max * plot_w;
        let _ = writeln!(
            svg,
            "<text x=\"0\" y=\"{:.1}\">{} — {}</text><rect class=\"bounced\" x=\"{label_w}\" y=\"{y:.1}\" width=\"{wb:.1}\" height=\"14\"/><rect class=\"dropped\" x=\"{:.1}\" y=\"{y:.1}\" width=\"{wd:.1}\" height=\"14\"/><text x=\"{:.1}\" y=\"{:.1}\">{bounced} bounced, {dropped} dropped</text>",
            y + 11.0,
            escape(boundary),
            escape(cause),
            label_w + wb,
            label_w + wb + wd + 6.0,
            y + 11.0
        );
    }
    let _ = writeln!(
        svg,
        "<text class=\"axis-title\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">bounces and dropped batons in the period (count)</text>",
        label_w + plot_w / 2.0,
        height - 6.0
    );
    svg.push_str("</svg>\n");
    svg
}

const DAY_MINUTES: f64 = 1440.0;

/// Dashed lines at the 50th, 85th and 95th percentiles of `stats`, labelled with
/// their values, on a chart whose value axis is in days up to `max`.
fn percentile_lines(svg: &mut String, stats: &Stats, max: f64) {
    for (class, name, value) in [
        ("p50", "50th", stats.median_minutes),
        ("p85line", "85th", stats.p85_minutes),
        ("p95", "95th", stats.p95_minutes),
    ] {
        let Some(minutes) = value else { continue };
        let days = minutes as f64 / DAY_MINUTES;
        let y = y_of(days, max);
        let _ = writeln!(
            svg,
            "<line class=\"{class}\" x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/><text class=\"note\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{name} pct: {}</text>",
            W - RIGHT,
            W - RIGHT,
            y - 3.0,
            escape(&crate::domain::metrics::minutes(Some(minutes)))
        );
    }
}

/// Each item done in the period at its finishing day and its cycle time, with the
/// period's 50th, 85th and 95th percentile cycle times as lines.
pub fn cycle_scatter<Tz: chrono::TimeZone>(s: &Snapshot, zone: &Tz) -> String {
    let m = &s.metrics;
    let days: Vec<NaiveDate> = m.daily_throughput.iter().map(|d| d.day).collect();
    let points: Vec<(usize, f64, String)> = s
        .items
        .iter()
        .filter_map(|r| {
            let (at, minutes) = (r.done_at?, r.cycle_minutes?);
            let day = crate::domain::time::day_of(at, zone);
            let i = days.iter().position(|d| *d == day)?;
            Some((
                i,
                minutes as f64 / DAY_MINUTES,
                format!("#{} {}", r.id, r.title),
            ))
        })
        .collect();
    if points.is_empty() {
        return "<p>Nothing was done in the period.</p>\n".to_string();
    }
    let top = points
        .iter()
        .map(|p| p.1)
        .chain(
            m.overall
                .cycle_time
                .p95_minutes
                .map(|x| x as f64 / DAY_MINUTES),
        )
        .fold(0.0, f64::max);
    let max = nice_max(top);
    let mut svg = frame(
        "scatter",
        "cycle time scatterplot",
        "day the item was done (local)",
        "cycle time, created → done (days)",
        max,
        &day_labels(&days),
        &[
            ("dot", "an item done"),
            ("p50-key", "50th pct"),
            ("p85-key", "85th pct"),
            ("p95-key", "95th pct"),
        ],
    );
    let n = days.len();
    for (i, value, title) in &points {
        let _ = write!(
            svg,
            "<circle class=\"dot\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\"><title>{}</title></circle>",
            spread(*i, n),
            y_of(*value, max),
            escape(title)
        );
    }
    svg.push('\n');
    percentile_lines(&mut svg, &m.overall.cycle_time, max);
    svg.push_str("</svg>\n");
    svg
}

/// Work in progress at the end of the period, one column per place (each boundary's
/// limbo, then each team): every item a dot at its age there, red when past the
/// boundary's SLA (limbo) or the 85th percentile cycle time (a team), with the SLA of
/// each limbo column marked and the cycle-time percentiles as lines.
pub fn aging(s: &Snapshot) -> String {
    let m = &s.metrics;
    let mut columns: Vec<(String, Option<i64>, Vec<f64>)> = Vec::new();
    for t in &m.teams {
        for b in m.boundaries.iter().filter(|b| b.to == t.team) {
            columns.push((b.label(), b.sla_minutes, Vec::new()));
        }
        columns.push((t.team.clone(), None, Vec::new()));
    }
    let mut any = false;
    for r in &s.items {
        let Some(since) = r.since else { continue };
        let age = (s.taken_at - since).num_minutes().max(0) as f64 / DAY_MINUTES;
        let name = match (r.state, &r.to) {
            (State::Limbo, Some(to)) => crate::domain::view::crossing(&r.team, to),
            (State::Active, _) => r.team.clone(),
            _ => continue,
        };
        if let Some(column) = columns.iter_mut().find(|c| c.0 == name) {
            column.2.push(age);
            any = true;
        }
    }
    if !any {
        return "<p>No work in progress at the end of the period.</p>\n".to_string();
    }
    let p85 = m
        .overall
        .cycle_time
        .p85_minutes
        .map(|x| x as f64 / DAY_MINUTES);
    let top = columns
        .iter()
        .flat_map(|c| {
            c.2.iter()
                .copied()
                .chain(c.1.map(|x| x as f64 / DAY_MINUTES))
        })
        .chain(
            m.overall
                .cycle_time
                .p95_minutes
                .map(|x| x as f64 / DAY_MINUTES),
        )
        .fold(0.0, f64::max);
    let max = nice_max(top);
    let n = columns.len();
    let labels: Vec<(f64, String)> = columns
        .iter()
        .enumerate()
        .map(|(i, _)| (spread(i, n), (i + 1).to_string()))
        .collect();
    let mut svg = frame(
        "aging",
        "aging work in progress",
        "column (numbered below the chart)",
        "age in its column (days)",
        max,
        &labels,
        &[
            ("within", "within"),
            ("breached", "past the SLA / 85th pct"),
            ("sla", "boundary SLA"),
            ("p85-key", "85th pct cycle time"),
        ],
    );
    for (i, (_, sla, ages)) in columns.iter().enumerate() {
        let x = spread(i, n);
        if let Some(sla) = sla {
            let y = y_of(*sla as f64 / DAY_MINUTES, max);
            let _ = write!(
                svg,
                "<line class=\"sla\" x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/>",
                x - 10.0,
                x + 10.0
            );
        }
        for age in ages {
            let limit = sla.map(|m| m as f64 / DAY_MINUTES).or(p85);
            let class = if limit.is_some_and(|l| *age > l) {
                "breached"
            } else {
                "within"
            };
            let _ = write!(
                svg,
                "<circle class=\"{class}\" cx=\"{x:.1}\" cy=\"{:.1}\" r=\"3.5\"/>",
                y_of(*age, max)
            );
        }
        let _ = write!(
            svg,
            "<text class=\"note\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            H - BOTTOM + 26.0,
            ages.len()
        );
    }
    svg.push('\n');
    if let Some(p) = m.overall.cycle_time.p85_minutes {
        let y = y_of(p as f64 / DAY_MINUTES, max);
        let _ = writeln!(
            svg,
            "<line class=\"p85line\" x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/>",
            W - RIGHT
        );
    }
    svg.push_str("</svg>\n");
    // The columns' names, numbered as on the chart, with how many items each holds.
    let mut key = String::from("<ol class=\"columns\">");
    for (name, sla, ages) in &columns {
        let _ = write!(
            key,
            "<li>{}{}: {} items</li>",
            escape(name),
            sla.map_or_else(String::new, |m| format!(
                " (SLA {})",
                crate::domain::metrics::minutes(Some(m))
            )),
            ages.len()
        );
    }
    key.push_str("</ol>\n");
    svg + &key
}
