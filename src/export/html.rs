//! The retro report as one self-contained HTML file: inline CSS and inline SVG charts,
//! nothing fetched, so it opens offline. Written as well-formed XML so tools can read it.

use chrono::TimeZone;
use std::fmt::Write as _;

use crate::domain::State;
use crate::domain::metrics::{FlowPoint, Metrics, minutes, percent, worst_first};
use crate::domain::rules::Org;
use crate::domain::snapshot::Snapshot;
use crate::domain::text::display_safe;
use crate::domain::view::contract_incomplete;

/// Escapes text for HTML content and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in display_safe(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Laid out for a 1280-pixel window: the page is at most 1152 pixels wide, tables have
/// at most nine columns of short cells, and charts are at most 800 pixels wide.
const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:72rem}\
table{border-collapse:collapse;margin:1rem 0;font-size:14px}th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left}\
td.n{text-align:right}svg{margin:1rem 0;font-size:12px;display:block}.bar{fill:#4a7bd0}.breached{fill:#c62828}\
.within{fill:#2e7d32}.p85{stroke:#222;stroke-width:2}.active{fill:#4a7bd0}.limbo{fill:#f0a020}\
.done{fill:#2e7d32}.dropped{fill:#999}.muted{color:#666}.axis{stroke:#444}.grid{stroke:#eee}\
.tick,.note{fill:#444}.axis-title{fill:#222;font-weight:600}.series{fill:none;stroke:#4a7bd0;stroke-width:1.5}\
.dot{fill:#4a7bd0}.median{stroke:#222;stroke-dasharray:4 3}.median-key{fill:#222}.bounced{fill:#f0a020}\
.p50,.p85line,.p95{stroke-dasharray:6 3;stroke-width:1.5}.p50{stroke:#2e7d32}.p85line{stroke:#f0a020}.p95{stroke:#c62828}\
.p50-key{fill:#2e7d32}.p85-key{fill:#f0a020}.p95-key{fill:#c62828}.sla{stroke:#c62828;stroke-width:3}\
rect.sla{fill:#c62828}ol.columns{columns:3;font-size:13px}";

/// The retro as one HTML file; times in `zone`.
pub fn render<Tz: TimeZone>(s: &Snapshot, org: &Org, zone: &Tz) -> String {
    let m = &s.metrics;
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>Handoff retro: {}</title><style>{STYLE}</style></head><body>\n",
        escape(&s.label)
    );
    let _ = write!(
        out,
        "<h1>Handoff retro: {}</h1>\n<p class=\"muted\">{}. Every number is computed from the event log.</p>\n",
        escape(&s.label),
        escape(&capitalised(&m.period.describe(zone)))
    );
    overall(&mut out, m);
    out.push_str("<h2>Time in limbo per boundary</h2>\n<p class=\"muted\">Bars: median time in limbo of the spells that ended in the period; tick: 85th percentile.</p>\n");
    out.push_str(&limbo_chart(m));
    out.push_str("<h2>What is in limbo now</h2>\n");
    out.push_str(&ages_chart(s));
    out.push_str("<h2>Cumulative flow</h2>\n<p class=\"muted\">Items by state at the end of each day: active, in limbo (the orange band: sent, not yet accepted), done, dropped.</p>\n");
    out.push_str(&flow_chart(m));
    out.push_str("<h2>Cycle time scatterplot</h2>\n<p class=\"muted\">Each item done in the period, at the day it was done and its cycle time (created → done); dashed lines: the period's 50th, 85th and 95th percentile cycle times.</p>\n");
    out.push_str(&super::charts::cycle_scatter(s, zone));
    out.push_str("<h2>Aging work in progress</h2>\n<p class=\"muted\">Every item in progress at the end of the period, at how long it has been in its column; red: past the boundary's SLA (limbo) or the 85th percentile cycle time (a team's lane).</p>\n");
    out.push_str(&super::charts::aging(s));
    out.push_str("<h2>Throughput run chart</h2>\n<p class=\"muted\">Items done on each day of the period (zeros included), with the median day.</p>\n");
    out.push_str(&super::charts::throughput_run(m));
    out.push_str("<h2>SLA breaches per day</h2>\n<p class=\"muted\">Spells in limbo whose SLA ran out on each day.</p>\n");
    out.push_str(&super::charts::breaches(m));
    out.push_str("<h2>Why handoffs failed: causes per boundary</h2>\n<p class=\"muted\">Bounces and dropped batons in the period, by cause code.</p>\n");
    out.push_str(&super::charts::causes(m));
    forecast(&mut out, s);
    incidents(&mut out, s, zone);
    boundaries_table(&mut out, m, org);
    teams_table(&mut out, m);
    out.push_str("</body></html>\n");
    out
}

/// A forecast from the period's daily throughput (its whole days): how many items in
/// the next 14 days, and when the work in progress at its end would be done.
fn forecast(out: &mut String, s: &Snapshot) {
    use crate::domain::forecast::{TRIALS, how_many, when};
    let m = &s.metrics;
    let mut days: Vec<usize> = m.daily_throughput.iter().map(|d| d.done).collect();
    // The last day of a period that ends now is not over: not drawn from.
    if m.period.ends_now {
        days.pop();
    }
    let seed = s.taken_at.timestamp().unsigned_abs();
    let wip = s
        .items
        .iter()
        .filter(|r| matches!(r.state, State::Active | State::Limbo))
        .count();
    out.push_str("<h2>Forecast</h2>\n");
    let (Some(many), Some(done)) = (how_many(&days, 14, seed), when(&days, wip, seed)) else {
        out.push_str(
            "<p>Nothing was done in the period's whole days: no throughput to forecast from.</p>\n",
        );
        return;
    };
    let _ = writeln!(
        out,
        "<p class=\"muted\">Monte Carlo: {TRIALS} trials, each future day drawn from one of the period's {} whole days ({} items done); seed {seed}. Definitions in docs/metrics.md.</p>",
        days.len(),
        days.iter().sum::<usize>()
    );
    let _ = writeln!(
        out,
        "<table>\n<tr><th>confidence</th><th>items done in the next 14 days</th><th>the {wip} items in progress all done within</th></tr>"
    );
    for (h, w) in many.iter().zip(&done) {
        let _ = writeln!(
            out,
            "<tr><td class=\"n\">{}%</td><td class=\"n\">{} or more</td><td class=\"n\">{}</td></tr>",
            h.confidence,
            h.items,
            w.days.map_or_else(
                || format!("more than {} days", crate::domain::forecast::HORIZON_DAYS),
                |d| format!("{d} days")
            )
        );
    }
    out.push_str("</table>\n");
}

/// The period's breached, bounced, escalated, forced and dropped-baton items, a table
/// for each, oldest first, with the reasons recorded.
fn incidents<Tz: TimeZone>(out: &mut String, s: &Snapshot, zone: &Tz) {
    out.push_str("<h2>Items in trouble in the period</h2>\n");
    for list in crate::domain::metrics::trouble_lists(&s.metrics.overall, &s.incidents) {
        let total = list.total;
        let _ = writeln!(out, "<h3>{} ({total})</h3>", list.trouble.heading());
        if total > list.shown.len() && !list.shown.is_empty() {
            let _ = writeln!(
                out,
                "<p class=\"muted\">The {} most recent; <code>baton export --format csv --events</code> lists every one.</p>",
                list.shown.len()
            );
        }
        if list.shown.is_empty() {
            out.push_str("<p>None.</p>\n");
            continue;
        }
        out.push_str("<table class=\"trouble\">\n<tr><th>item</th><th>where</th><th>when</th><th>why</th><th>cause</th></tr>\n");
        for i in list.shown {
            let _ = writeln!(
                out,
                "<tr><td>#{} {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                i.id,
                escape(&i.title),
                escape(&i.place),
                escape(&crate::domain::time::show_in(i.at, zone)),
                escape(&i.detail),
                i.cause.map_or("", |c| c.as_str())
            );
        }
        out.push_str("</table>\n");
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn overall(out: &mut String, m: &Metrics) {
    let rows = super::overall_rows(m);
    out.push_str("<h2>Overall</h2>\n<table>\n");
    for (name, value) in rows {
        let _ = writeln!(
            out,
            "<tr><th>{}</th><td>{}</td></tr>",
            escape(name),
            escape(&value)
        );
    }
    out.push_str("</table>\n");
}

/// One horizontal bar per boundary: the median time in limbo, with the 85th percentile.
pub fn limbo_chart(m: &Metrics) -> String {
    let list = worst_first(&m.boundaries);
    let (label_w, plot_w, row_h) = (220.0, 480.0, 22.0);
    let max = list
        .iter()
        .filter_map(|b| {
            b.time_in_limbo
                .p85_minutes
                .or(b.time_in_limbo.median_minutes)
        })
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let height = row_h * list.len() as f64 + 10.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart limbo\" width=\"{}\" height=\"{height}\" role=\"img\" aria-label=\"time in limbo per boundary\">\n",
        label_w + plot_w + 80.0
    );
    for (i, b) in list.iter().enumerate() {
        let y = i as f64 * row_h + 4.0;
        let median = b.time_in_limbo.median_minutes.unwrap_or(0) as f64;
        let width = median / max * plot_w;
        let name = b.label();
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{:.1}\">{}</text><rect class=\"bar\" data-boundary=\"{}\" x=\"{label_w}\" y=\"{y:.1}\" width=\"{width:.1}\" height=\"{:.1}\"><title>{}: median {}, 85th pct {}</title></rect>",
            y + 13.0,
            escape(&name),
            escape(&name),
            row_h - 6.0,
            escape(&name),
            minutes(b.time_in_limbo.median_minutes),
            minutes(b.time_in_limbo.p85_minutes)
        );
        if let Some(p85) = b.time_in_limbo.p85_minutes {
            let x = label_w + p85 as f64 / max * plot_w;
            let _ = write!(
                svg,
                "<line class=\"p85\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{y:.1}\" y2=\"{:.1}\"/>",
                y + row_h - 6.0
            );
        }
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            label_w + plot_w + 6.0,
            y + 13.0,
            escape(&minutes(b.time_in_limbo.median_minutes))
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// One bar per item in limbo at the snapshot: how long it has waited, red when breached.
pub fn ages_chart(s: &Snapshot) -> String {
    let mut waiting: Vec<_> = s
        .items
        .iter()
        .filter(|r| r.state == State::Limbo)
        .filter_map(|r| {
            r.sent_at
                .map(|t| (r, (s.taken_at - t).num_minutes().max(0)))
        })
        .collect();
    waiting.sort_by_key(|(_, age)| std::cmp::Reverse(*age));
    if waiting.is_empty() {
        return "<p>Nothing is waiting between teams.</p>\n".to_string();
    }
    let (label_w, plot_w, row_h) = (320.0, 400.0, 20.0);
    let max = waiting.iter().map(|(_, a)| *a).max().unwrap_or(1).max(1) as f64;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart ages\" width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"ages of the items in limbo\">\n",
        label_w + plot_w + 80.0,
        row_h * waiting.len() as f64 + 10.0
    );
    for (i, (row, age)) in waiting.iter().enumerate() {
        let y = i as f64 * row_h + 4.0;
        let label: String = format!("#{} {}", row.id, row.place())
            .chars()
            .take(48)
            .collect();
        let _ = writeln!(
            svg,
            "<text x=\"0\" y=\"{:.1}\">{}</text><rect class=\"{}\" x=\"{label_w}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\"><title>{}</title></rect><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            y + 13.0,
            escape(&label),
            if row.breached { "breached" } else { "within" },
            *age as f64 / max * plot_w,
            row_h - 6.0,
            escape(&row.title),
            label_w + plot_w + 6.0,
            y + 13.0,
            escape(&minutes(Some(*age)))
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// Stacked areas of items by state over the period.
pub fn flow_chart(m: &Metrics) -> String {
    let points = &m.cumulative_flow;
    if points.is_empty() {
        return "<p>No history in the period.</p>\n".to_string();
    }
    let (w, h, left, bottom) = (720.0, 260.0, 60.0, 20.0);
    let max = points
        .iter()
        .map(|p| p.active + p.limbo + p.done + p.dropped)
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let n = points.len();
    let x = |i: usize| {
        left + if n > 1 {
            i as f64 / (n - 1) as f64 * (w - left)
        } else {
            0.0
        }
    };
    let y = |v: usize| (h - bottom) - v as f64 / max * (h - bottom - 10.0);
    // Below the plot: the day labels, then the legend and the axis title.
    let legend_h = 40.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart flow\" width=\"{w}\" height=\"{}\" role=\"img\" aria-label=\"cumulative flow\">\n",
        h + legend_h
    );
    // Bottom to top: dropped, done, limbo, active.
    type Layer = (&'static str, fn(&FlowPoint) -> usize);
    let layers: [Layer; 4] = [
        ("dropped", |p| p.dropped),
        ("done", |p| p.done),
        ("limbo", |p| p.limbo),
        ("active", |p| p.active),
    ];
    let mut base = vec![0usize; n];
    for (name, value) in layers {
        let top: Vec<usize> = points
            .iter()
            .zip(&base)
            .map(|(p, b)| b + value(p))
            .collect();
        let mut d = String::new();
        for (i, t) in top.iter().enumerate() {
            let _ = write!(d, "{:.1},{:.1} ", x(i), y(*t));
        }
        for (i, b) in base.iter().enumerate().rev() {
            let _ = write!(d, "{:.1},{:.1} ", x(i), y(*b));
        }
        let _ = writeln!(
            svg,
            "<polygon class=\"{name}\" points=\"{}\"><title>{name}</title></polygon>",
            d.trim_end()
        );
        base = top;
    }
    let _ = writeln!(
        svg,
        "<text x=\"{left}\" y=\"{:.1}\">{}</text><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text><text x=\"0\" y=\"{:.1}\">{} items</text><text x=\"0\" y=\"{:.1}\">0</text>",
        h - bottom + 14.0,
        points[0].day,
        w,
        h - bottom + 14.0,
        points[n - 1].day,
        y(max as usize) + 4.0,
        max,
        h - bottom
    );
    let _ = writeln!(
        svg,
        "<text class=\"axis-title\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">day (local), items counted at its end</text>",
        (left + w) / 2.0,
        h + legend_h - 4.0
    );
    let mut x = left;
    for (class, words) in [
        ("active", "active (held by a team)"),
        ("limbo", "in limbo"),
        ("done", "done"),
        ("dropped", "dropped"),
    ] {
        let _ = write!(
            svg,
            "<rect class=\"{class}\" x=\"{x:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\"/><text class=\"legend\" x=\"{:.1}\" y=\"{:.1}\">{words}</text>",
            h + 4.0,
            x + 16.0,
            h + 14.0
        );
        x += 16.0 + 7.0 * words.chars().count() as f64 + 18.0;
    }
    svg.push_str("</svg>\n");
    svg
}

fn boundaries_table(out: &mut String, m: &Metrics, org: &Org) {
    out.push_str("<h2>Boundaries, worst first</h2>\n<table>\n<tr><th>boundary</th><th>SLA</th><th>sent / accepted / bounced / reclaimed</th><th>time in limbo: median / 85th pct / max</th><th>in limbo at the end</th><th>breach rate</th><th>bounce rate</th><th>escalations / incomplete / dropped batons</th></tr>\n");
    for b in worst_first(&m.boundaries) {
        let incomplete = contract_incomplete(org, &b.from, &b.to);
        let _ = writeln!(
            out,
            "<tr><td>{}{}</td><td>{}</td><td class=\"n\">{} / {} / {} / {}</td><td>{} / {} / {}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{} / {} / {}</td></tr>",
            escape(&b.label()),
            if incomplete {
                " <em>(contract incomplete)</em>"
            } else {
                ""
            },
            escape(&minutes(b.sla_minutes)),
            b.sent,
            b.accepted,
            b.bounced,
            b.reclaimed,
            escape(&minutes(b.time_in_limbo.median_minutes)),
            escape(&minutes(b.time_in_limbo.p85_minutes)),
            escape(&minutes(b.time_in_limbo.max_minutes)),
            b.open_ages_minutes.len(),
            percent(b.breach_rate),
            percent(b.bounce_rate),
            b.escalations,
            b.incomplete_handoffs,
            b.dropped_batons
        );
    }
    out.push_str("</table>\n");
}

fn teams_table(out: &mut String, m: &Metrics) {
    out.push_str("<h2>Teams</h2>\n<table>\n<tr><th>team</th><th>WIP</th><th>WIP age (median)</th><th>done</th><th>cycle time (median)</th><th>flow efficiency</th><th>escalations</th><th>dropped batons</th></tr>\n");
    for t in &m.teams {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape(&t.team),
            t.wip,
            escape(&minutes(t.wip_age.median_minutes)),
            t.done,
            escape(&minutes(t.cycle_time.median_minutes)),
            percent(t.flow_efficiency),
            t.escalations,
            t.dropped_batons
        );
    }
    out.push_str("</table>\n");
    if !m.throughput.is_empty() {
        out.push_str(
            "<h2>Throughput per week</h2>\n<table>\n<tr><th>week of</th><th>done</th></tr>\n",
        );
        for w in &m.throughput {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"n\">{}</td></tr>",
                w.week, w.done
            );
        }
        out.push_str("</table>\n");
    }
}
